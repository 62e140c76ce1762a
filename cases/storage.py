from django.core.files.storage import FileSystemStorage


class EvidenceStorage(FileSystemStorage):
    """Evidence on local disk with no public URL: the only way to its bytes is the
    permission-checked download view (cases.views.dossier.evidence_download)."""

    def url(self, name):
        raise NotImplementedError(
            "Evidence has no public URL; link to cases:evidence_download instead."
        )
