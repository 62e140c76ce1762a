"""Who may take a step: the guards the tables share (built on
``cases.permissions``)."""

from __future__ import annotations

from ..permissions import (
    can_decide_for_management,
    can_keep_register,
    has_register_access,
    is_quality_officer,
)


def register_keeper(user, case) -> bool:
    return has_register_access(user)


def assigned_decider(user, case) -> bool:
    return case.decider_id is not None and case.decider_id == user.pk


def register_or_decider(user, case) -> bool:
    return has_register_access(user) or assigned_decider(user, case)


def quality_officer(user, case) -> bool:
    return is_quality_officer(user)


def register_clerk(user, case) -> bool:
    # C1: the quality officer or the office manager registers and keeps the data.
    return can_keep_register(user)


def handler_or_clerk(user, case) -> bool:
    return (case.handler_id is not None and case.handler_id == user.pk) or (
        register_clerk(user, case)
    )


def handler_or_quality_officer(user, case) -> bool:
    return (case.handler_id is not None and case.handler_id == user.pk) or (
        quality_officer(user, case)
    )


def management(user, case) -> bool:
    return can_decide_for_management(user)
