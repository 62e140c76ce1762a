"""A procedure revision going live is recorded as a version (C10)."""

from wagtail.signals import page_published


def _on_page_published(sender, instance, revision=None, **kwargs):
    from .models import ProcedurePage
    from .services import version_publish_record

    if not isinstance(instance, ProcedurePage) or revision is None:
        return
    version_publish_record(page=instance, revision=revision, by=revision.user)


def connect():
    page_published.connect(_on_page_published, dispatch_uid="documents.versions")
