"""Complaints (C1–C10), including complaints about certificate holders (C9)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..deadlines import add_months_local
from ..models import Complaint, LetterTemplate, Signal
from ..permissions import can_keep_register, is_eligible_handler
from ..procedure import applicable_procedure_version
from ..transitions import case_open, transition_apply
from ..transitions.complaints import close_refusal
from .dates import plausible_date
from .letters import letter_send
from .mediations import mediation_open

HANDLE_WITHIN_MONTHS = 1  # C6

# What the handler and the office manager keep up to date (C1, C4, C8, C10).
HANDLING_FIELDS = (
    "description",
    "cause_analysis",
    "references",
    "handling_notes",
    "solution",
    "measures",
    "lessons_learned",
    "leads_to_change",
    "change_note",
)


def complaint_register(
    *,
    signal: Signal,
    by,
    description: str,
    formal_written: bool,
    about: str = "",
    client=None,
    complainant: str = "",
    cause_analysis: str = "",
    references: str = "",
    involved_staff=(),
) -> Complaint:
    """C1: register a signal qualified as a complaint (S3) in the case register,
    with the one-month handling deadline of C6 counted from receipt.

    Raises PermissionDenied unless ``by`` is the quality officer or the office
    manager; ValidationError for a signal not qualified as a complaint or already
    registered, a missing client or an empty description."""
    if not can_keep_register(by):
        raise PermissionDenied(
            _(
                "Alleen de portefeuillehouder Q of de officemanager registreert een "
                "klacht."
            )
        )
    with transaction.atomic():
        signal = Signal.objects.select_for_update().get(pk=signal.pk)
        if signal.state != Signal.State.COMPLAINT:
            raise ValidationError(
                _(
                    "Signaal %(n)s is (nog) niet als klacht gekwalificeerd. "
                    "Kwalificeer het eerst."
                )
                % {"n": signal.number}
            )
        if Complaint.objects.filter(signal=signal).exists():
            raise ValidationError(
                _("Signaal %(n)s is al als klacht geregistreerd.")
                % {"n": signal.number}
            )
        client = client or signal.client
        if client is None:
            raise ValidationError({"client": _("Kies de klant van deze klacht.")})
        if not description.strip():
            raise ValidationError(
                {"description": _("Geef een korte omschrijving van de klacht.")}
            )
        about = about or (
            Complaint.About.CERTIFICATE_HOLDER
            if signal.about_certificate_holder
            else Complaint.About.ORGANISATION
        )
        complaint = Complaint(
            signal=signal,
            client=client,
            complainant=complainant,
            about=about,
            received_at=signal.received_at,
            formal_written=formal_written,
            description=description,
            cause_analysis=cause_analysis,
            references=references,
            handle_by=add_months_local(signal.received_at, HANDLE_WITHIN_MONTHS),
            procedure_version=applicable_procedure_version(),
            registered_by=by,
        )
        return case_open(
            case=complaint,
            by=by,
            year=timezone.localtime(signal.received_at).year,
            note=_("Geregistreerd uit signaal %(n)s.") % {"n": signal.number},
            data={"signal": signal.number},
            related=lambda c: c.involved_staff.set(involved_staff),
        )


def complaint_handler_refusal(
    complaint: Complaint, user, *, involved_ids=None, in_core_group=None
) -> str:
    """C2: why ``user`` may not handle this complaint, or "". A list page passes
    ``involved_ids`` and ``in_core_group`` to judge many candidates at once."""
    if in_core_group is None:
        in_core_group = is_eligible_handler(user)
    if not in_core_group:
        return _(
            "%(name)s is geen kerngroeplid. Alleen een kerngroeplid behandelt een "
            "klacht."
        ) % {"name": user}
    if involved_ids is None:
        involved_ids = (
            set(complaint.involved_staff.values_list("pk", flat=True))
            if complaint.pk
            else set()
        )
    if user.pk in involved_ids:
        return _(
            "%(name)s is direct betrokken bij de klachtsituatie en mag de klacht "
            "niet behandelen. Kies een ander kerngroeplid."
        ) % {"name": user}
    return ""


def complaint_assign_handler(*, complaint: Complaint, handler, by) -> Complaint:
    """C2: a core-group member not involved in the situation handles the complaint
    and sees the client's dossier while doing so (C4); a replaced handler loses
    that access."""

    def effect(locked):
        refusal = complaint_handler_refusal(locked, handler)
        if refusal:
            raise ValidationError({"handler": refusal})
        # The handler sees the client's dossier while handling (C4): derived from
        # this field by cases.selectors, so a replaced handler loses exactly this.
        locked.handler = handler
        return {"handler": handler.pk}

    return transition_apply(
        case=complaint,
        action="assign_handler",
        by=by,
        effect=effect,
        note=str(handler),
    )


def complaint_update_handling(
    *, complaint: Complaint, by, involved_staff=None, note: str = "", **fields
) -> Complaint:
    """C1/C4/C10: the handler (or the office manager) keeps the handling data up to
    date: cause analysis, references, solution, measures, lessons learned, whether
    it leads to a change of the quality system. Only changed fields are logged."""
    unknown = set(fields) - set(HANDLING_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")

    def effect(locked):
        changed = []
        for name, value in fields.items():
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if not locked.description.strip():
            raise ValidationError(
                {"description": _("Geef een korte omschrijving van de klacht.")}
            )
        if locked.leads_to_change and not locked.change_note.strip():
            raise ValidationError(
                {
                    "change_note": _(
                        "Beschrijf welke wijziging van het kwaliteitssysteem nodig is."
                    )
                }
            )
        if involved_staff is not None:
            ids = {u.pk for u in involved_staff}
            if locked.handler_id in ids:
                raise ValidationError(
                    {
                        "involved_staff": _(
                            "%(name)s behandelt deze klacht en kan niet tegelijk "
                            "direct betrokken zijn. Wijs eerst een andere "
                            "behandelaar aan."
                        )
                        % {"name": locked.handler}
                    }
                )
            if ids != set(locked.involved_staff.values_list("pk", flat=True)):
                locked.involved_staff.set(involved_staff)
                changed.append("involved_staff")
        if not changed and not note.strip():
            raise ValidationError(_("Er is niets gewijzigd."))
        return {"changed": changed}

    return transition_apply(
        case=complaint, action="update_handling", by=by, effect=effect, note=note
    )


def complaint_acknowledge(
    *, complaint: Complaint, by, context: dict | None = None
) -> Complaint:
    """C3: a client who complained formally in writing is told the complaint is
    being handled; the letter is filed in the dossier. ``context``: what the
    sender adjusted in the preview (placeholder values, e.g. ``aanvulling``)."""

    def effect(locked):
        letter = letter_send(
            case=locked,
            kind=LetterTemplate.Kind.COMPLAINT_ACK,
            by=by,
            to=[locked.client.contact_email] if locked.client.contact_email else [],
            context=context,
        )
        locked.acknowledged_at = timezone.now()
        return {"letter": str(letter.uuid)}

    return transition_apply(
        case=complaint,
        action="acknowledge",
        by=by,
        effect=effect,
        claimant_informed=True,
    )


def complaint_record_satisfaction(
    *, complaint: Complaint, by, note: str, at: datetime.datetime | None = None
) -> Complaint:
    """C8: record that (and how) the client said they are satisfied with the
    chosen solution. Raises ValidationError without a note, or for a date in
    the future or before the complaint was received."""

    def effect(locked):
        if not note.strip():
            raise ValidationError(
                {
                    "satisfaction_note": _(
                        "Leg vast hoe en wanneer de klant liet weten tevreden te zijn."
                    )
                }
            )
        plausible_date(
            "satisfied_at",
            at,
            label=_("De datum van tevredenheid"),
            after=((locked.received_at, _("de ontvangst van de klacht")),),
        )
        locked.satisfied_at = at or timezone.now()
        locked.satisfaction_note = note

    return transition_apply(
        case=complaint, action="record_satisfaction", by=by, effect=effect, note=note
    )


def complaint_send_outcome(
    *, complaint: Complaint, by, context: dict | None = None
) -> Complaint:
    """C7: a client who complained formally in writing is told the outcome and how
    the complaint was handled. ``context``: what the sender adjusted in the
    preview; its ``uitkomst`` is the outcome as worded for the client (the
    recorded solution is internal and is only in it when the sender chose so).
    Raises ValidationError before a solution is recorded, or when the outcome
    for the client is empty."""

    def effect(locked):
        if not locked.solution.strip():
            raise ValidationError(
                {
                    "solution": _(
                        "Leg eerst de gekozen oplossing en de afhandeling vast; die "
                        "staan in de brief."
                    )
                }
            )
        if context is not None and not str(context.get("uitkomst", "x")).strip():
            raise ValidationError(
                {
                    "uitkomst": _(
                        "Schrijf voor de klant wat de uitkomst is en hoe de klacht "
                        "is behandeld, of neem de gekozen oplossing op: de brief "
                        "deelt de uitkomst mee."
                    )
                }
            )
        letter = letter_send(
            case=locked,
            kind=LetterTemplate.Kind.COMPLAINT_OUTCOME,
            by=by,
            to=[locked.client.contact_email] if locked.client.contact_email else [],
            context=context,
        )
        locked.outcome_sent_at = timezone.now()
        return {"letter": str(letter.uuid)}

    return transition_apply(
        case=complaint,
        action="send_outcome_letter",
        by=by,
        effect=effect,
        claimant_informed=True,
    )


def complaint_close_refusal(complaint: Complaint) -> str:
    """Why the complaint cannot be closed now, or "" (C7, C8, E5); the close
    step's own guard, so the case page and the service say the same."""
    return str(close_refusal(complaint))


def complaint_close(*, complaint: Complaint, by, note: str = "") -> Complaint:
    """C8: closed when the client is satisfied; everything stays in the register
    and the dossier (evidence is kept)."""

    def effect(locked):
        refusal = complaint_close_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        locked.closed_at = timezone.now()

    return transition_apply(
        case=complaint, action="close", by=by, effect=effect, note=note
    )


def complaint_decide_anonymised(
    *, complaint: Complaint, by, anonymised: bool, summary: str = ""
) -> Complaint:
    """C5: the quality officer decides whether the complaint is discussed
    anonymised with the assessors, and writes the summary they may read."""

    def effect(locked):
        if anonymised:
            if not summary.strip():
                raise ValidationError(
                    {
                        "anonymised_summary": _(
                            "Schrijf de geanonimiseerde samenvatting die de "
                            "beoordelaars lezen."
                        )
                    }
                )
            if locked.client.name.lower() in summary.lower():
                raise ValidationError(
                    {
                        "anonymised_summary": _(
                            "De samenvatting noemt de klant bij naam; haal de naam weg."
                        )
                    }
                )
        locked.discuss_anonymised = anonymised
        locked.anonymised_summary = summary if anonymised else ""
        return {"anonymised": anonymised}

    return transition_apply(
        case=complaint, action="decide_anonymised", by=by, effect=effect
    )


def complaint_escalate(*, complaint: Complaint, by, reason: str):
    """E1: no solution acceptable to both sides: the complaint goes to an external
    mediator. Returns the new Mediation."""

    result = {}

    def effect(locked):
        result["mediation"] = mediation_open(
            by=by, claimant=locked.client, reason=reason, complaint=locked
        )
        return {"mediation": result["mediation"].number}

    transition_apply(
        case=complaint, action="escalate", by=by, effect=effect, note=reason
    )
    return result["mediation"]
