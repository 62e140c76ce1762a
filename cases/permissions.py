"""Who may do what in the case register: pure predicates, citing the rules.

Views, services, panels and hooks ask these instead of checking roles inline, in
the manner of Wagtail's permission policies. Which *objects* a user may see is the
selectors' business (`cases.selectors`); these answer "may this person do this".
"""

from __future__ import annotations

from portal.roles import (
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    EXTERNAL_MEDIATOR,
    MANAGEMENT,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
    acts_as,
    has_register_access,
    holds_role,
)

__all__ = [
    "can_decide_for_management",
    "can_delete_evidence",
    "can_keep_register",
    "can_qualify_signals",
    "can_read_lessons",
    "can_record_decisions",
    "can_report_signal",
    "has_register_access",
    "is_eligible_decider",
    "is_eligible_handler",
    "is_quality_officer",
    "sits_on_management",
    "works_for_the_organisation",
]


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def works_for_the_organisation(user) -> bool:
    """Staff: a superuser, or anyone with a role other than the external
    mediator's (a notary acting in a mediation is not staff, E4)."""
    return _active(user) and (
        user.is_superuser or bool(set(user.role_codes) - {EXTERNAL_MEDIATOR})
    )


def can_report_signal(user) -> bool:
    """S1/S5: anyone working for the organisation passes client signals on; the
    form names every client, so an external notary never gets it."""
    return works_for_the_organisation(user)


def can_read_lessons(user) -> bool:
    """C5: the anonymised lessons are for staff; a notary's role ends at one
    client dossier (E4)."""
    return works_for_the_organisation(user)


def is_quality_officer(user) -> bool:
    """The quality officer owns the register and its monitoring (C2, C5, C10)."""
    return acts_as(user, QUALITY_OFFICER)


def can_qualify_signals(user) -> bool:
    """S3: the quality officer decides whether a signal is a complaint."""
    return is_quality_officer(user)


def can_keep_register(user) -> bool:
    """C1, C4: the quality officer or the office manager registers cases and
    keeps their data."""
    return acts_as(user, QUALITY_OFFICER, OFFICE_MANAGER)


def can_decide_for_management(user) -> bool:
    """C9: management decides on complaints about certificate holders."""
    return acts_as(user, MANAGEMENT)


def sits_on_management(user) -> bool:
    """A member of management who sees the register (C9's decisions are theirs to
    take; a superuser is not shown management's own work)."""
    return holds_role(user, MANAGEMENT) and has_register_access(user)


def can_delete_evidence(user) -> bool:
    """Evidence is deleted (with a reason, leaving a tombstone) by the quality
    officer only, who owns the register."""
    return is_quality_officer(user)


def can_record_decisions(user) -> bool:
    """Certification decisions are recorded by the register or a decider (which
    audits they may name is the selectors' business)."""
    return has_register_access(user) or acts_as(user, CERTIFICATION_DECIDER)


def is_eligible_handler(user) -> bool:
    """C2: a complaint's handler is a member of the core group (whether the
    person is involved is checked against the complaint)."""
    return holds_role(user, CORE_GROUP)


def is_eligible_decider(user) -> bool:
    """A7: a decision or an appeal is taken by a certification decider."""
    return holds_role(user, CERTIFICATION_DECIDER)
