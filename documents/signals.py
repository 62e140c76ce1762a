"""A procedure revision going live is recorded as a version (C10); an
attachment's text is extracted once per file (issue 6, item 4)."""

from django.db.models.signals import post_save
from wagtail.signals import page_published


def _on_page_published(sender, instance, revision=None, **kwargs):
    from .models import ProcedurePage
    from .services import version_publish_record

    if not isinstance(instance, ProcedurePage) or revision is None:
        return
    version_publish_record(page=instance, revision=revision, by=revision.user)
    # The page's own post_save indexed it before its attachment rows were
    # written (modelcluster saves child rows after the page): index it again
    # with the attachments of the revision now live.
    from wagtail.search import index

    index.insert_or_update_object(instance)


def _on_document_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    from .models import PortalDocument
    from .tasks import extract_document_text

    if raw or not instance.file:
        return
    if update_fields is not None and "file" not in update_fields:
        return  # a title or tag change: the file and its text are the same
    if not instance.file_hash:
        instance._set_file_hash()
        PortalDocument.objects.filter(pk=instance.pk).update(
            file_hash=instance.file_hash
        )
    # The stored hash, not this instance's: the task updates the row only.
    extracted = (
        PortalDocument.objects.filter(pk=instance.pk)
        .values_list("extracted_file_hash", flat=True)
        .first()
    )
    if instance.file_hash != extracted:
        extract_document_text.enqueue(instance.pk)


def connect():
    page_published.connect(_on_page_published, dispatch_uid="documents.versions")
    post_save.connect(
        _on_document_saved,
        sender="documents.PortalDocument",
        dispatch_uid="documents.extraction",
    )
