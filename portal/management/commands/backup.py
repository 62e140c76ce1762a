"""``manage.py backup``: one verified archive of the portal (README, "Backup and
restore"); ``--verify ARCHIVE`` checks an archive without restoring it."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import crypto, files, reader
from portal.backup.archive import NAME_PATTERN, create_backup
from portal.backup.errors import BackupError
from portal.backup.manifest import describe
from portal.backup.progress import Progress


def rotate(output: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives of this portal in ``output``;
    other files are never touched. Returns what was deleted."""
    archives = []
    for path in output.iterdir():
        match = NAME_PATTERN.match(path.name)
        if match and path.is_file():
            archives.append(((match.group(1), int(match.group(2) or 1)), path))
    archives.sort(reverse=True)
    removed = [path for _stamp, path in archives[keep:]]
    for path in removed:
        path.unlink()
    return removed


class Command(BaseCommand):
    help = (
        "Maakt één gedateerd archief van de database, de bewijsstukken en de "
        "mediabestanden, met een manifest (versie, migraties, aantallen, SHA-256 "
        "van elk bestand). Eindigt met een foutcode als een bewijsstuk ontbreekt "
        "of gewijzigd is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Map voor het archief (standaard PORTAL_BACKUP_DIR, anders "
            "$PORTAL_DATA_DIR/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            help="Bewaar alleen de N nieuwste archieven van dit portaal in de map.",
        )
        parser.add_argument(
            "--verify",
            metavar="ARCHIEF",
            help="Controleer een bestaand archief volledig, zonder iets terug te "
            "zetten.",
        )
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Toon een nieuwe sleutel voor PORTAL_BACKUP_KEY en stop.",
        )

    def handle(self, *args, **options):
        if options["new_key"]:
            self.stdout.write(crypto.new_key())
            return
        try:
            key = crypto.key_from_env()
            if options["verify"]:
                self._verify(Path(options["verify"]), key)
                return
            self._backup(options, key)
        except BackupError as err:
            raise CommandError(str(err)) from None

    def _verify(self, path: Path, key) -> None:
        verified = reader.verify(path, key=key, progress=Progress(self.stdout))
        data = verified.manifest
        self.stdout.write(f"Archief {path.name}: {describe(data)}.")
        self.stdout.write(
            f"  {len(data['row_counts'])} tabellen, {sum(data['row_counts'].values())} "
            f"rijen; {len(data['evidence'])} bewijsstuk(ken); "
            f"{verified.member_count} bestand(en), {verified.total_size} bytes"
            + (", versleuteld." if verified.encrypted else ".")
        )
        for problem in data["problems"]:
            self.stdout.write(f"  Gemeld bij het maken: {problem}")
        self.stdout.write(self.style.SUCCESS("Het archief is in orde."))

    def _backup(self, options, key) -> None:
        keep = options["keep"]
        if keep is not None and keep < 1:
            raise CommandError("--keep moet minstens 1 zijn.")
        output = Path(options["output"] or settings.PORTAL_BACKUP_DIR).expanduser()
        files.refuse_unsafe_output(output)
        output.mkdir(parents=True, exist_ok=True)
        progress = Progress(self.stdout)
        result = create_backup(output, key=key, progress=progress)
        data = result.manifest
        size = result.path.stat().st_size
        self.stdout.write(
            f"Archief geschreven: {result.path} ({size} bytes"
            + (", versleuteld" if key else ", niet versleuteld")
            + f"); {len(data['evidence'])} bewijsstuk(ken), "
            f"{sum(data['row_counts'].values())} rijen."
        )
        if result.problems:
            for problem in result.problems:
                self.stderr.write(self.style.ERROR(problem))
            self.stderr.write(
                self.style.ERROR(
                    f"De back-up is gemaakt, maar {len(result.problems)} "
                    "bewijsstuk(ken) kloppen niet met de upload (zie hierboven). "
                    "Oude back-ups zijn niet opgeruimd. Zoek de oorzaak uit "
                    "(manage.py verify_evidence)."
                )
            )
            raise SystemExit(1)
        if keep:
            for path in rotate(output, keep):
                self.stdout.write(f"Oude back-up verwijderd: {path.name}")
        self.stdout.write(self.style.SUCCESS("Back-up voltooid."))
