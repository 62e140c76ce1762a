"""What sniffing decides: a `SniffResult`, accepted or refused with a Dutch reason."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEAD_BYTES = 8192

ALLOWED_DESCRIPTION = gettext_lazy(
    "Toegestaan zijn: PDF, Word, Excel, PowerPoint, OpenDocument, e-mail (.eml, "
    ".msg), afbeeldingen (JPEG, PNG, TIFF, HEIC), tekst- en CSV-bestanden en "
    "HTML-pagina's."
)


@dataclass(frozen=True)
class SniffResult:
    """What a file is by its content, and whether it may be uploaded as evidence.

    `content_type` is the sniffed MIME type (store and show this one, not the
    browser's); `label` names the type in Dutch for the UI; `reason` says, in
    Dutch, why a refused file is refused and what is allowed (empty when allowed).
    """

    content_type: str
    label: str
    allowed: bool
    reason: str = ""


# Refusals


def _refuse(content_type: str, label: str, problem: str) -> SniffResult:
    return SniffResult(
        content_type=content_type,
        label=label,
        allowed=False,
        reason=f"{problem} {ALLOWED_DESCRIPTION}",
    )


def _refuse_executable(content_type: str) -> SniffResult:
    return _refuse(
        content_type,
        _("Uitvoerbaar programma"),
        _("Dit bestand is een uitvoerbaar programma en wordt niet geaccepteerd."),
    )


def _refuse_archive(content_type: str, label: str) -> SniffResult:
    return _refuse(
        content_type,
        label,
        _(
            "Dit bestand is een archief en wordt niet geaccepteerd; pak het uit en "
            "upload de bestanden afzonderlijk."
        ),
    )


def _refuse_unknown(content_type: str = "application/octet-stream") -> SniffResult:
    return _refuse(
        content_type,
        _("Onbekend bestandstype"),
        _("Het soort bestand kon niet worden herkend en wordt niet geaccepteerd."),
    )


def _accept(content_type: str, label: str) -> SniffResult:
    return SniffResult(content_type=content_type, label=label, allowed=True)


# Executables
