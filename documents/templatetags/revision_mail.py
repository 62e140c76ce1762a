"""What the workflow e-mails say about a procedure revision (issue 17, item 3):
the change summary, the complaint behind it (C10) and the review screen."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def revision_facts(page):
    """None for a page that is not a procedure; otherwise the latest draft's
    change summary, the number of the complaint that led to it (a number only:
    the e-mail leaves the portal) and the path of the approver's review screen."""
    from documents.models import ProcedurePage

    if not isinstance(page, ProcedurePage):
        return None
    draft = page.get_latest_revision_as_object()
    change_request = draft.change_request
    complaint = change_request.complaint if change_request else None
    return {
        "change_summary": (draft.change_summary or "").strip(),
        "complaint_number": complaint.number if complaint else "",
        "review_path": reverse("documents_admin:revision_review", args=[page.pk]),
    }
