"""What the dossier page shows in its "Toegang" panel (register roles only)."""

from __future__ import annotations

from wagtail.log_actions import registry as log_actions

from ..forms.access import AccessGrantForm
from ..permissions import has_register_access
from ..selectors_access import (
    access_history,
    colleagues_for_access,
    dossier_access,
    plain_reason,
)


def access_panel_context(
    request, client, *, grant_form=None, revoke_errors=None, revoke_values=None
) -> dict:
    """The panel's context, or nothing for someone outside the register roles."""
    if not has_register_access(request.user):
        return {}
    entries = dossier_access(client)
    for entry in entries:  # a refused "Intrekken" keeps its reason and error
        entry.revoke_errors = (revoke_errors or {}).get(entry.user.pk, [])
        entry.revoke_value = (revoke_values or {}).get(entry.user.pk, "")
    if grant_form is None:
        grant_form = AccessGrantForm(
            colleagues=colleagues_for_access(),
            seeing={e.user.pk for e in entries if e.active},
        )
    history = [
        {
            "entry": entry,
            "label": log_actions.get_action_label(entry.action),
            "holder": (entry.data or {}).get("holder", ""),
            "reason": plain_reason((entry.data or {}).get("reason", "")),
        }
        for entry in access_history(client)
    ]
    return {
        "access": {
            "entries": entries,
            "grant_form": grant_form,
            "history": history,
        }
    }
