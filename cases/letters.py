"""Letters to clients (C3, C7, A3/A4, A6, A8, E2, E6): wording from the admin,
rendered to PDF, filed in the dossier and e-mailed.

The quality officer words each letter in the admin (`LetterTemplate`). Their text is
never run through the Django template engine: only the placeholders listed in
`PLACEHOLDERS` are replaced, by a regular expression, with values computed here from
the case. Everything else in the text stays literal, and a template naming anything
else is refused when it is saved."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import OrganisationSettings

from . import kinds
from .models import (
    Appeal,
    Case,
    Client,
    Complaint,
    LetterTemplate,
    Mediation,
)

Kind = LetterTemplate.Kind

# -- placeholders ----------------------------------------------------------------

COMMON = ("zaaknummer", "klant", "plaats", "datum", "ontvangen_op", "afzender")
SIGNATORY = ("medewerker",)
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    Kind.COMPLAINT_ACK: (*COMMON, "omschrijving", "uiterlijk", *SIGNATORY),
    Kind.COMPLAINT_OUTCOME: (*COMMON, "omschrijving", "uitkomst", *SIGNATORY),
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
    "medewerker": gettext_lazy("de naam van de medewerker die de brief verstuurt"),
    "omschrijving": gettext_lazy("de korte omschrijving van de klacht"),
    "uiterlijk": gettext_lazy("de streefdatum voor de afhandeling (C6)"),
    "uitkomst": gettext_lazy("de uitkomst"),
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


# -- default wording -------------------------------------------------------------

_CLOSING = gettext_lazy("Met vriendelijke groet,\n{{ afzender }}\n\n{{ medewerker }}")

DEFAULTS: dict[str, tuple] = {
    Kind.COMPLAINT_ACK: (
        gettext_lazy("Ontvangstbevestiging van uw klacht {{ zaaknummer }}"),
        gettext_lazy(
            "Geachte heer, mevrouw,\n\n"
            "Op {{ ontvangen_op }} hebben wij uw schriftelijke klacht ontvangen. "
            "Wij danken u dat u de moeite hebt genomen ons hierover te informeren. "
            "Met deze brief bevestigen wij de ontvangst. Uw klacht is bij ons "
            "geregistreerd onder kenmerk {{ zaaknummer }}.\n\n"
            "Een lid van onze kerngroep dat niet bij de situatie betrokken was, "
            "neemt uw klacht in behandeling en gaat daar vertrouwelijk mee om. Wij "
            "streven ernaar de behandeling binnen een maand af te ronden, uiterlijk "
            "op {{ uiterlijk }}.\n\n"
            "Zodra de behandeling is afgerond, informeren wij u schriftelijk over de "
            "uitkomst en over de wijze waarop wij uw klacht hebben behandeld.\n\n"
            "Wilt u bij vragen of verdere correspondentie over deze klacht het "
            "kenmerk {{ zaaknummer }} vermelden?\n\n"
        ),
    ),
    Kind.COMPLAINT_OUTCOME: (
        gettext_lazy("Uitkomst van uw klacht {{ zaaknummer }}"),
        gettext_lazy(
            "Geachte heer, mevrouw,\n\n"
            "Op {{ ontvangen_op }} hebben wij uw klacht ontvangen, die bij ons is "
            "geregistreerd onder kenmerk {{ zaaknummer }}. Met deze brief "
            "informeren wij u over de uitkomst en over de wijze waarop wij uw klacht "
            "hebben behandeld.\n\n"
            "{{ uitkomst }}\n\n"
            "Wij hopen dat uw klacht hiermee naar tevredenheid is opgelost. Wilt u "
            "ons laten weten of u zich in deze oplossing kunt vinden? Zodra u dat "
            "hebt bevestigd, sluiten wij uw klacht af.\n\n"
            "Komen wij samen niet tot een oplossing die voor u en voor ons "
            "aanvaardbaar is, dan kunt u de zaak voorleggen aan een onafhankelijke "
            "mediation-notaris. Wij sturen u dan een voorstel van drie notarissen "
            "uit uw regio, waaruit u zelf kiest.\n\n"
            "Wij danken u voor uw vertrouwen en voor de gelegenheid die u ons hebt "
            "gegeven onze dienstverlening te verbeteren.\n\n"
        ),
    ),
    Kind.APPEAL_ACK: (
        gettext_lazy("Ontvangstbevestiging van uw beroep {{ zaaknummer }}"),
        gettext_lazy(
            "Geachte heer, mevrouw,\n\n"
            "Op {{ ontvangen_op }} hebben wij uw beroep ontvangen tegen onze "
            "certificatiebeslissing van {{ beslist_op }} ({{ beslissing }}). Met "
            "deze brief bevestigen wij de ontvangst. Uw beroep is geregistreerd "
            "onder kenmerk {{ zaaknummer }}.\n\n"
            "Uw beroep wordt behandeld door een certificatiebeslisser die de "
            "bestreden beslissing niet zelf heeft genomen en die ook niet als "
            "teamleider of beoordelaar bij het onderzoek betrokken was. Deze "
            "beoordeelt of de beslissing inhoudelijk en procedureel juist tot stand "
            "is gekomen.\n\n"
            "Na afronding ontvangt u van ons schriftelijk de conclusie, met de "
            "motivering daarvan. Het instellen van beroep heeft voor u op geen "
            "enkele wijze nadelige gevolgen.\n\n"
            "Wilt u bij vragen of verdere correspondentie het kenmerk "
            "{{ zaaknummer }} vermelden?\n\n"
        ),
    ),
    Kind.APPEAL_OUTCOME: (
        gettext_lazy("Uitkomst van uw beroep {{ zaaknummer }}"),
        gettext_lazy(
            "Geachte heer, mevrouw,\n\n"
            "Op {{ ontvangen_op }} hebben wij uw beroep ontvangen tegen onze "
            "certificatiebeslissing van {{ beslist_op }} ({{ beslissing }}), "
            "geregistreerd onder kenmerk {{ zaaknummer }}. De behandelend "
            "certificatiebeslisser heeft de overwegingen en documenten die aan die "
            "beslissing ten grondslag liggen opnieuw beoordeeld, zowel inhoudelijk "
            "als procedureel.\n\n"
            "Uitkomst: {{ uitkomst }}.\n\n"
            "Motivering:\n{{ motivering }}\n\n"
            "Deze uitkomst is definitief: tegen de uitkomst van een beroep is geen "
            "hoger beroep mogelijk.\n\n"
        ),
    ),
    Kind.APPEAL_INADMISSIBLE: (
        gettext_lazy("Uw beroep {{ zaaknummer }} is niet-ontvankelijk"),
        gettext_lazy(
            "Geachte heer, mevrouw,\n\n"
            "Op {{ ontvangen_op }} hebben wij uw beroep ontvangen, dat bij ons is "
            "geregistreerd onder kenmerk {{ zaaknummer }}. Tot onze spijt moeten "
            "wij u meedelen dat wij uw beroep niet in behandeling kunnen nemen: "
            "{{ reden }}.\n\n"
            "{{ toelichting }}\n\n"
            "Wij hebben uw beroep met deze reden in ons register vastgelegd. Hebt u "
            "vragen over deze brief, neem dan gerust contact met ons op en vermeld "
            "daarbij het kenmerk {{ zaaknummer }}.\n\n"
        ),
    ),
    Kind.MEDIATION_PROPOSAL: (
        gettext_lazy("Voorstel van drie mediation-notarissen ({{ zaaknummer }})"),
        gettext_lazy(
            "Geachte heer, mevrouw,\n\n"
            "Over {{ aanleiding }} hebben wij samen met u helaas geen oplossing "
            "gevonden die voor u en voor ons aanvaardbaar is. U kunt de zaak daarom "
            "voorleggen aan een onafhankelijke mediator. Wij hebben dit "
            "geregistreerd onder kenmerk {{ zaaknummer }}.\n\n"
            "Als mediator komen notarissen in aanmerking die gespecialiseerd zijn "
            "in mediation en in uw regio zijn gevestigd. Geen van beide partijen "
            "mag een directe band met de notaris hebben. Wij stellen u de volgende "
            "drie notarissen voor:\n\n"
            "{{ notarissen }}\n\n"
            "Wij verzoeken u uit deze drie notarissen een keuze te maken en ons uw "
            "keuze per brief of e-mail te laten weten, onder vermelding van het "
            "kenmerk {{ zaaknummer }}.\n\n"
            "Met toestemming van u en van ons krijgt de gekozen notaris inzage in "
            "het dossier en in de procedures die van toepassing zijn. De notaris "
            "hoort beide partijen en laat u weten hoe lang de mediation naar "
            "verwachting duurt. De mediation verloopt volgens het NMI Mediation "
            "Reglement; de uitkomst is voor geen van beide partijen bindend. Het "
            "starten van deze procedure heeft voor u op geen enkele wijze nadelige "
            "gevolgen.\n\n"
            "Wij informeren u over elke stap in deze procedure.\n\n"
        ),
    ),
    Kind.MEDIATION_STEP: (
        gettext_lazy("Voortgang van de mediation {{ zaaknummer }}"),
        gettext_lazy(
            "Geachte heer, mevrouw,\n\n"
            "Zoals toegezegd informeren wij u over elke stap in de mediation over "
            "{{ aanleiding }}, die bij ons is geregistreerd onder kenmerk "
            "{{ zaaknummer }}.\n\n"
            "Inmiddels is in de procedure het volgende gebeurd:\n{{ stap }}\n\n"
            "{{ toelichting }}\n\n"
            "Hebt u vragen over deze stap of over het verdere verloop, neem dan "
            "gerust contact met ons op en vermeld daarbij het kenmerk "
            "{{ zaaknummer }}.\n\n"
        ),
    ),
}

# The word in the file name of a filed letter: "B-2026-0001 ontvangstbevestiging.pdf".
FILE_WORDS = {
    Kind.COMPLAINT_ACK: gettext_lazy("ontvangstbevestiging"),
    Kind.COMPLAINT_OUTCOME: gettext_lazy("uitkomst"),
    Kind.APPEAL_ACK: gettext_lazy("ontvangstbevestiging"),
    Kind.APPEAL_OUTCOME: gettext_lazy("uitkomst"),
    Kind.APPEAL_INADMISSIBLE: gettext_lazy("niet-ontvankelijk"),
    Kind.MEDIATION_PROPOSAL: gettext_lazy("voorstel notarissen"),
    Kind.MEDIATION_STEP: gettext_lazy("stapbericht"),
}


def case_model_of_letter(kind: str):
    """The model of the cases a letter of ``kind`` is about (cases.kinds)."""
    for case_kind in kinds.all_kinds():
        if kind in case_kind.letter_kinds:
            return case_kind.model
    raise KeyError(f"No case kind sends {kind!r}")


def letter_default(kind: str) -> tuple[str, str]:
    """The default (subject, body) of ``kind``, closing included."""
    subject, body = DEFAULTS[kind]
    return str(subject), str(body) + str(_CLOSING)


def letter_templates_ensure() -> None:
    """Create every missing letter template from its default wording. Idempotent;
    never overwrites what the quality officer wrote. Safe to call after migrate."""
    existing = set(LetterTemplate.objects.values_list("kind", flat=True))
    for kind in Kind.values:
        if kind not in existing:
            letter_template(kind)


def letter_template(kind: str) -> LetterTemplate:
    """The stored template of ``kind``, created from the default on first use."""
    if kind not in PLACEHOLDERS:
        raise ValueError(f"Unknown letter kind {kind!r}")
    subject, body = letter_default(kind)
    template, _created = LetterTemplate.objects.get_or_create(
        kind=kind, defaults={"subject": subject, "body": body}
    )
    return template


# -- values from the case --------------------------------------------------------


def dutch_date(value: datetime.date | datetime.datetime | None) -> str:
    """'28 november 2026'; a datetime counts by its day in Europe/Amsterdam."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    with translation.override("nl"):
        return formats.date_format(value, "j F Y")


def case_client(case) -> Client | None:
    """The client organisation a case is about (Signal.client may be empty)."""
    if not isinstance(case, Case):
        raise TypeError(f"Not a case: {case!r}")
    return case.client


def organisation_name() -> str:
    """The name letters are sent in: the organisation settings' full name or name,
    else ``PORTAL_ORGANISATION_DEFAULT_NAME``, else a generic description."""
    org = OrganisationSettings.objects.first()
    name = org and (org.full_name.strip() or org.name.strip())
    return (
        name
        or getattr(settings, "PORTAL_ORGANISATION_DEFAULT_NAME", "")
        or _("Certificatie-instelling")
    )


def letterhead() -> dict:
    org = OrganisationSettings.objects.first()
    return {
        "name": organisation_name(),
        "address_lines": [
            line.strip() for line in (org.address if org else "").splitlines()
        ],
        "email": org.email if org else "",
    }


_INADMISSIBLE_REASONS = {
    Appeal.Inadmissible.LATE: gettext_lazy("het beroep is te laat ingesteld"),
    Appeal.Inadmissible.ORAL: gettext_lazy("het beroep is niet schriftelijk ingesteld"),
    Appeal.Inadmissible.NOT_HOLDER: gettext_lazy(
        "het beroep is niet ingesteld door de organisatie waarover de beslissing gaat"
    ),
    Appeal.Inadmissible.NO_MOTIVATION: gettext_lazy("het beroep bevat geen motivering"),
    Appeal.Inadmissible.NOT_SENT: gettext_lazy(
        "het beroep is ingesteld voordat de beslissing per e-mail aan u was verzonden"
    ),
    Appeal.Inadmissible.FINAL: gettext_lazy(
        "het beroep is gericht tegen de uitkomst van een eerder beroep"
    ),
}


def _inadmissible_explanation(reason: str, term_ends_at) -> str:
    if reason == Appeal.Inadmissible.LATE:
        return _(
            "Beroep kan worden ingesteld tot een maand na de e-mail waarin wij u de "
            "beslissing toezonden. Die termijn liep tot en met %(end)s."
        ) % {"end": dutch_date(term_ends_at)}
    return {
        Appeal.Inadmissible.ORAL: _(
            "Beroep kan alleen schriftelijk worden ingesteld, per brief of per e-mail."
        ),
        Appeal.Inadmissible.NOT_HOLDER: _(
            "Alleen de certificaathouder of aanvrager over wie de beslissing gaat, "
            "kan beroep instellen."
        ),
        Appeal.Inadmissible.NO_MOTIVATION: _(
            "Een beroep moet een motivering bevatten: de argumenten waarom de "
            "beslissing volgens u onjuist is."
        ),
        Appeal.Inadmissible.NOT_SENT: _(
            "De termijn voor beroep begint op het moment dat wij u de beslissing per "
            "e-mail toezenden."
        ),
        Appeal.Inadmissible.FINAL: _(
            "Tegen de uitkomst van een beroep is geen hoger beroep mogelijk; die "
            "uitkomst is definitief."
        ),
    }.get(reason, "")


def _appeal_outcome(appeal: Appeal) -> str:
    if appeal.outcome == Appeal.Outcome.CHANGED:
        if appeal.new_decision is not None:
            return _(
                "de bestreden beslissing is gewijzigd; de nieuwe beslissing luidt: "
                "%(new)s"
            ) % {"new": appeal.new_decision.get_outcome_display()}
        return _("de bestreden beslissing is gewijzigd")
    if appeal.outcome == Appeal.Outcome.UPHELD:
        return _("de bestreden beslissing blijft in stand")
    return ""


def _notary_line(notary) -> str:
    return ", ".join(part for part in (notary.name, notary.firm, notary.city) if part)


def _mediation_subject(mediation: Mediation) -> str:
    if mediation.complaint_id:
        return _("uw klacht %(n)s") % {"n": mediation.complaint.number}
    if mediation.decision_id:
        return _("onze certificatiebeslissing van %(d)s") % {
            "d": dutch_date(mediation.decision.decided_at)
        }
    return _("het geschil tussen u en onze organisatie")


def _case_values(case, kind: str) -> dict[str, str]:
    client = case_client(case)
    values = {
        "zaaknummer": case.number,
        "klant": client.name if client else "",
        "plaats": client.city if client else "",
        "datum": dutch_date(timezone.localdate()),
        "ontvangen_op": dutch_date(case.received_at),
        "afzender": organisation_name(),
        "medewerker": "",
    }
    if isinstance(case, Complaint):
        values.update(
            omschrijving=case.description,
            uiterlijk=dutch_date(case.handle_by),
            uitkomst=case.solution,
        )
    elif isinstance(case, Appeal):
        decision = case.decision
        values.update(
            beslissing=decision.get_outcome_display(),
            beslist_op=dutch_date(decision.decided_at),
            uitkomst=_appeal_outcome(case),
            motivering=case.outcome_motivation,
            reden=str(_INADMISSIBLE_REASONS.get(case.inadmissible_reason, "")),
            toelichting=_inadmissible_explanation(
                case.inadmissible_reason, case.term_ends_at
            ),
        )
    elif isinstance(case, Mediation):
        values.update(
            aanleiding=_mediation_subject(case),
            notarissen="\n".join(
                f"- {_notary_line(n)}" for n in case.proposed.order_by("name")
            ),
            notaris=_notary_line(case.notary) if case.notary_id else "",
            # The step is the caller's to name: inside a transition the logbook
            # does not hold it yet.
            stap="",
            toelichting="",
        )
    allowed = letter_placeholders(kind)
    return {name: values.get(name, "") for name in allowed}


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


def _paragraphs(template_body: str, values: dict[str, str]) -> list[list[str]]:
    """The letter's paragraphs, each a list of lines. The template's paragraphs are
    split before filling in, so a value can never merge two of them; blank lines
    inside a value (a motivation of several paragraphs) start new ones. Lines and
    paragraphs that only an empty value produced are dropped."""
    paragraphs = []
    for block in _BLANK_LINE.split(_normalise(template_body).strip()):
        for part in _BLANK_LINE.split(_fill(block, values)):
            lines = [line.rstrip() for line in part.split("\n") if line.strip()]
            if lines:
                paragraphs.append(lines)
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
    client = case_client(case)
    addressee = tuple(p for p in (client.name, client.city) if p) if client else ()
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
            _(
                "Er zijn nog geen notarissen voorgesteld. Kies eerst drie "
                "notarissen (E2)."
            )
        )
    if kind == Kind.MEDIATION_STEP and not values["stap"].strip():
        raise ValidationError(_("Geef aan welke stap de eiser wordt meegedeeld (E6)."))


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
            closing = bool(
                re.match(r"(met )?(vriendelijke|hoogachtende) groet", lines[0], re.I)
            )
            blocks.append({"list": False, "lines": lines, "closing": closing})
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
        "medewerker": _("Voornaam Achternaam"),
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
    }
    return {name: values[name] for name in letter_placeholders(kind)}


def letter_preview_pdf(template: LetterTemplate) -> bytes:
    """``template`` (as saved) filled with sample values, as PDF."""
    values = letter_sample_values(template.kind)
    letter, paragraphs = _compose(
        template=template,
        values=values,
        number=SAMPLE_NUMBER,
        addressee=(SAMPLE_CLIENT, values["plaats"]),
    )
    return render_pdf(letter, paragraphs)


# -- sending ---------------------------------------------------------------------


__all__ = [
    "PLACEHOLDERS",
    "Letter",
    "case_client",
    "dutch_date",
    "letter_default",
    "letter_pdf",
    "letter_placeholders",
    "letter_placeholders_help",
    "letter_preview_pdf",
    "letter_render",
    "letter_sample_values",
    "letter_template",
    "letter_templates_ensure",
    "letter_text_problems",
    "organisation_name",
]
