"""The placeholders a letter may use, checked when a template is saved, and
filled by a regular expression (never the template engine)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy

from ..models import (
    LetterTemplate,
)

Kind = LetterTemplate.Kind

# -- placeholders ----------------------------------------------------------------

COMMON = (
    "zaaknummer",
    "klant",
    "plaats",
    "datum",
    "ontvangen_op",
    "afzender",
    "aanhef",
)
# The sender's own paragraph, typed in the preview before sending; a template
# without the placeholder gets it before its closing (cases.letters.compose).
SIGNATORY = ("aanvulling", "medewerker", "functie")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    Kind.COMPLAINT_ACK: (*COMMON, "omschrijving", "uiterlijk", *SIGNATORY),
    Kind.COMPLAINT_OUTCOME: (
        *COMMON,
        "omschrijving",
        "uitkomst",
        "tevredenheid",
        *SIGNATORY,
    ),
    Kind.APPEAL_ACK: (*COMMON, "beslissing", "beslist_op", *SIGNATORY),
    Kind.APPEAL_OUTCOME: (
        *COMMON,
        "beslissing",
        "beslist_op",
        "uitkomst",
        "motivering",
        *SIGNATORY,
    ),
    Kind.APPEAL_INADMISSIBLE: (*COMMON, "reden", "toelichting", *SIGNATORY),
    Kind.MEDIATION_PROPOSAL: (*COMMON, "aanleiding", "notarissen", *SIGNATORY),
    Kind.MEDIATION_STEP: (
        *COMMON,
        "aanleiding",
        "stap",
        "toelichting",
        "notaris",
        *SIGNATORY,
    ),
}

PLACEHOLDER_HELP = {
    "zaaknummer": gettext_lazy("het nummer van de zaak, bijv. B-2026-0001"),
    "klant": gettext_lazy("de naam van de klant"),
    "plaats": gettext_lazy("de vestigingsplaats van de klant"),
    "datum": gettext_lazy("de datum van de brief"),
    "ontvangen_op": gettext_lazy("de datum waarop de zaak binnenkwam"),
    "afzender": gettext_lazy("de naam van onze organisatie"),
    "aanhef": gettext_lazy(
        "de aanhef voor de contactpersoon van de klant, bijv. 'Geachte heer "
        "Jansen,'; zonder contactpersoon 'Geachte heer, mevrouw,'"
    ),
    "medewerker": gettext_lazy("de naam van de medewerker die de brief verstuurt"),
    "functie": gettext_lazy(
        "de functie van de medewerker die de brief verstuurt (leeg als die niet "
        "is ingevuld)"
    ),
    "omschrijving": gettext_lazy("de korte omschrijving van de klacht"),
    "uiterlijk": gettext_lazy("de streefdatum voor de afhandeling"),
    "uitkomst": gettext_lazy(
        "de uitkomst (bij een klacht: zoals de afzender die bij het versturen voor "
        "de klant formuleert)"
    ),
    "tevredenheid": gettext_lazy(
        "het verzoek te laten weten of de klant tevreden is met de oplossing; of, "
        "als de klant dat al liet weten, dat de klacht daarom wordt afgesloten"
    ),
    "aanvulling": gettext_lazy(
        "een persoonlijke noot die de afzender bij het versturen toevoegt (leeg als "
        "er geen is; zonder deze plaatshouder komt de noot vóór de groet)"
    ),
    "motivering": gettext_lazy("de motivering van de uitkomst"),
    "beslissing": gettext_lazy("de bestreden certificatiebeslissing"),
    "beslist_op": gettext_lazy("de datum van de bestreden beslissing"),
    "reden": gettext_lazy("waarom het beroep niet-ontvankelijk is"),
    "toelichting": gettext_lazy("een toelichting (bij niet-ontvankelijk: de regel)"),
    "aanleiding": gettext_lazy("de klacht of beslissing waarover het geschil gaat"),
    "notarissen": gettext_lazy(
        "de drie voorgestelde notarissen, elk op een eigen regel"
    ),
    "notaris": gettext_lazy("de gekozen notaris"),
    "stap": gettext_lazy("de stap die is gezet"),
}

# Anything between double braces is a placeholder attempt; only known names pass.
_TOKEN = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_NAME = re.compile(r"^\s*([a-z_]+)\s*$")


def letter_placeholders(kind: str) -> tuple[str, ...]:
    return PLACEHOLDERS[kind]


def letter_placeholders_help(kind: str) -> str:
    """The allowed placeholders of ``kind`` as a line for a form's help text."""
    return "; ".join(
        f"{{{{ {name} }}}}: {PLACEHOLDER_HELP[name]}"
        for name in letter_placeholders(kind)
    )


def letter_text_problems(text: str, kind: str) -> list[str]:
    """The placeholders in ``text`` that ``kind`` does not know (as typed), plus
    "{{" or "}}" when a brace pair is left open."""
    allowed = set(letter_placeholders(kind))
    unknown = []
    for match in _TOKEN.finditer(text):
        name = _NAME.match(match.group(1))
        if name is None or name.group(1) not in allowed:
            unknown.append(match.group(0))
    rest = _TOKEN.sub("", text)
    unknown.extend(brace for brace in ("{{", "}}") if brace in rest)
    return unknown


_FILL = re.compile(r"\{\{(.*?)\}\}(\.?)", re.DOTALL)


def _fill(text: str, values: dict[str, str]) -> str:
    def replace(match):
        name = _NAME.match(match.group(1))
        if name is None or name.group(1) not in values:
            return match.group(0)  # a saved template is checked; never guess
        value = values[name.group(1)]
        # "Uitkomst: {{ uitkomst }}." with a value that ends a sentence itself.
        dot = "" if value.rstrip().endswith((".", "!", "?")) else match.group(2)
        return value + dot

    return _FILL.sub(replace, text)
