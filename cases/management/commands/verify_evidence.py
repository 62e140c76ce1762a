from django.core.management.base import BaseCommand

from cases.services import evidence_verify


class Command(BaseCommand):
    help = (
        "Controleert van elk bewijsstuk of het bestand er nog is en ongewijzigd is "
        "(SHA-256). Eindigt met een foutcode als er iets mis is."
    )

    def handle(self, *args, **options):
        checked, problems = evidence_verify()
        for p in problems:
            ev = p.evidence
            what = {"missing": "ONTBREEKT", "unreadable": "ONLEESBAAR"}.get(
                p.problem, "GEWIJZIGD"
            )
            self.stdout.write(
                f"{what}: bewijsstuk {ev.pk} '{ev.original_name}' ({ev.client}), "
                f"opgeslagen als {ev.file.name or '-'}; verwacht {ev.sha256}"
                + (f", gevonden {p.actual_sha256}" if p.actual_sha256 else "")
            )
        summary = (
            f"{checked} bestand(en) gecontroleerd, {len(problems)} probleem/problemen."
        )
        if problems:
            self.stderr.write(self.style.ERROR(summary))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(summary))
