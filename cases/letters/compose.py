"""Composing a letter from its template and case, and its PDF."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Appeal,
    LetterTemplate,
)
from .placeholders import PLACEHOLDERS, _fill, letter_placeholders
from .values import (
    _INADMISSIBLE_REASONS,
    _case_values,
    _inadmissible_explanation,
    case_client,
    client_address_block,
    dutch_date,
    letterhead,
    organisation_name,
    satisfaction_paragraph,
)
from .wording import case_model_of_letter, letter_template

Kind = LetterTemplate.Kind

# -- composing -------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    kind: str
    number: str
    subject: str
    body: str  # plain text, paragraphs separated by a blank line
    addressee: tuple[str, ...]
    date: str


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CLOSING = re.compile(r"(met )?(vriendelijke|hoogachtende) groet", re.I)
_NOTE = "aanvulling"
_NOTE_TOKEN = re.compile(r"\{\{\s*" + _NOTE + r"\s*\}\}")


def _split(text: str) -> list[list[str]]:
    paragraphs = []
    for part in _BLANK_LINE.split(text):
        lines = [line.rstrip() for line in part.split("\n") if line.strip()]
        if lines:
            paragraphs.append(lines)
    return paragraphs


def _paragraphs(template_body: str, values: dict[str, str]) -> list[list[str]]:
    """The letter's paragraphs, each a list of lines. The template's paragraphs are
    split before filling in, so a value can never merge two of them; blank lines
    inside a value (a motivation of several paragraphs) start new ones. Lines and
    paragraphs that only an empty value produced are dropped.

    The sender's note (``{{ aanvulling }}``) stands where the template puts it; a
    template worded before the note existed gets it before its closing."""
    body = _normalise(template_body).strip()
    paragraphs = []
    for block in _BLANK_LINE.split(body):
        paragraphs.extend(_split(_fill(block, values)))
    note = values.get(_NOTE, "").strip()
    if note and not _NOTE_TOKEN.search(body):
        at = next(
            (i for i, lines in enumerate(paragraphs) if _CLOSING.match(lines[0])),
            len(paragraphs),
        )
        paragraphs[at:at] = _split(note)
    return paragraphs


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _compose(
    *,
    template: LetterTemplate,
    values: dict[str, str],
    number: str,
    addressee: tuple[str, ...],
) -> tuple[Letter, list[list[str]]]:
    paragraphs = _paragraphs(template.body, values)
    subject = " ".join(_fill(template.subject, values).split())
    letter = Letter(
        kind=template.kind,
        number=number,
        subject=subject,
        body="\n\n".join("\n".join(lines) for lines in paragraphs),
        addressee=addressee,
        date=values["datum"],
    )
    return letter, paragraphs


def letter_for_case(case, kind: str, context: dict | None):
    if kind not in PLACEHOLDERS:
        raise ValueError(f"Unknown letter kind {kind!r}")
    expected = case_model_of_letter(kind)
    if not isinstance(case, expected):
        raise ValueError(
            f"A {kind} letter is about a {expected.__name__}, not {case!r}"
        )
    unknown = set(context or {}) - set(letter_placeholders(kind))
    if unknown:
        raise ValueError(f"Unknown placeholders for {kind}: {sorted(unknown)}")
    values = _case_values(case, kind)
    values.update({k: _normalise(str(v)) for k, v in (context or {}).items()})
    _check_required(kind, values)
    addressee = client_address_block(case_client(case))
    return _compose(
        template=letter_template(kind),
        values=values,
        number=case.number,
        addressee=addressee,
    )


def _check_required(kind: str, values: dict[str, str]) -> None:
    # A letter without its point would still go out and be filed: refuse instead.
    if kind == Kind.MEDIATION_PROPOSAL and not values["notarissen"].strip():
        raise ValidationError(
            _("Er zijn nog geen notarissen voorgesteld. Kies eerst drie notarissen.")
        )
    if kind == Kind.MEDIATION_STEP and not values["stap"].strip():
        raise ValidationError(_("Geef aan welke stap de eiser wordt meegedeeld."))


def letter_render(*, case, kind: str, context: dict | None = None) -> tuple[str, str]:
    """The (subject, plain-text body) of the ``kind`` letter about ``case``.

    ``context`` overrides placeholder values (only names of ``kind``; anything else
    is a programming error: ValueError). Raises ValidationError when the letter
    would miss its point (no notaries proposed, no step named)."""
    letter = letter_for_case(case, kind, context)[0]
    return letter.subject, letter.body


def render_pdf(letter: Letter, paragraphs: list[list[str]]) -> bytes:
    from weasyprint import HTML

    blocks = []
    for lines in paragraphs:
        if all(line.lstrip().startswith(("- ", "• ")) for line in lines):
            items = [line.lstrip()[2:].strip() for line in lines]
            blocks.append({"list": True, "lines": items})
        else:
            closing = bool(_CLOSING.match(lines[0]))
            if closing and blocks:
                # Never a closing alone at the top of a page.
                blocks[-1]["keep_with_next"] = True
            # The signer's name and function, kept with the closing.
            signature = bool(blocks) and bool(blocks[-1].get("closing"))
            blocks.append(
                {
                    "list": False,
                    "lines": lines,
                    "closing": closing,
                    "signature": signature,
                }
            )
    html = render_to_string(
        "cases/letters/letter.html",
        {"letter": letter, "blocks": blocks, "org": letterhead()},
    )
    return HTML(string=html).write_pdf()


def letter_pdf(*, case, kind: str, context: dict | None = None) -> bytes:
    """The ``kind`` letter about ``case`` as an A4 PDF (WeasyPrint). Raises as
    `letter_render`."""
    letter, paragraphs = letter_for_case(case, kind, context)
    return render_pdf(letter, paragraphs)


SAMPLE_NUMBER = "K-2026-0000"
SAMPLE_CLIENT = "Voorbeeldklant B.V."
SAMPLE_ADDRESSEE = (
    SAMPLE_CLIENT,
    "t.a.v. de heer J. Jansen",
    "Voorbeeldstraat 1",
    "3511 AA\u00a0\u00a0Utrecht",
)


def letter_sample_values(kind: str) -> dict[str, str]:
    """Made-up values for previewing a template (never a real case)."""
    today = timezone.localdate()
    values = {
        "zaaknummer": SAMPLE_NUMBER,
        "klant": SAMPLE_CLIENT,
        "plaats": "Utrecht",
        "datum": dutch_date(today),
        "ontvangen_op": dutch_date(today - datetime.timedelta(days=3)),
        "afzender": organisation_name(),
        "aanhef": _("Geachte heer Jansen,"),
        "medewerker": _("Voornaam Achternaam"),
        "functie": _("Portefeuillehouder kwaliteit"),
        "omschrijving": _("Voorbeeld: het rapport kwam later dan afgesproken."),
        "uiterlijk": dutch_date(today + datetime.timedelta(days=28)),
        "uitkomst": (
            _("de bestreden beslissing blijft in stand")
            if kind == Kind.APPEAL_OUTCOME
            else _("Voorbeeld van de gekozen oplossing en van de afhandeling.")
        ),
        "motivering": _("Voorbeeld van de motivering van de uitkomst."),
        "beslissing": _("certificaat gecontinueerd"),
        "beslist_op": dutch_date(today - datetime.timedelta(days=20)),
        "reden": str(_INADMISSIBLE_REASONS[Appeal.Inadmissible.LATE]),
        "toelichting": (
            _inadmissible_explanation(
                Appeal.Inadmissible.LATE, today - datetime.timedelta(days=5)
            )
            if kind == Kind.APPEAL_INADMISSIBLE
            else _("Voorbeeld van een toelichting.")
        ),
        "aanleiding": _("uw klacht %(n)s") % {"n": SAMPLE_NUMBER},
        "notarissen": "\n".join(
            [
                "- mr. A. de Vries, De Vries Notarissen, Utrecht",
                "- mr. B. Jansen, Notariskantoor Jansen, Amersfoort",
                "- mr. C. Bakker, Bakker & Partners, Zeist",
            ]
        ),
        "notaris": "mr. A. de Vries, De Vries Notarissen, Utrecht",
        "stap": _("Keuze van de notaris vastgelegd"),
        "tevredenheid": satisfaction_paragraph(False),
        "aanvulling": "",
    }
    return {name: values[name] for name in letter_placeholders(kind)}


def letter_preview_pdf(template: LetterTemplate) -> bytes:
    """``template`` (as saved) filled with sample values, as PDF."""
    values = letter_sample_values(template.kind)
    letter, paragraphs = _compose(
        template=template,
        values=values,
        number=SAMPLE_NUMBER,
        addressee=SAMPLE_ADDRESSEE,
    )
    return render_pdf(letter, paragraphs)
