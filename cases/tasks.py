from django_tasks import task


@task()
def extract_evidence_text(evidence_id: int) -> None:
    """Background text extraction for one evidence file (immediate by default)."""
    from .models import EvidenceFile
    from .services import evidence_extract_text

    evidence = EvidenceFile.objects.filter(pk=evidence_id).first()
    if evidence is not None:
        evidence_extract_text(evidence=evidence)
