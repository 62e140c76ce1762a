"""Appeals against certification decisions (A1–A12)."""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ..deadlines import appeal_term_end
from ..models import Appeal, Certificate, CertificationDecision, Client, LetterTemplate
from ..permissions import has_register_access, is_eligible_decider
from ..transitions import case_open, transition_apply
from .dossier import certificate_adjust, decision_supersede
from .letters import letter_send

Reason = Appeal.Inadmissible


def appeal_admissibility(
    *,
    decision: CertificationDecision,
    appellant,
    channel: str,
    received_at: datetime.datetime,
    motivation: str,
) -> str:
    """The reason an appeal is inadmissible, or "" when it is admissible.

    Checked in this order: it must not contest an appeal's outcome (A12), the
    decision must have been e-mailed and the appeal come after that e-mail (A2), be
    written (A3; the web form counts as written), come from the decision's own
    client (A4), arrive within the term (A2) and carry a motivation (A5). Each
    check is one predicate below, which the case page lists one by one
    (`cases.selectors_appeals.appeal_admissibility_checks`)."""
    if decision_is_final(decision):
        return Reason.FINAL
    if not lodged_after_email(decision, received_at):
        return Reason.NOT_SENT
    if not is_written(channel):
        return Reason.ORAL
    if not is_decisions_own_client(decision, appellant):
        return Reason.NOT_HOLDER
    if not lodged_in_time(decision, received_at):
        return Reason.LATE
    if not is_motivated(motivation):
        return Reason.NO_MOTIVATION
    return ""


# -- the admissibility predicates (A2–A5, A12), one rule each -------------------


def decision_is_final(
    decision: CertificationDecision,
    *,
    as_of: datetime.datetime | None = None,
    excluding: Appeal | None = None,
) -> bool:
    """A12: the decision came out of an appeal, or an appeal against it has been
    decided: there is no further appeal. ``as_of`` judges the register as it stood
    then (when an appeal was lodged); ``excluding`` leaves out the appeal being
    judged, whose own outcome does not make it inadmissible afterwards."""
    from_appeal = Appeal.objects.filter(new_decision=decision)
    decided = Appeal.objects.filter(decision=decision).exclude(outcome="")
    if excluding is not None:
        decided = decided.exclude(pk=excluding.pk)
    if as_of is not None:
        from_appeal = from_appeal.filter(decided_at__lte=as_of)
        decided = decided.filter(decided_at__lte=as_of)
    return from_appeal.exists() or decided.exists()


def lodged_after_email(
    decision: CertificationDecision, received_at: datetime.datetime
) -> bool:
    """A2: an appeal can be lodged once the decision was e-mailed, not before."""
    return decision.emailed_at is not None and received_at >= decision.emailed_at


def is_written(channel: str) -> bool:
    """A3: only a letter or an e-mail (the web form counts as written)."""
    return channel in Appeal.WRITTEN_CHANNELS


def is_decisions_own_client(decision: CertificationDecision, appellant) -> bool:
    """A4: only the certificate holder or applicant the decision concerns."""
    return appellant.pk == decision.audit.client_id


def lodged_in_time(
    decision: CertificationDecision, received_at: datetime.datetime
) -> bool:
    """A2: received within one month of the decision e-mail, the whole last day
    included (`cases.deadlines.appeal_term_end`). False while there is no e-mail
    to count from."""
    return decision.emailed_at is not None and received_at <= appeal_term_end(
        decision.emailed_at
    )


def is_motivated(motivation: str) -> bool:
    """A5: the appeal says why the decision is wrong."""
    return bool(motivation.strip())


def appeal_lodge(
    *,
    decision: CertificationDecision,
    appellant,
    channel: str,
    received_at: datetime.datetime,
    motivation: str,
    by,
    procedure_version: str = "",
) -> Appeal:
    """Register an appeal as received. Admissibility is computed and recorded, never
    silently dropped (A3): an inadmissible appeal is registered with its reason.

    Raises PermissionDenied unless ``by`` keeps the register; ValidationError for a
    receipt time in the future."""
    if not has_register_access(by):
        raise PermissionDenied(
            _("Alleen wie het casusregister bijhoudt, registreert een beroep.")
        )
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(
            {
                "received_at": _(
                    "De ontvangstdatum ligt in de toekomst. Controleer de datum."
                )
            }
        )
    if channel not in Appeal.Channel.values:
        raise ValidationError({"channel": _("Kies hoe het beroep binnenkwam.")})
    # Judge against what is stored, not a possibly stale object of the caller.
    decision = CertificationDecision.objects.select_related("audit").get(pk=decision.pk)
    reason = appeal_admissibility(
        decision=decision,
        appellant=appellant,
        channel=channel,
        received_at=received_at,
        motivation=motivation,
    )
    appeal = Appeal(
        decision=decision,
        appellant=appellant,
        channel=channel,
        received_at=received_at,
        motivation=motivation,
        state=Appeal.State.INADMISSIBLE if reason else Appeal.State.RECEIVED,
        inadmissible_reason=reason,
        term_ends_at=appeal_term_end(decision.emailed_at)
        if decision.emailed_at
        else None,
        decide_by=received_at
        + datetime.timedelta(days=settings.PORTAL_APPEAL_DECISION_DAYS),
        procedure_version=procedure_version,
        registered_by=by,
    )
    return case_open(
        case=appeal,
        by=by,
        year=timezone.localtime(received_at).year,
        note=(
            _("Niet-ontvankelijk: %(reason)s")
            % {"reason": appeal.get_inadmissible_reason_display()}
            if reason
            else _("Beroep ontvangen en ontvankelijk.")
        ),
        data={"inadmissible_reason": reason},
    )


def _letter_to_appellant(appeal: Appeal, kind: str, by, context=None) -> dict:
    """File the ``kind`` letter in the dossier and e-mail it to the appellant once
    the step is committed (A6, A8, A3/A4); refuse the step at once (nothing
    changes) when there is no address to send it to. ``context``: what the
    sender adjusted in the preview. Returns the logbook data."""
    evidence = letter_send(
        case=appeal,
        kind=kind,
        by=by,
        to=[appeal.appellant.contact_email],
        context=context,
    )
    return {"letter": str(evidence.uuid), "letter_kind": kind}


def appeal_acknowledge(*, appeal: Appeal, by, context: dict | None = None) -> Appeal:
    """A6: confirm receipt to the appellant by e-mail: a letter, filed in the
    dossier (A11) and logged with the step. Raises ValidationError when the
    appellant has no e-mail address."""

    def effect(locked):
        locked.acknowledged_at = timezone.now()
        return _letter_to_appellant(locked, LetterTemplate.Kind.APPEAL_ACK, by, context)

    return transition_apply(
        case=appeal, action="acknowledge", by=by, effect=effect, claimant_informed=True
    )


def appeal_decider_refusal(appeal: Appeal, decider) -> str:
    """A7: why ``decider`` may not handle this appeal, or ""."""
    if not is_eligible_decider(decider):
        return _("%(name)s is geen certificatiebeslisser.") % {"name": decider}
    decision = appeal.decision
    if decider.pk == decision.decider_id:
        return _(
            "%(name)s nam de bestreden beslissing zelf en mag het beroep niet "
            "behandelen. Kies een andere certificatiebeslisser."
        ) % {"name": decider}
    audit = decision.audit
    if decider.pk == audit.team_leader_id:
        return _(
            "%(name)s was teamleider bij het onderzoek en mag het beroep niet "
            "behandelen. Kies een andere certificatiebeslisser."
        ) % {"name": decider}
    if audit.assessors.filter(pk=decider.pk).exists():
        return _(
            "%(name)s was beoordelaar bij het onderzoek en mag het beroep niet "
            "behandelen. Kies een andere certificatiebeslisser."
        ) % {"name": decider}
    return ""


def appeal_assign_decider(*, appeal: Appeal, decider, by) -> Appeal:
    """A7: one certification decider handles the appeal: not the original decider,
    not the audit's team leader or an assessor of it. The decider gets access to
    the dossier of the contested decision; a replaced decider loses it."""

    def effect(locked):
        refusal = appeal_decider_refusal(locked, decider)
        if refusal:
            raise ValidationError({"decider": refusal})
        # The decider sees the dossier of the contested decision (A8), derived
        # from this field by cases.selectors: a replaced decider loses exactly it.
        locked.decider = decider

    return transition_apply(
        case=appeal,
        action="assign_decider",
        by=by,
        effect=effect,
        data={"decider": decider.pk},
        note=str(decider),
    )


def appeal_decide(
    *,
    appeal: Appeal,
    outcome: str,
    motivation: str,
    by,
    non_discrimination_confirmed: bool,
    new_outcome: str = "",
    new_motivation: str = "",
) -> Appeal:
    """A8/A9/A10: the assigned decider records the outcome. "changed" creates the
    superseding decision (both stay in the dossier); "upheld" changes nothing.
    The decider confirms the appellant was not disadvantaged (A10)."""

    def effect(locked):
        if outcome not in Appeal.Outcome.values:
            raise ValidationError(
                {"outcome": _("Kies of de beslissing blijft of wijzigt.")}
            )
        if not motivation.strip():
            raise ValidationError(
                {
                    "outcome_motivation": _(
                        "Motiveer de uitkomst; de indiener krijgt deze motivering."
                    )
                }
            )
        if not non_discrimination_confirmed:
            raise ValidationError(
                _("Bevestig dat de indiener op geen enkele manier is benadeeld.")
            )
        if outcome == Appeal.Outcome.CHANGED:
            if not new_outcome:
                raise ValidationError({"new_outcome": _("Kies de nieuwe beslissing.")})
            locked.new_decision = decision_supersede(
                decision=locked.decision,
                decider=by,
                outcome=new_outcome,
                motivation=new_motivation or motivation,
                reason=_("Beroep %(n)s gegrond") % {"n": locked.number},
                by=by,
            )
        locked.outcome = outcome
        locked.outcome_motivation = motivation
        locked.decided_at = timezone.now()

    return transition_apply(
        case=appeal, action="decide", by=by, effect=effect, data={"outcome": outcome}
    )


def appeal_send_outcome(*, appeal: Appeal, by, context: dict | None = None) -> Appeal:
    """A8: the conclusion with its motivation goes to the appellant (and the people
    involved internally). There is no further appeal (A12): the letter says so."""

    def effect(locked):
        locked.outcome_sent_at = timezone.now()
        letter = _letter_to_appellant(
            locked, LetterTemplate.Kind.APPEAL_OUTCOME, by, context
        )
        register = {}
        if locked.new_decision is not None and not locked.new_decision.is_emailed:
            # The outcome e-mail carries the new decision: from now on it is final
            # and immutable like any e-mailed decision (A9, A12).
            CertificationDecision.objects.filter(pk=locked.new_decision_id).update(
                emailed_at=locked.outcome_sent_at
            )
            register = register_apply_decision(
                decision=locked.new_decision,
                by=by,
                reason=_("Beroep %(n)s: beslissing gewijzigd") % {"n": locked.number},
            )
        internal = {
            u.email
            for u in (locked.decision.decider, locked.decision.audit.team_leader)
            if u.email
        }
        if internal:
            # After the commit, like the letter: a refused or failed step tells
            # nobody anything.
            transaction.on_commit(
                partial(
                    send_mail,
                    _("Uitkomst beroep %(n)s") % {"n": locked.number},
                    render_to_string(
                        "cases/email/appeal_outcome_internal.txt", {"appeal": locked}
                    ),
                    settings.DEFAULT_FROM_EMAIL,
                    sorted(internal),
                )
            )
        return {**letter, **({"register": register} if register else {})}

    return transition_apply(
        case=appeal, action="send_outcome", by=by, effect=effect, claimant_informed=True
    )


def appeal_send_inadmissibility(
    *, appeal: Appeal, by, context: dict | None = None
) -> Appeal:
    """A3/A4: tell the appellant why the appeal is not taken into consideration."""

    def effect(locked):
        return _letter_to_appellant(
            locked, LetterTemplate.Kind.APPEAL_INADMISSIBLE, by, context
        )

    return transition_apply(
        case=appeal,
        action="send_inadmissibility",
        by=by,
        effect=effect,
        claimant_informed=True,
    )


def appeal_confirm_certificate(*, appeal: Appeal, by) -> Appeal:
    """A9: the office manager records in the appeal's logbook that the certificate
    was issued or adjusted after the changed decision; this ends their task on
    the dashboard. Raises PermissionDenied unless ``by`` keeps the register;
    ValidationError when there is no such task, or while the client is still a
    holder without a certificate in force (issue or adjust it first)."""
    return transition_apply(
        case=appeal,
        action="confirm_certificate",
        by=by,
        note=_("Certificaat uitgegeven of aangepast na het beroep."),
    )


# A9: what a final decision means for the client register and the certificate.
_CERTIFICATE_STATUS = {
    CertificationDecision.Outcome.GRANTED: "active",
    CertificationDecision.Outcome.CONTINUED: "active",
    CertificationDecision.Outcome.SUSPENDED: "suspended",
    CertificationDecision.Outcome.WITHDRAWN: "withdrawn",
}
_CLIENT_STATUS = {
    CertificationDecision.Outcome.GRANTED: "holder",
    CertificationDecision.Outcome.CONTINUED: "holder",
    CertificationDecision.Outcome.WITHDRAWN: "former",
}


def register_apply_decision(*, decision: CertificationDecision, by, reason: str):
    """A9: after a changed decision the client register is updated and the current
    certificate adjusted where needed (a new certificate version; the old one
    stays). Returns what changed, for the logbook."""

    client = decision.audit.client
    changed = {}
    new_status = _CLIENT_STATUS.get(decision.outcome)
    if new_status and client.status != new_status:
        Client.objects.filter(pk=client.pk).update(status=new_status)
        changed["client_status"] = new_status
    certificate_status = _CERTIFICATE_STATUS.get(decision.outcome)
    current = (
        Certificate.objects.filter(client=client, next_version__isnull=True)
        .order_by("-valid_from", "-pk")
        .first()
    )
    if certificate_status and current and current.status != certificate_status:
        new = certificate_adjust(
            certificate=current,
            by=by,
            reason=reason,
            decision=decision,
            status=certificate_status,
            on_behalf_of_rule=True,
        )
        changed["certificate"] = f"{new.number} v{new.version}: {certificate_status}"
    if certificate_status == "active" and holder_without_certificate(client.pk):
        # The decision grants or continues a certificate, yet none is in force
        # (none at all, or only a suspended, withdrawn or expired one): nothing to
        # adjust by rule, so the office manager issues or adjusts one by hand.
        # A suspension or withdrawal leaves no such task. Recorded in the logbook
        # (no field), which makes it their task on the dashboard until the step
        # "Certificaat aangepast" is taken (cases.selectors_appeals).
        changed[CERTIFICATE_MISSING] = True
    return changed


# The logbook data key (in the outcome step's "register") of A9's open task.
CERTIFICATE_MISSING = "certificate_missing"


def holder_without_certificate(client_id: int) -> bool:
    """A9: the client register names the client a certificate holder, yet no
    current certificate version is in force (active and not past its end): a
    certificate must be issued or adjusted."""
    if not Client.objects.filter(pk=client_id, status=Client.Status.HOLDER).exists():
        return False
    return not Certificate.objects.filter(
        client_id=client_id,
        next_version__isnull=True,
        status=Certificate.Status.ACTIVE,
        valid_until__gte=timezone.localdate(),
    ).exists()
