"""Who may do what with the quality documents: pure predicates.

Role checks build on `portal.roles.acts_as`; nothing in documents checks a role
inline. Publishing itself is Wagtail's page permission (the workflow), not here.
"""

from __future__ import annotations

from portal.roles import QUALITY_OFFICER, acts_as


def can_manage_quality_system(user) -> bool:
    """C10: the quality officer keeps the quality documents (change requests,
    the read-acknowledgement report, the periodic review)."""
    return bool(user) and acts_as(user, QUALITY_OFFICER)


def can_review_procedure(user, page) -> bool:
    """The periodic review of a procedure: the quality officer or the procedure's
    owner role."""
    return bool(user) and acts_as(user, QUALITY_OFFICER, page.owner_role)
