"""Who may do what with management information (C11). Roles are checked only
through ``portal.roles``; the model permissions come from its role table."""

from __future__ import annotations

from portal.roles import MANAGEMENT, QUALITY_OFFICER, acts_as


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_view_meetings(user) -> bool:
    """C11: the core group, the quality officer, the office manager and management
    read the core-group meetings; assessors and deciders do not."""
    return _active(user) and user.has_perm("insights.view_coregroupmeeting")


def can_keep_meetings(user) -> bool:
    """Plan a meeting, record per case that it was discussed and what was
    concluded, and fix the minutes: the core group and those who keep the
    register."""
    return _active(user) and user.has_perm("insights.change_coregroupmeeting")


def can_view_reviews(user) -> bool:
    """The annual management review: management, the quality officer, the office
    manager."""
    return _active(user) and user.has_perm("insights.view_managementreview")


def can_edit_review(user) -> bool:
    """C11: management writes the reflection and approves the annual review."""
    return (
        _active(user)
        and acts_as(user, MANAGEMENT)
        and user.has_perm("insights.change_managementreview")
    )


def can_monitor(user) -> bool:
    """What the quality officer monitors on her dashboard (C11): deadlines,
    unsent appeal letters, read campaigns."""
    return _active(user) and acts_as(user, QUALITY_OFFICER)
