from django_tasks import task


@task()
def extract_document_text(document_id: int) -> None:
    """Background text extraction for one procedure attachment (immediate by
    default)."""
    from .models import PortalDocument
    from .services import document_extract_text

    document = PortalDocument.objects.filter(pk=document_id).first()
    if document is not None:
        document_extract_text(document=document)
