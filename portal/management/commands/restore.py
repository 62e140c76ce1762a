"""``manage.py restore ARCHIVE``: the one-command restore drill (README, "Backup
and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import crypto
from portal.backup.errors import BackupError
from portal.backup.manifest import describe
from portal.backup.progress import Progress
from portal.backup.restore import restore


class Command(BaseCommand):
    help = (
        "Zet een archief van 'manage.py backup' terug in een lege database en lege "
        "datamappen, na een volledige controle van het archief, en controleert "
        "daarna aantallen, bewijsstukken, migraties en de zoekindex."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="ARCHIEF")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ook terugzetten als de database of de datamappen niet leeg zijn "
            "(overschrijft alles).",
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        try:
            report = restore(
                path,
                key=crypto.key_from_env(),
                force=options["force"],
                out=lambda text: self.stderr.write(self.style.WARNING(text)),
                progress=Progress(self.stdout),
            )
        except BackupError as err:
            raise CommandError(str(err)) from None
        data = report.manifest
        write = self.stdout.write
        write(f"Hersteld uit {path.name} ({describe(data)}).")
        for note in report.notes:
            write(f"  {note}")
        write(
            f"  Bewijsstukken: {report.evidence_restored} teruggezet, "
            f"{report.evidence_checked} gecontroleerd."
        )
        write(f"  Mediabestanden: {report.media_restored} teruggezet.")
        if report.migrations_run:
            write(
                f"  Migraties: de code is nieuwer dan de back-up; "
                f"{report.migrations_run} migratie(s) uitgevoerd."
            )
        else:
            write("  Migraties: de database is bij met de code.")
        if report.index_rebuilt:
            write("  Zoekindex opnieuw opgebouwd.")
        for problem in data["problems"]:
            write(f"  Al gemeld bij het maken van de back-up: {problem}")
        if report.problems:
            for problem in report.problems:
                self.stderr.write(self.style.ERROR(problem))
            self.stderr.write(
                self.style.ERROR(
                    f"Herstel afgerond met {len(report.problems)} probleem/problemen "
                    "(zie hierboven)."
                )
            )
            raise SystemExit(1)
        write(
            self.style.SUCCESS(
                "Herstel voltooid en gecontroleerd: aantallen gelijk aan het "
                "manifest, elk bewijsstuk met de SHA-256 van de upload."
            )
        )
