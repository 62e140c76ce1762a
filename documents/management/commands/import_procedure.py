from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from documents.importing import (
    FORMATS,
    MAX_UPLOAD_BYTES,
    ParsedDocument,
    parse_document,
    procedure_import,
)
from documents.models import HandbookPage


class Command(BaseCommand):
    help = (
        "Importeert een bestaand document (.txt, .docx of .pdf) als concept-procedure "
        "onder een kwaliteitshandboek en meldt wat er is gevonden. Publiceert nooit."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version takes the document's version label (2305) here, replacing
        # Django's own --version that prints Django's version.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("het .txt-, .docx- of .pdf-bestand"))
        parser.add_argument(
            "--parent", required=True, help=_("slug van het kwaliteitshandboek")
        )
        parser.add_argument("--code", default="", help=_("bijvoorbeeld P-07"))
        parser.add_argument(
            "--version",
            dest="version_label",
            default="",
            help=_("versielabel JJMM, bijvoorbeeld 2305"),
        )
        parser.add_argument("--title", default="")
        parser.add_argument(
            "--new-revision",
            action="store_true",
            help=_("bestaat de code al: sla op als nieuwe conceptversie"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("alleen tonen wat er gevonden wordt, niets aanmaken"),
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        parent = HandbookPage.objects.filter(slug=options["parent"]).first()
        if parent is None:
            known = ", ".join(HandbookPage.objects.values_list("slug", flat=True))
            raise CommandError(
                _("Geen kwaliteitshandboek met slug '%(slug)s'. Bestaande: %(known)s.")
                % {"slug": options["parent"], "known": known or "-"}
            )
        if not path.is_file():
            raise CommandError(_("Bestand niet gevonden: %(path)s") % {"path": path})
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(_("Het bestand is groter dan 10 MB."))
        try:
            document = parse_document(path.read_bytes(), path.name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        self._report(path, document)
        if options["dry_run"]:
            self.stdout.write(_("Proefrun: er is niets aangemaakt."))
            return
        try:
            outcome = procedure_import(
                parent=parent,
                document=document,
                source_name=path.name,
                code=options["code"],
                version_label=options["version_label"],
                title=options["title"],
                new_revision=options["new_revision"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            if _code_in_use(exc):
                messages.append(_("Gebruik daarvoor --new-revision."))
            raise CommandError(" ".join(messages)) from exc
        page = outcome.page
        done = (
            _("Concept aangemaakt")
            if outcome.created
            else _("Nieuwe conceptversie opgeslagen")
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    '%(done)s: %(code)s "%(title)s" (versie %(version)s), pagina '
                    '%(pk)s onder "%(parent)s". Niet gepubliceerd.'
                )
                % {
                    "done": done,
                    "code": page.code,
                    "title": page.get_latest_revision_as_object().title,
                    "version": page.version_label or "-",
                    "pk": page.pk,
                    "parent": parent.title,
                }
            )
        )
        self.stdout.write(
            _("Bewerken: %(url)s")
            % {"url": reverse("wagtailadmin_pages:edit", args=[page.pk])}
        )

    def _report(self, path: Path, document: ParsedDocument) -> None:
        out = self.stdout.write
        out(
            _("Gelezen: %(name)s (%(kind)s)")
            % {"name": path.name, "kind": FORMATS[document.source_format]}
        )
        out(_("Titel: %(title)s") % {"title": document.title})
        if document.code:
            out(_("Code in het bestand: %(code)s") % {"code": document.code})
        if document.version_label:
            out(
                _("Versie in het bestand: %(version)s")
                % {"version": document.version_label}
            )
        out(_("Secties: %(n)d") % {"n": len(document.sections)})
        for number, section in enumerate(document.sections, start=1):
            paragraphs = sum(b.kind == "paragraph" for b in section.blocks)
            items = sum(len(b.items) for b in section.blocks)
            out(
                f"  {number:2d}. {section.heading}  ("
                + ngettext("%d alinea", "%d alinea's", paragraphs) % paragraphs
                + ", "
                + ngettext("%d opsommingspunt", "%d opsommingspunten", items) % items
                + ")"
            )
        out(_("Woorden: %(n)d") % {"n": document.word_count})
        out(_("Opsommingspunten: %(n)d") % {"n": document.list_item_count})
        distinct = document.distinct_dropped_lines
        out(
            _("Weggelaten regels (kop- en voetteksten): %(n)d, %(d)d verschillend")
            % {"n": len(document.dropped_lines), "d": len(distinct)}
        )
        for line in distinct:
            count = document.dropped_lines.count(line)
            out(f"  - {line}" + (f"  ({count} keer)" if count > 1 else ""))
        if document.skipped_headings:
            out(
                _("Koppen zonder tekst, overgeslagen: %(h)s")
                % {"h": "; ".join(document.skipped_headings)}
            )
        for note in document.notes:
            out(note)


def _code_in_use(exc: Exception) -> bool:
    errors = getattr(exc, "error_dict", {}).get("code", [])
    return any(error.code == "code_in_use" for error in errors)
