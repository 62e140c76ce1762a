"""The values a letter takes from its case: dates, client, organisation."""

from __future__ import annotations

import base64
import datetime
import logging
import mimetypes

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.formatting import format_date
from portal.models import OrganisationSettings

from .. import kinds
from ..models import (
    Appeal,
    Case,
    Client,
    LetterTemplate,
    Mediation,
)
from .placeholders import letter_placeholders

Kind = LetterTemplate.Kind

logger = logging.getLogger(__name__)

# -- values from the case --------------------------------------------------------


def dutch_date(value: datetime.date | datetime.datetime | None) -> str:
    """'28 november 2026'; a datetime counts by its day in Europe/Amsterdam."""
    return format_date(value, year=True)


def case_client(case) -> Client | None:
    """The client organisation a case is about (Signal.client may be empty)."""
    if not isinstance(case, Case):
        raise TypeError(f"Not a case: {case!r}")
    return case.client


FALLBACK_SALUTATION = gettext_lazy("Geachte heer, mevrouw,")


def _surname_in_salutation(surname: str) -> str:
    # Without initials before it a tussenvoegsel takes a capital: "heer De Vries".
    surname = surname.strip()
    return surname[:1].upper() + surname[1:]


def client_salutation(client: Client | None) -> str:
    """The letter's salutation for the client's contact person: 'Geachte heer
    Jansen,', 'Geachte mevrouw De Vries,', 'Geachte J. de Vries,' (neutral, with
    initials), 'Geachte heer/mevrouw De Vries,' (neutral, surname only); without a
    contact person 'Geachte heer, mevrouw,'."""
    if client is None or not client.contact_surname.strip():
        return str(FALLBACK_SALUTATION)
    surname = _surname_in_salutation(client.contact_surname)
    if client.contact_salutation == Client.Salutation.MR:
        return _("Geachte heer %(name)s,") % {"name": surname}
    if client.contact_salutation == Client.Salutation.MRS:
        return _("Geachte mevrouw %(name)s,") % {"name": surname}
    if client.contact_initials.strip():
        return _("Geachte %(name)s,") % {"name": client.contact_name}
    return _("Geachte heer/mevrouw %(name)s,") % {"name": surname}


def client_attention_line(client: Client) -> str:
    """'t.a.v. de heer J. Jansen' (empty without a contact person)."""
    name = client.contact_name
    if not name:
        return ""
    title = {
        Client.Salutation.MR: _("de heer"),
        Client.Salutation.MRS: _("mevrouw"),
    }.get(client.contact_salutation, "")
    return _("t.a.v. %(name)s") % {"name": " ".join(p for p in (title, name) if p)}


def client_address_block(client: Client | None) -> tuple[str, ...]:
    """The address in the envelope's window: name, contact person, street,
    postcode and city (PostNL: two spaces between postcode and city)."""
    if client is None:
        return ()
    place = "\u00a0\u00a0".join(p for p in (client.postcode, client.city) if p)
    lines = (
        client.name,
        client_attention_line(client),
        client.street.strip(),
        place,
    )
    return tuple(line for line in lines if line)


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


def _logo_data_uri(image) -> str:
    """The logo as a data URI: WeasyPrint then needs neither a URL nor the storage
    to be on local disk. Bitmaps are scaled down first (a letterhead needs no
    camera original); a logo that cannot be read is left out, never an error."""
    try:
        if image.is_svg():
            source, mime = image.file, "image/svg+xml"
        else:
            source = image.get_rendition("max-600x240").file
            mime = mimetypes.guess_type(source.name)[0] or "image/png"
        with source.open("rb") as handle:
            data = handle.read()
    except Exception:  # a missing or broken file must not stop a letter
        logger.warning("Organisation logo %s unreadable; letter without it", image.pk)
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def letterhead() -> dict:
    """What the letterhead shows: the organisation's name, logo (as a data URI;
    without one, the initial of its name as a mark), postal address and contact
    details, from Instellingen > Organisatie."""
    org = OrganisationSettings.objects.select_related("logo").first()
    name = organisation_name()
    short = (org.name.strip() if org else "") or name
    address_lines = [line.strip() for line in (org.address if org else "").splitlines()]
    return {
        "name": name,
        "short_name": short,
        "initial": short[:1].upper(),
        "logo": _logo_data_uri(org.logo) if org and org.logo_id else "",
        "address_lines": [line for line in address_lines if line],
        "email": org.email if org else "",
        "phone": org.phone if org else "",
        "website": org.website if org else "",
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


def satisfaction_paragraph(satisfied: bool) -> str:
    """C8: the outcome letter asks the client to confirm their satisfaction, unless
    they already said they are satisfied (then it says the complaint is closed)."""
    if satisfied:
        return _(
            "U hebt ons laten weten dat u tevreden bent met deze oplossing. Wij "
            "sluiten uw klacht daarom af."
        )
    return _(
        "Wij hopen dat uw klacht hiermee naar tevredenheid is opgelost. Wilt u ons "
        "laten weten of u zich in deze oplossing kunt vinden? Zodra u dat hebt "
        "bevestigd, sluiten wij uw klacht af."
    )


def complaint_letter_values(case) -> dict[str, str]:
    return {
        "omschrijving": case.description,
        "uiterlijk": dutch_date(case.handle_by),
        # The sender words the outcome for the client in the preview; a caller
        # that passes none gets the recorded solution (cases.services.complaints).
        "uitkomst": case.solution,
        "tevredenheid": satisfaction_paragraph(case.satisfied_at is not None),
    }


def appeal_letter_values(case) -> dict[str, str]:
    decision = case.decision
    return {
        "beslissing": decision.get_outcome_display(),
        "beslist_op": dutch_date(decision.decided_at),
        "uitkomst": _appeal_outcome(case),
        "motivering": case.outcome_motivation,
        "reden": str(_INADMISSIBLE_REASONS.get(case.inadmissible_reason, "")),
        "toelichting": _inadmissible_explanation(
            case.inadmissible_reason, case.term_ends_at
        ),
    }


def notary_list(notaries) -> str:
    """E2: the proposed notaries as the letter lists them, one line each, by name
    (the preview shows a choice not yet recorded the same way)."""
    return "\n".join(
        f"- {_notary_line(n)}" for n in sorted(notaries, key=lambda n: n.name)
    )


def mediation_letter_values(case) -> dict[str, str]:
    return {
        "aanleiding": _mediation_subject(case),
        "notarissen": notary_list(case.proposed.all()),
        "notaris": _notary_line(case.notary) if case.notary_id else "",
        # The step is the caller's to name: inside a transition the logbook
        # does not hold it yet.
        "stap": "",
        "toelichting": "",
    }


def _case_values(case, kind: str) -> dict[str, str]:
    """What every letter takes from its case, and what its kind adds (its
    registry entry's letter_values, cases.kinds)."""
    client = case_client(case)
    values = {
        "zaaknummer": case.number,
        "klant": client.name if client else "",
        "plaats": client.city if client else "",
        "datum": dutch_date(timezone.localdate()),
        "ontvangen_op": dutch_date(case.received_at),
        "afzender": organisation_name(),
        "aanhef": client_salutation(client),
        "medewerker": "",
        "functie": "",
    }
    extra = kinds.kind_of(case).letter_values
    if extra is not None:
        values.update(extra(case))
    allowed = letter_placeholders(kind)
    return {name: values.get(name, "") for name in allowed}
