"""Who may do what in the case register: pure predicates, citing the rules.

Views, services, panels and hooks ask these instead of checking roles inline, in
the manner of Wagtail's permission policies. Which *objects* a user may see is the
selectors' business (`cases.selectors`); these answer "may this person do this".
"""

from __future__ import annotations

from portal.roles import EXTERNAL_MEDIATOR


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
