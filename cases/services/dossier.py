"""Certification decisions and certificates in the client dossier."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import Audit, Certificate, CertificationDecision
from ..permissions import (
    can_record_decisions,
    has_register_access,
    is_eligible_decider,
)
from ..selectors import audits_visible_to, decisions_visible_to
from .dates import display_moment, not_before_moment, not_in_future

DECISION_FIELDS = ("outcome", "motivation", "decided_at")


def _check_decider(decider, audit: Audit) -> None:
    if not is_eligible_decider(decider):
        raise ValidationError(
            {
                "decider": _(
                    "Kies een certificatiebeslisser: %(name)s heeft die rol niet."
                )
                % {"name": decider}
            }
        )
    # Whoever evaluated may not decide (the certification scheme's impartiality
    # rule, also the spirit of A7).
    if (
        decider.pk == audit.team_leader_id
        or audit.assessors.filter(pk=decider.pk).exists()
    ):
        raise ValidationError(
            {
                "decider": _(
                    "%(name)s was teamleider of beoordelaar bij dit onderzoek en mag "
                    "er daarom niet over beslissen. Kies een andere "
                    "certificatiebeslisser."
                )
                % {"name": decider}
            }
        )


def _check_may_decide(by) -> None:
    if not can_record_decisions(by):
        raise PermissionDenied(
            _(
                "Alleen een certificatiebeslisser of de officemanager legt "
                "beslissingen vast."
            )
        )


def _check_sees_audit(by, audit: Audit) -> None:
    """The recorder must be entitled to the audit first: a decision on it opens
    the audit to its decider, so recording one must not be a way in. The answer
    is the same for an audit that does not exist."""
    if not audits_visible_to(by).filter(pk=audit.pk).exists():
        raise ValidationError(
            {
                "audit": _(
                    "Kies een onderzoek uit de lijst: dit onderzoek bestaat niet of "
                    "u hebt er geen toegang toe."
                )
            }
        )


def _check_sees_decision(by, decision: CertificationDecision) -> None:
    if not decisions_visible_to(by).filter(pk=decision.pk).exists():
        raise ValidationError(
            _(
                "Deze beslissing bestaat niet of u hebt er geen toegang toe. Kies een "
                "beslissing uit het dossier."
            )
        )


@transaction.atomic
def decision_record(
    *,
    audit: Audit,
    decider,
    outcome: str,
    motivation: str,
    decided_at: datetime.datetime | None = None,
    by,
) -> CertificationDecision:
    """Record a certification decision on ``audit``.

    Raises ValidationError when the decider lacks the role or took part in the
    audit, or ``by`` may not see the audit, or a field is invalid;
    PermissionDenied when ``by`` may not record."""
    _check_may_decide(by)
    _check_sees_audit(by, audit)
    _check_decider(decider, audit)
    decision = CertificationDecision(
        audit=audit,
        decider=decider,
        outcome=outcome,
        motivation=motivation,
        decided_at=decided_at or timezone.now(),
    )
    decision.full_clean()
    decision.save()
    log(decision, "wagtail.create", user=by)
    return decision


def _locked(decision: CertificationDecision) -> CertificationDecision:
    return CertificationDecision.objects.select_for_update().get(pk=decision.pk)


@transaction.atomic
def decision_update(
    *, decision: CertificationDecision, by, **changes
) -> CertificationDecision:
    """Correct a decision that has not been e-mailed yet.

    Raises ValidationError once it was e-mailed: from then on the only change is a
    new decision that supersedes it (A9)."""
    _check_may_decide(by)
    _check_sees_decision(by, decision)
    current = _locked(decision)
    if current.is_emailed:
        raise ValidationError(
            _(
                "Deze beslissing is op %(date)s per e-mail aan de klant verzonden en "
                "kan niet meer worden gewijzigd. Leg een nieuwe beslissing vast die "
                "haar vervangt."
            )
            % {"date": display_moment(current.emailed_at)}
        )
    unknown = set(changes) - set(DECISION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean()
    current.save()
    log(current, "wagtail.edit", user=by, data={"fields": sorted(changes)})
    return current


@transaction.atomic
def decision_mark_emailed(
    *, decision: CertificationDecision, at: datetime.datetime | None = None, by
) -> CertificationDecision:
    """Record when the decision e-mail went out (``at``, default now): the
    decision is final from then on and the appeal term of A2 counts from that
    moment, so an appeal received later that day is in time.

    Raises PermissionDenied for who may not record decisions; ValidationError
    when it was already marked, or for a moment in the future or before the
    decision was taken (the message names both)."""
    _check_may_decide(by)
    _check_sees_decision(by, decision)
    current = _locked(decision)
    if current.is_emailed:
        raise ValidationError(_("Deze beslissing is al als verzonden vastgelegd."))
    at = at or timezone.now()
    label = _("Het verzendmoment")
    not_in_future("emailed_at", at, label=label)
    not_before_moment(
        "emailed_at",
        at,
        label=label,
        earliest=current.decided_at,
        earliest_label=_("het nemen van de beslissing"),
    )
    current.emailed_at = at
    current.save(update_fields=["emailed_at"])
    log(current, "portal.decision.emailed", user=by, data={"at": at.isoformat()})
    return current


@transaction.atomic
def decision_supersede(
    *,
    decision: CertificationDecision,
    decider,
    outcome: str,
    motivation: str,
    reason: str,
    by,
) -> CertificationDecision:
    """Replace an e-mailed decision by a new one; both stay in the dossier (A9).

    Raises ValidationError when the old decision was not e-mailed yet (correct it
    instead), was already superseded, or no reason is given."""
    _check_may_decide(by)
    _check_sees_decision(by, decision)
    old = _locked(decision)
    if not old.is_emailed:
        raise ValidationError(
            _(
                "Deze beslissing is nog niet verzonden. Wijzig haar direct in plaats "
                "van haar te vervangen."
            )
        )
    if CertificationDecision.objects.filter(supersedes=old).exists():
        raise ValidationError(
            _(
                "Deze beslissing is al vervangen. Vervang zo nodig de nieuwste "
                "beslissing."
            )
        )
    if not reason.strip():
        raise ValidationError(
            {"supersede_reason": _("Geef aan waarom de beslissing wordt vervangen.")}
        )
    _check_decider(decider, old.audit)
    new = CertificationDecision(
        audit=old.audit,
        decider=decider,
        outcome=outcome,
        motivation=motivation,
        decided_at=timezone.now(),
        supersedes=old,
        supersede_reason=reason,
    )
    new.full_clean()
    new.save()
    log(new, "wagtail.create", user=by)
    log(old, "portal.decision.superseded", user=by, data={"by_decision": new.pk})
    return new


@transaction.atomic
def certificate_issue(
    *,
    client,
    number: str,
    scope: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    decision: CertificationDecision | None = None,
    by,
) -> Certificate:
    """Issue version 1 of a certificate."""
    if not has_register_access(by):
        raise PermissionDenied(_("Alleen de officemanager of Q beheert certificaten."))
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError(
            {
                "number": _(
                    "Certificaatnummer %(n)s bestaat al. Wijzig dat certificaat "
                    "met een nieuwe versie."
                )
                % {"n": number}
            }
        )
    cert = Certificate(
        client=client,
        number=number,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
        decision=decision,
    )
    cert.full_clean()
    cert.save()
    log(cert, "wagtail.create", user=by)
    return cert


@transaction.atomic
def certificate_adjust(
    *,
    certificate: Certificate,
    by,
    reason: str,
    decision=None,
    on_behalf_of_rule: bool = False,
    **changes,
) -> Certificate:
    """Adjust a certificate by issuing a new version; the old one stays as it was
    (A9). Only the current version can be adjusted. ``on_behalf_of_rule``: a
    service applying a rule (A9 after an appeal) adjusts it for the register."""
    if not on_behalf_of_rule and not has_register_access(by):
        raise PermissionDenied(_("Alleen de officemanager of Q beheert certificaten."))
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not old.is_current:
        raise ValidationError(
            _("Er is al een nieuwere versie van dit certificaat. Pas die aan.")
        )
    if not reason.strip():
        raise ValidationError({"change_reason": _("Geef de reden van de wijziging.")})
    allowed = {"scope", "valid_from", "valid_until", "status"}
    if set(changes) - allowed:
        raise ValueError(f"Not adjustable: {sorted(set(changes) - allowed)}")
    new = Certificate(
        client=old.client,
        number=old.number,
        version=old.version + 1,
        scope=changes.get("scope", old.scope),
        valid_from=changes.get("valid_from", old.valid_from),
        valid_until=changes.get("valid_until", old.valid_until),
        status=changes.get("status", old.status),
        decision=decision or old.decision,
        previous=old,
        change_reason=reason,
    )
    new.full_clean()
    new.save()
    log(new, "wagtail.create", user=by, data={"previous": old.pk})
    return new
