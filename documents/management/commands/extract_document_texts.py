"""Extract the text of procedure attachments that have none for their current
file yet (documents uploaded before extraction existed, or after a failed task),
so that search finds the procedures by them (issue 6, item 4)."""

from django.core.management.base import BaseCommand
from django.db.models import F, Q

from documents.models import PortalDocument
from documents.services import document_extract_text


class Command(BaseCommand):
    help = (
        "Leest de tekst van documenten (bijlagen van procedures) die nog niet "
        "gelezen zijn, zodat zoeken ze vindt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="ook documenten waarvan de tekst al gelezen is opnieuw lezen",
        )

    def handle(self, *args, **options):
        documents = PortalDocument.objects.order_by("pk")
        if not options["all"]:
            documents = documents.filter(
                ~Q(extracted_file_hash=F("file_hash")) | Q(file_hash="")
            )
        done = failed = 0
        for document in documents:
            if not document.file_hash:
                document.get_file_hash()
            document_extract_text(document=document)
            document.refresh_from_db()
            if document.extraction_error:
                failed += 1
                reason = document.extraction_error
                self.stdout.write(f"  {document.title}: niet doorzoekbaar ({reason})")
            done += 1
        self.stdout.write(
            f"{done} document(en) gelezen, waarvan {failed} niet doorzoekbaar."
        )
