"""The register's panels on the dashboard ("Mijn werk"): open cases of the person
who must act next, nearest deadline first, with the deadline coloured."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dashboard import DashboardPanel

from .links import case_url
from .models import Appeal, Complaint, Mediation, Signal
from .permissions import can_keep_register, has_register_access, sits_on_management
from .selectors import complaint_lessons, complaints_visible_to, with_uninformed_steps
from .selectors_appeals import appeals_awaiting_certificate

SOON = datetime.timedelta(days=7)


@dataclass
class WorkItem:
    number: str
    client: str
    what: str
    url: str
    deadline: datetime.datetime | None = None
    warning: str = ""

    @property
    def urgency(self) -> str:
        if self.deadline is None:
            return ""
        now = timezone.now()
        if self.deadline < now:
            return "overdue"
        return "soon" if self.deadline < now + SOON else ""


def work_items(user) -> list[WorkItem]:
    """What ``user`` must do next in the register; a fixed number of queries."""
    items: list[WorkItem] = []
    clerk = can_keep_register(user)
    open_complaints = Complaint.State.REGISTERED, Complaint.State.IN_PROGRESS
    for c in (
        complaints_visible_to(user)
        .filter(handler=user, state__in=open_complaints)
        .select_related("client")
    ):
        items.append(
            WorkItem(
                c.number,
                c.client.name,
                _("klacht behandelen"),
                case_url(c),
                c.handle_by,
            )
        )
    for a in Appeal.objects.filter(
        decider=user, state=Appeal.State.ASSIGNED
    ).select_related("appellant"):
        items.append(
            WorkItem(
                a.number,
                a.appellant.name,
                _("beroep beslissen"),
                case_url(a),
                a.decide_by,
            )
        )
    if clerk:
        for s in Signal.objects.filter(
            state=Signal.State.COMPLAINT, complaint__isnull=True
        ).select_related("client"):
            items.append(
                WorkItem(
                    s.number,
                    s.client.name if s.client else "—",
                    _("klacht registreren"),
                    case_url(s),
                )
            )
        for c in Complaint.objects.filter(
            state=Complaint.State.REGISTERED
        ).select_related("client"):
            items.append(
                WorkItem(
                    c.number,
                    c.client.name,
                    _("behandelaar aanwijzen"),
                    case_url(c),
                    c.handle_by,
                )
            )
        for m in with_uninformed_steps(
            Mediation.objects.exclude(state=Mediation.State.CLOSED)
        ).select_related("claimant"):
            items.append(
                WorkItem(
                    m.number,
                    m.claimant.name,
                    m.get_state_display(),
                    case_url(m),
                    warning=_("eiser niet geïnformeerd") if m.uninformed_steps else "",
                )
            )
        # A9: a changed decision left the client a holder without a certificate.
        for a in appeals_awaiting_certificate().select_related("appellant"):
            items.append(
                WorkItem(
                    a.number,
                    a.appellant.name,
                    _("certificaat uitgeven of aanpassen na het beroep"),
                    f"{case_url(a)}#certificaat",
                )
            )
    if sits_on_management(user):
        for c in Complaint.objects.filter(
            about=Complaint.About.CERTIFICATE_HOLDER,
            state__in=open_complaints,
            follow_up="",
        ).select_related("client"):
            items.append(
                WorkItem(
                    c.number,
                    c.client.name,
                    _("klacht over certificaathouder: informeren en besluiten"),
                    case_url(c),
                    c.handle_by,
                )
            )
    far = timezone.now() + datetime.timedelta(days=3650)
    items.sort(key=lambda i: (i.deadline or far, i.number))
    return items


def register_panel(request):
    user = request.user
    if not user.is_authenticated:
        return None
    items = work_items(user)
    if not items and not has_register_access(user):
        return None
    return DashboardPanel(
        key="register",
        title=_("Klachten, beroepen en mediations"),
        template_name="cases/panels/register.html",
        order=12,
        context={"items": items[:12], "more": max(len(items) - 12, 0)},
        empty_text=_("Er wacht niets op u in het casusregister."),
    )


def lessons_panel(request):
    """C5: the anonymised summaries the quality officer chose to share with all
    assessors; nothing else of those complaints."""

    user = request.user
    if not user.is_authenticated:
        return None
    lessons = list(complaint_lessons(user)[:5])
    if not lessons:
        return None
    return DashboardPanel(
        key="lessen",
        title=_("Geleerd uit klachten"),
        template_name="cases/panels/lessons.html",
        order=60,
        context={"lessons": lessons},
    )
