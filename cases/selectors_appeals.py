"""Reads for the appeal case page: what the decider needs in front of them (A8).

- `appeal_admissibility_checks`: each admissibility check of the procedure (A2–A5,
  A12) with its result, computed with the service's own predicates
  (`cases.services.appeals`), so that the page cannot say otherwise than the
  service decided;
- `contested_decision_for`: the contested decision, its audit, team and
  documents, scoped by the existing selectors (`cases.selectors`);
- `other_appeals_against`: appeals against the same decision (issue 16, item 8);
- `appeals_awaiting_certificate` and `certificate_task_refusal`: the office
  manager's task after a changed decision left the client a certificate holder
  without a certificate (A9), derived from the logbook.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .deadlines import appeal_term_end
from .models import Appeal, Audit, CaseEvent, CertificationDecision, EvidenceFile
from .selectors import (
    appeals_visible_to,
    audits_visible_to,
    decisions_visible_to,
    evidence_visible_to,
)
from .services.appeals import (
    CERTIFICATE_MISSING,
    decision_is_final,
    holder_without_certificate,
    is_decisions_own_client,
    is_motivated,
    is_written,
    lodged_after_email,
    lodged_in_time,
)
from .transitions.engine import NotYet

# -- admissibility (A2–A5, A12) --------------------------------------------------

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"
RESULT_LABELS = {
    MET: gettext_lazy("voldaan"),
    NOT_MET: gettext_lazy("niet voldaan"),
    UNKNOWN: gettext_lazy("nog niet beoordeeld"),
}


@dataclass(frozen=True)
class Fact:
    """One date or value a check was judged on (shown beside the check)."""

    label: str
    at: datetime.datetime | None = None
    text: str = ""
    date_only: bool = False


@dataclass(frozen=True)
class AdmissibilityCheck:
    """One check of the procedure and its result for one appeal. ``reason`` is the
    inadmissibility reason the check guards (`Appeal.Inadmissible`) and ``rule`` the
    rule id: both for code, logs and tests, never shown."""

    reason: str
    rule: str
    label: str
    result: str
    facts: tuple[Fact, ...] = field(default_factory=tuple)

    @property
    def result_label(self) -> str:
        return str(RESULT_LABELS[self.result])

    @property
    def met(self) -> bool:
        return self.result == MET


def _result(ok: bool) -> str:
    return MET if ok else NOT_MET


def appeal_admissibility_checks(appeal: Appeal) -> list[AdmissibilityCheck]:
    """Every admissibility check of ``appeal``, in the order the service applies
    them (`appeal_admissibility`), each judged on its own so that the decider sees
    all of them, not only the first that failed.

    The checks are judged on what is stored: the appeal's receipt, channel,
    appellant and motivation, and the decision's e-mail. "Final" (A12) is judged
    as the register stood when the appeal was registered, leaving the appeal
    itself out: its own outcome does not make it inadmissible afterwards. The term
    cannot be judged while the decision has no e-mail date (it has not started):
    "nog niet beoordeeld"."""
    decision = appeal.decision
    emailed_at = decision.emailed_at
    received = Fact(_("Ontvangen op"), at=appeal.received_at)
    emailed = (
        Fact(_("Beslissing per e-mail verzonden op"), at=emailed_at)
        if emailed_at
        else Fact(_("Beslissing per e-mail verzonden op"), text=_("nog niet"))
    )
    checks = [
        AdmissibilityCheck(
            Appeal.Inadmissible.FINAL,
            "A12",
            _(
                "Tegen de beslissing staat beroep open: zij is geen uitkomst van "
                "een beroep en er is nog niet eerder in beroep over beslist"
            ),
            _result(
                not decision_is_final(
                    decision, as_of=appeal.registered_at, excluding=appeal
                )
            ),
        ),
        AdmissibilityCheck(
            Appeal.Inadmissible.NOT_SENT,
            "A2",
            _("Ingediend nadat de beslissing per e-mail is verzonden"),
            _result(lodged_after_email(decision, appeal.received_at)),
            (emailed, received),
        ),
        AdmissibilityCheck(
            Appeal.Inadmissible.ORAL,
            "A3",
            _("Schriftelijk ingediend (brief, e-mail of webformulier)"),
            _result(is_written(appeal.channel)),
            (Fact(_("Ontvangen via"), text=appeal.get_channel_display()),),
        ),
        AdmissibilityCheck(
            Appeal.Inadmissible.NOT_HOLDER,
            "A4",
            _(
                "Ingediend door de certificaathouder of aanvrager om wiens "
                "beslissing het gaat"
            ),
            _result(is_decisions_own_client(decision, appeal.appellant)),
            (
                Fact(_("Beslissing over"), text=str(decision.audit.client)),
                Fact(_("Ingediend door"), text=str(appeal.appellant)),
            ),
        ),
    ]
    if emailed_at is None:
        in_time, term_facts = UNKNOWN, (emailed, received)
    else:
        in_time = _result(lodged_in_time(decision, appeal.received_at))
        term_facts = (
            Fact(_("Termijn"), text=_("één maand na verzending per e-mail")),
            emailed,
            received,
            Fact(
                _("Uiterste dag (tot en met)"),
                at=appeal_term_end(emailed_at),
                date_only=True,
            ),
        )
    checks.append(
        AdmissibilityCheck(
            Appeal.Inadmissible.LATE,
            "A2",
            _("Binnen de beroepstermijn ingediend"),
            in_time,
            term_facts,
        )
    )
    checks.append(
        AdmissibilityCheck(
            Appeal.Inadmissible.NO_MOTIVATION,
            "A5",
            _("Gemotiveerd: de indiener zegt waarom de beslissing onjuist is"),
            _result(is_motivated(appeal.motivation)),
        )
    )
    return checks


# -- the contested decision (A8) ---------------------------------------------------


@dataclass(frozen=True)
class ContestedDecision:
    decision: CertificationDecision
    audit: Audit
    assessors: tuple
    documents: tuple[EvidenceFile, ...]
    superseded_by: CertificationDecision | None = None


def contested_decision_for(user, appeal: Appeal) -> ContestedDecision | None:
    """A8: what the decider reviews: the contested decision with its motivation,
    decider and dates, the audit it belongs to and its team, and the documents of
    that audit and decision. Only what ``user`` may see, through the scoping
    selectors: None when the decision is not theirs to see (the register roles and
    the appeal's assigned decider do see it). A fixed number of queries."""
    decision = (
        decisions_visible_to(user)
        .filter(pk=appeal.decision_id)
        .select_related("audit__client", "audit__team_leader", "decider")
        .first()
    )
    if decision is None:
        return None
    audit = audits_visible_to(user).filter(pk=decision.audit_id).first()
    if audit is None:  # a decision is seen through its audit; defensive only
        return None
    documents = (
        evidence_visible_to(user)
        .filter(Q(audit_id=audit.pk) | Q(decision_id=decision.pk))
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    superseded_by = (
        decisions_visible_to(user)
        .filter(supersedes_id=decision.pk)
        .select_related("decider")
        .first()
    )
    return ContestedDecision(
        decision=decision,
        audit=decision.audit,
        assessors=tuple(audit.assessors.order_by("last_name", "first_name")),
        documents=tuple(documents),
        superseded_by=superseded_by,
    )


# -- two appeals against one decision (issue 16, item 8) -------------------------


@dataclass(frozen=True)
class OtherAppeal:
    appeal: Appeal
    url: str  # "" when the user may not open it


def other_appeals_against(
    user, decision: CertificationDecision, *, excluding: Appeal | None = None
) -> list[OtherAppeal]:
    """The other appeals against ``decision``, oldest first, with a link for those
    ``user`` may open.

    What the procedure implies for a second appeal against the same decision
    (issue 16, item 8): no rule makes it inadmissible while the first is pending.
    A2/A3 admit any written, motivated appeal within the term and A3 forbids
    dropping one; A4 means it can only come from the same client. It is therefore
    registered and judged like any appeal, and in substance it adds to the pending
    one: both are to be handled together by the same decider, because there is one
    outcome per decision. Once an appeal against the decision has been decided,
    any further one is inadmissible as final (A12, `decision_is_final`). The portal
    does not merge them (that would need a field); it warns when the second is
    registered and on the pages of both, each linking the other."""
    others = Appeal.objects.filter(decision=decision).order_by("received_at", "pk")
    if excluding is not None:
        others = others.exclude(pk=excluding.pk)
    rows = list(others.select_related("decider"))
    if not rows:
        return []
    visible = set(
        appeals_visible_to(user)
        .filter(pk__in=[a.pk for a in rows])
        .values_list("pk", flat=True)
    )
    return [
        OtherAppeal(a, reverse("cases_admin:appeal", args=[a.pk]))
        if a.pk in visible
        else OtherAppeal(a, "")
        for a in rows
    ]


# -- A9: the office manager's certificate task -----------------------------------

CONFIRM_CERTIFICATE = "confirm_certificate"


def _events(action: str) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(
        case_type=ContentType.objects.get_for_model(Appeal),
        case_id=OuterRef("pk"),
        action=action,
    )


def appeals_awaiting_certificate() -> QuerySet[Appeal]:
    """A9: closed appeals whose changed decision left the client a certificate
    holder without a certificate (recorded in the logbook when the outcome was
    sent: `register_apply_decision`) and whose "Certificaat aangepast" step has not
    been taken. The office manager's open task; one query."""
    flagged = _events("send_outcome").filter(
        **{f"data__register__{CERTIFICATE_MISSING}": True}
    )
    return (
        Appeal.objects.filter(state=Appeal.State.CLOSED, outcome=Appeal.Outcome.CHANGED)
        .filter(Exists(flagged))
        .exclude(Exists(_events(CONFIRM_CERTIFICATE)))
        .order_by("outcome_sent_at", "pk")
    )


def certificate_task_refusal(appeal: Appeal) -> str:
    """A9: why "Certificaat aangepast" cannot be recorded on ``appeal`` now, or "".
    It applies only while the task is open; it waits (`NotYet`) until a
    certificate is in force again or the client is no longer a holder, so that
    the task is not ticked off undone."""
    if not appeals_awaiting_certificate().filter(pk=appeal.pk).exists():
        return _("Na deze uitkomst hoeft geen certificaat te worden aangepast.")
    if holder_without_certificate(appeal.decision.audit.client_id):
        return NotYet(
            _(
                "Geef eerst in het klantdossier een certificaat uit of pas het "
                "huidige aan; leg het daarna hier vast."
            )
        )
    return ""
