"""The default wording of every letter, and the stored templates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from .. import kinds
from ..models import (
    LetterTemplate,
)
from .placeholders import PLACEHOLDERS

Kind = LetterTemplate.Kind

# -- default wording -------------------------------------------------------------

_CLOSING = gettext_lazy(
    "Met vriendelijke groet,\n{{ afzender }}\n\n{{ medewerker }}\n{{ functie }}"
)

DEFAULTS: dict[str, tuple] = {
    Kind.COMPLAINT_ACK: (
        gettext_lazy("Ontvangstbevestiging van uw klacht {{ zaaknummer }}"),
        gettext_lazy(
            "{{ aanhef }}\n\n"
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
            "{{ aanhef }}\n\n"
            "Op {{ ontvangen_op }} hebben wij uw klacht ontvangen, die bij ons is "
            "geregistreerd onder kenmerk {{ zaaknummer }}. Met deze brief "
            "informeren wij u over de uitkomst en over de wijze waarop wij uw klacht "
            "hebben behandeld.\n\n"
            "{{ uitkomst }}\n\n"
            "{{ tevredenheid }}\n\n"
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
            "{{ aanhef }}\n\n"
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
            "{{ aanhef }}\n\n"
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
            "{{ aanhef }}\n\n"
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
            "{{ aanhef }}\n\n"
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
            "{{ aanhef }}\n\n"
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


# Default wording that a placeholder replaced later, found verbatim in templates
# stored before: (kind, old paragraph, its placeholder).
_UPGRADES = (
    (
        Kind.COMPLAINT_OUTCOME,
        gettext_lazy(
            "Wij hopen dat uw klacht hiermee naar tevredenheid is opgelost. Wilt u "
            "ons laten weten of u zich in deze oplossing kunt vinden? Zodra u dat "
            "hebt bevestigd, sluiten wij uw klacht af."
        ),
        "{{ tevredenheid }}",
    ),
)


def letter_templates_ensure() -> None:
    """Create every missing letter template from its default wording. Idempotent;
    never overwrites what the quality officer wrote: only a paragraph of earlier
    default wording, still there word for word, becomes the placeholder that now
    words it (C8: the outcome letter no longer asks a satisfied client to confirm
    it). Safe to call after migrate."""
    existing = set(LetterTemplate.objects.values_list("kind", flat=True))
    for kind in Kind.values:
        if kind not in existing:
            letter_template(kind)
    for kind, paragraph, placeholder in _UPGRADES:
        for template in LetterTemplate.objects.filter(
            kind=kind, body__contains=str(paragraph)
        ):
            if placeholder not in template.body:
                template.body = template.body.replace(str(paragraph), placeholder)
                template.save(update_fields=["body", "updated_at"])


def letter_template(kind: str) -> LetterTemplate:
    """The stored template of ``kind``, created from the default on first use."""
    if kind not in PLACEHOLDERS:
        raise ValueError(f"Unknown letter kind {kind!r}")
    subject, body = letter_default(kind)
    template, _created = LetterTemplate.objects.get_or_create(
        kind=kind, defaults={"subject": subject, "body": body}
    )
    return template
