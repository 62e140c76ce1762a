"""Escalation to an external mediator (E1–E6).

E6: the claimant is informed of every step. Each step records whether the claimant
was informed at that moment (`CaseEvent.claimant_informed_at`); a later "eiser
geïnformeerd" step fills that time in on every earlier step still without it. That
single field, from empty to a time, is the only write to a logbook row after it was
created; everything else in the logbook is append-only."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import CaseEvent, CertificationDecision, LetterTemplate, Mediation, Notary
from ..permissions import can_keep_register
from ..procedure import applicable_procedure_version, procedure_choices
from ..transitions import case_open, transition_apply
from .dates import plausible_date
from .grants import dossier_access_grant, dossier_access_revoke
from .letters import letter_send
from .notaries import notary_account_sync

PROPOSAL_SIZE = 3  # E2


def mediation_open(
    *,
    by,
    claimant,
    reason: str,
    complaint=None,
    decision: CertificationDecision | None = None,
) -> Mediation:
    """E1: register the escalation of a complaint, or of a decision the client
    disagrees with, to an external mediator."""
    if not can_keep_register(by):
        raise PermissionDenied(
            _(
                "Alleen de portefeuillehouder Q of de officemanager registreert een "
                "mediation."
            )
        )
    if (complaint is None) == (decision is None):
        raise ValidationError(
            _("Een mediation gaat over een klacht of over een beslissing.")
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Beschrijf waarom geen aanvaardbare oplossing is gevonden.")}
        )
    if decision is not None and decision.audit.client_id != claimant.pk:
        raise ValidationError(
            {"decision": _("De beslissing hoort niet bij deze klant.")}
        )
    mediation = Mediation(
        complaint=complaint,
        decision=decision,
        claimant=claimant,
        reason=reason,
        procedure_version=applicable_procedure_version(),
        registered_by=by,
    )
    return case_open(
        case=mediation,
        by=by,
        year=timezone.localdate().year,
        note=reason,
        data={"complaint": complaint.number if complaint else None},
    )


def _origin(mediation: Mediation) -> tuple[tuple[datetime.datetime, str], ...]:
    """The date the mediation's dispute began, which no date entered on the
    mediation can precede: the complaint's receipt or the decision's date."""
    if mediation.complaint_id is not None:
        return ((mediation.complaint.received_at, _("de ontvangst van de klacht")),)
    if mediation.decision_id is not None:
        return ((mediation.decision.decided_at, _("het nemen van de beslissing")),)
    return ()


def mediation_proposal_refusal(mediation: Mediation, notaries) -> str:
    """E2: why this proposal may not be offered to the claimant, or ""."""
    notaries = list(notaries)
    seen, twice = set(), []
    for n in notaries:
        if n.pk in seen and n.name not in twice:
            twice.append(n.name)
        seen.add(n.pk)
    if twice:
        return _(
            "U koos %(names)s meer dan eens. Stel drie verschillende notarissen voor."
        ) % {"names": ", ".join(twice)}
    if len(seen) != PROPOSAL_SIZE:
        return _(
            "Stel precies drie verschillende notarissen voor; u koos er %(n)d."
        ) % {"n": len(seen)}
    claimant = mediation.claimant
    for n in notaries:
        if not n.active or not n.mediation_specialised:
            return _("%(name)s is niet (meer) beschikbaar als mediation-notaris.") % {
                "name": n.name
            }
        if n.region != claimant.region:
            return _(
                "%(name)s is gevestigd in %(theirs)s; de eiser in %(region)s. Kies "
                "notarissen uit de regio van de eiser."
            ) % {
                "name": n.name,
                "theirs": n.get_region_display(),
                "region": claimant.get_region_display(),
            }
        if n.tied_to_organisation:
            return _(
                "%(name)s heeft een directe band met onze organisatie en komt niet in "
                "aanmerking."
            ) % {"name": n.name}
        if n.tied_clients.filter(pk=claimant.pk).exists():
            return _(
                "%(name)s heeft een directe band met %(client)s en komt niet in "
                "aanmerking."
            ) % {"name": n.name, "client": claimant.name}
    return ""


def _letter(locked, kind, by, context=None):
    email = locked.claimant.contact_email
    letter = letter_send(
        case=locked, kind=kind, by=by, to=[email] if email else [], context=context
    )
    return {"letter": str(letter.uuid), "letter_kind": kind}


def mediation_propose(
    *, mediation: Mediation, notaries, by, context: dict | None = None
) -> Mediation:
    """E2: offer the claimant three notaries from their region, none with a tie to
    either party; the proposal letter informs the claimant (E6). ``context``:
    what the sender adjusted in the preview (e.g. ``aanvulling``)."""

    notaries = list(notaries)

    def effect(locked):
        refusal = mediation_proposal_refusal(locked, notaries)
        if refusal:
            raise ValidationError({"notaries": refusal})
        locked.proposed.set(notaries)
        locked.proposed_at = timezone.now()
        locked.notary = None
        data = _letter(
            locked, LetterTemplate.Kind.MEDIATION_PROPOSAL, by, context=context
        )
        return {**data, "notaries": [n.pk for n in notaries]}

    return transition_apply(
        case=mediation,
        action="propose",
        by=by,
        effect=effect,
        note=", ".join(n.name for n in notaries),
        claimant_informed=True,
    )


def mediation_choose(
    *, mediation: Mediation, notary: Notary, by, claimant_informed: bool = False
) -> Mediation:
    """E2: the claimant chose one of the three proposed notaries."""

    def effect(locked):
        if not locked.proposed.filter(pk=notary.pk).exists():
            raise ValidationError(
                {"notary": _("De eiser kiest uit de drie voorgestelde notarissen.")}
            )
        locked.notary = notary
        return {"notary": notary.pk}

    return transition_apply(
        case=mediation,
        action="choose",
        by=by,
        effect=effect,
        note=notary.name,
        claimant_informed=claimant_informed,
    )


def mediation_consent(
    *,
    mediation: Mediation,
    by,
    claimant_consent_at: datetime.datetime | None,
    organisation_consent_at: datetime.datetime | None,
    procedure_codes: Iterable[str] = (),
    claimant_informed: bool = False,
) -> Mediation:
    """E4: with consent of both parties the chosen notary gets read access to the
    claimant's dossier, until the mediation is closed (and at most
    PORTAL_MEDIATION_ACCESS_DAYS), and to the procedures that apply to the
    dispute: the complaints and appeals procedure and ``procedure_codes``. Her
    account, deactivated when an earlier access ended, is active again.

    Raises ValidationError without both consents, for a consent in the future
    or before the complaint's receipt (or the decision), a notary without an
    account, or a procedure code that is not in the
    handbook."""
    codes = sorted(set(procedure_codes))

    def effect(locked):
        if claimant_consent_at is None or organisation_consent_at is None:
            raise ValidationError(
                _(
                    "De notaris krijgt pas inzage met toestemming van beide partijen"
                    ". Vul beide data in."
                )
            )
        origin = _origin(locked)
        plausible_date(
            "claimant_consent_at",
            claimant_consent_at,
            label=_("De datum van toestemming van de eiser"),
            after=origin,
        )
        plausible_date(
            "organisation_consent_at",
            organisation_consent_at,
            label=_("De datum van toestemming van de organisatie"),
            after=origin,
        )
        notary = locked.notary
        if notary.user_id is None:
            raise ValidationError(
                _(
                    "%(name)s heeft nog geen portaalaccount. Koppel een account in "
                    "het notarissenregister; daarna kan de toestemming worden "
                    "vastgelegd."
                )
                % {"name": notary.name}
            )
        known = {code for code, _label in procedure_choices()}
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValidationError(
                {
                    "procedure_codes": _(
                        "Deze procedure staat niet (meer) in het handboek: "
                        "%(codes)s. Kies uit de gepubliceerde procedures."
                    )
                    % {"codes": ", ".join(unknown)}
                }
            )
        locked.claimant_consent_at = claimant_consent_at
        locked.organisation_consent_at = organisation_consent_at
        locked.procedure_codes = codes
        locked.access_until = timezone.now() + datetime.timedelta(
            days=settings.PORTAL_MEDIATION_ACCESS_DAYS
        )
        dossier_access_grant(
            client=locked.claimant,
            user=notary.user,
            by=None,
            reason=f"{locked.number}: mediation-notaris",
            expires_at=locked.access_until,
        )
        notary_account_sync(user=notary.user, reason=f"{locked.number}: toestemming")
        return {
            "access_until": locked.access_until.isoformat(),
            "procedures": codes,
        }

    return transition_apply(
        case=mediation,
        action="consent",
        by=by,
        effect=effect,
        claimant_informed=claimant_informed,
    )


def mediation_record_session(
    *,
    mediation: Mediation,
    by,
    session_at: datetime.datetime | None,
    expected_duration: str = "",
    claimant_informed: bool = False,
) -> Mediation:
    """E4/E5: the session under the NMI Mediation Rules took place. Raises
    ValidationError without a date, or for one in the future or before both
    parties consented."""

    def effect(locked):
        if session_at is None:
            raise ValidationError({"session_at": _("Vul de datum van de sessie in.")})
        # The later of the two consents is the step the session follows (E4).
        consents = [
            c
            for c in (
                (locked.claimant_consent_at, _("de toestemming van de eiser")),
                (
                    locked.organisation_consent_at,
                    _("de toestemming van de organisatie"),
                ),
            )
            if c[0] is not None
        ]
        latest = (max(consents, key=lambda c: c[0]),) if consents else ()
        plausible_date(
            "session_at",
            session_at,
            label=_("De datum van de sessie"),
            after=(*_origin(locked), *latest),
        )
        locked.session_at = session_at
        locked.expected_duration = expected_duration

    return transition_apply(
        case=mediation,
        action="record_session",
        by=by,
        effect=effect,
        claimant_informed=claimant_informed,
    )


def mediation_evaluate(
    *,
    mediation: Mediation,
    by,
    outcome: str,
    evaluation: str,
    actions: str = "",
    claimant_informed: bool = False,
) -> Mediation:
    """E5: the (non-binding) outcome is input for evaluation and actions; the
    organisation keeps full authority over certification."""

    def effect(locked):
        if not outcome.strip():
            raise ValidationError({"outcome": _("Beschrijf de uitkomst.")})
        if not evaluation.strip():
            raise ValidationError(
                {"evaluation": _("Leg de evaluatie van de organisatie vast.")}
            )
        locked.outcome = outcome
        locked.evaluation = evaluation
        locked.actions = actions

    return transition_apply(
        case=mediation,
        action="evaluate",
        by=by,
        effect=effect,
        claimant_informed=claimant_informed,
    )


def _end_access(locked) -> None:
    still_needed = (
        Mediation.objects.filter(
            notary=locked.notary,
            claimant=locked.claimant,
            state__in=[
                Mediation.State.CONSENTED,
                Mediation.State.SESSION_HELD,
                Mediation.State.EVALUATED,
            ],
        )
        .exclude(pk=locked.pk)
        .exists()
    )
    if (
        locked.notary is not None
        and locked.notary.user_id is not None
        and locked.access_until is not None
        and not still_needed
    ):
        dossier_access_revoke(
            client=locked.claimant,
            user=locked.notary.user,
            by=None,
            reason=f"{locked.number}: mediation afgesloten",
        )
    locked.closed_at = timezone.now()
    locked.access_until = None


def mediation_close(
    *, mediation: Mediation, by, note: str = "", claimant_informed: bool = False
) -> Mediation:
    """E4/E6: closing ends the notary's access to the dossier at once."""
    return transition_apply(
        case=mediation,
        action="close",
        by=by,
        effect=_end_access,
        note=note,
        claimant_informed=claimant_informed,
    )


def mediation_withdraw(
    *, mediation: Mediation, by, note: str, claimant_informed: bool = False
) -> Mediation:
    """E1: the escalation ends before a session (e.g. the claimant withdraws)."""

    def effect(locked):
        if not note.strip():
            raise ValidationError({"note": _("Geef de reden van beëindiging.")})
        _end_access(locked)

    return transition_apply(
        case=mediation,
        action="withdraw",
        by=by,
        effect=effect,
        note=note,
        claimant_informed=claimant_informed,
    )


def mediation_steps_to_inform(mediation: Mediation) -> list[str]:
    """E6: the steps the claimant was not yet informed of, oldest first (what
    the step letter names; its preview shows the same)."""
    pending = CaseEvent.objects.filter(
        mediation=mediation, claimant_informed_at__isnull=True
    )
    return [e.action_label for e in pending.order_by("at", "pk")]


def mediation_inform_claimant(
    *,
    mediation: Mediation,
    by,
    how: str,
    send_letter: bool = False,
    context: dict | None = None,
) -> Mediation:
    """E6: record that the claimant was informed of the steps so far (by letter,
    generated and filed here, or as described in ``how``). ``context``: what the
    sender adjusted in the letter's preview (e.g. ``aanvulling``)."""

    def effect(locked):
        if not send_letter and not how.strip():
            raise ValidationError(
                {"how": _("Beschrijf hoe de eiser is geïnformeerd, of stuur de brief.")}
            )
        pending = CaseEvent.objects.filter(
            mediation=locked, claimant_informed_at__isnull=True
        )
        steps = mediation_steps_to_inform(locked)
        data = {}
        if send_letter:
            data = _letter(
                locked,
                LetterTemplate.Kind.MEDIATION_STEP,
                by,
                context={
                    **(context or {}),
                    "stap": "; ".join(steps) or locked.get_state_display(),
                },
            )
        pending.update(claimant_informed_at=timezone.now())
        return {**data, "steps": steps}

    return transition_apply(
        case=mediation,
        action="inform_claimant",
        by=by,
        effect=effect,
        note=how,
        claimant_informed=True,
    )
