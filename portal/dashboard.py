"""The "Mijn werk" area of the dashboard: an extension point for every app.

An app contributes a panel by registering a function with the Wagtail hook
``portal_dashboard_panels`` in its ``wagtail_hooks.py``. The function receives the
request and returns a `DashboardPanel`, or ``None`` when the panel does not apply to
this user. Panels are sorted by ``order``, then title.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wagtail import hooks

HOOK_NAME = "portal_dashboard_panels"


@dataclass
class DashboardPanel:
    key: str
    title: str
    template_name: str
    order: int = 100
    context: dict[str, Any] = field(default_factory=dict)
    empty_text: str = ""


def panels_for(request) -> list[DashboardPanel]:
    panels = []
    for fn in hooks.get_hooks(HOOK_NAME):
        panel = fn(request)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda p: (p.order, p.title))
