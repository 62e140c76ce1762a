"""The meeting's agenda (to send before it) and minutes (after it) as PDF, in the
house style of the controlled procedure PDFs (WeasyPrint). Rendered on request
for the person asking, so they show of each case what that person may see."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from portal.models import OrganisationSettings

from .selectors import agenda_for


def organisation_name() -> str:
    org = OrganisationSettings.load()
    default = getattr(settings, "PORTAL_ORGANISATION_DEFAULT_NAME", "")
    return (org.full_name or "").strip() or (org.name or "").strip() or default


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"organisation": organisation_name(), **context})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def meeting_pdf_bytes(meeting, *, user, minutes: bool) -> bytes:
    return render_pdf(
        "insights/pdf/meeting.html",
        {
            "meeting": meeting,
            "groups": agenda_for(user, meeting),
            "attendees": list(meeting.attendees.all()),
            "minutes": minutes,
            "printed_at": timezone.now(),
        },
    )
