"""The approver's screen for a revision submitted for approval: what changes
against the live version, why (the change summary, the complaint behind it), and
the buttons that drive the workflow's approve / reject."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access

from cases.selectors import complaints_visible_to
from portal.formatting import format_date
from portal.scoping import pages_known_to

from .compare import document_text, procedure_compare
from .models import ProcedurePage
from .selectors import review_task_state
from .services import (
    effective_date_for,
    review_date_after_publication,
    revision_decide,
)


def review_url(page) -> str:
    return reverse("documents_admin:revision_review", args=[page.pk])


def _away(request, page):
    """Where someone goes who has nothing (more) to decide here."""
    if page.permissions_for_user(request.user).can_edit():
        return redirect("wagtailadmin_pages:edit", page.pk)
    return redirect("wagtailadmin_home")


@require_admin_access
@require_http_methods(["GET", "POST"])
def revision_review(request, page_pk):
    # A page the user may not know of is answered as a missing one.
    page = get_object_or_404(
        ProcedurePage.objects.filter(pk__in=pages_known_to(request.user).values("pk")),
        pk=page_pk,
    )
    task_state = review_task_state(page, request.user)
    if task_state is None:
        messages.error(
            request,
            _(
                "Er wacht geen herziening van %(code)s op uw goedkeuring. Alleen de "
                "directie keurt herzieningen goed; misschien is deze al beoordeeld."
            )
            % {"code": page.code},
        )
        return _away(request, page)
    comment, error = "", ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        try:
            revision_decide(page=page, by=request.user, action=action, comment=comment)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("U mag dit niet beoordelen."))
            return _away(request, page)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            page.refresh_from_db()
            if action == "approve":
                version = page.versions.order_by("-published_at", "-pk").first()
                messages.success(
                    request,
                    _(
                        "Goedgekeurd en gepubliceerd: %(code)s versie %(v)s, geldig "
                        "vanaf %(d)s. De beoordelaars krijgen bericht."
                    )
                    % {
                        "code": page.code,
                        "v": version.version_label if version else "",
                        "d": format_date(
                            version.effective_date if version else None, year=True
                        ),
                    },
                )
            else:
                messages.success(
                    request,
                    _(
                        "Teruggestuurd: de portefeuillehouder Q ziet uw opmerking "
                        "bij %(code)s en past het concept aan."
                    )
                    % {"code": page.code},
                )
            return redirect("wagtailadmin_home")
    return render(
        request,
        "documents/admin/revision_review.html",
        _review_context(request, page, task_state, comment=comment, error=error),
        status=400 if error else 200,
    )


def _review_context(request, page, task_state, *, comment, error) -> dict:
    draft = page.get_latest_revision_as_object()
    live_version = page.versions.order_by("-published_at", "-pk").first()
    live = page.live_revision.as_object() if page.live and page.live_revision else None
    comparison = (
        procedure_compare(document_text(live), document_text(draft)) if live else None
    )
    today = timezone.localdate()
    change_request = draft.change_request
    complaint = change_request.complaint if change_request else None
    complaint_url = ""
    if (
        complaint is not None
        and complaints_visible_to(request.user).filter(pk=complaint.pk).exists()
    ):
        complaint_url = reverse("cases_admin:complaint", args=[complaint.pk])
    workflow_state = task_state.workflow_state
    return {
        "page": page,
        "draft": draft,
        "task_state": task_state,
        "workflow_state": workflow_state,
        "submitted_by": workflow_state.requested_by,
        "submitted_at": task_state.started_at,
        "live_version": live_version,
        "comparison": comparison,
        "change_request": change_request,
        "complaint": complaint,
        "complaint_url": complaint_url,
        "effective_date": effective_date_for(draft, live_version, today),
        "effective_on_publication": live_version is not None
        and not (
            draft.effective_date and draft.effective_date > live_version.effective_date
        ),
        "next_review": review_date_after_publication(draft, today),
        "preview_url": reverse(
            "wagtailadmin_pages:workflow_preview", args=[page.pk, task_state.task_id]
        ),
        "draft_pdf_url": reverse("documents:draft_pdf", args=[page.code]),
        "comment": comment,
        "error": error,
    }
