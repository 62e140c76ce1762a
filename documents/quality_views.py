"""Read acknowledgements (C10), the acknowledgement report, periodic review and
change requests (complaint → revision)."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin.auth import require_admin_access

from cases.selectors import complaint_visible_or_404
from portal.formatting import format_date

from .models import (
    ProcedurePage,
    ProcedureVersion,
)
from .permissions import can_manage_quality_system
from .selectors import (
    acknowledgement_rows,
    acknowledgement_totals,
    change_requests,
    procedures_due_for_review,
    procedures_with_versions,
)
from .services import (
    acknowledgement_record,
    change_request_open,
    review_record_no_change,
)
from .views import access_procedure


@require_POST
def acknowledge(request, code, label):
    """ "Gelezen en begrepen" for one published version."""
    version = get_object_or_404(
        ProcedureVersion.objects.select_related("page"),
        page__code=code,
        version_label=label,
    )
    if not version.page.live:
        raise Http404
    # A procedure the reader may not open (an external notary's, E4) is not
    # hers to acknowledge either: the same 404 as a missing one.
    access_procedure(request.user, code)
    acknowledgement_record(version=version, user=request.user)
    messages.success(
        request,
        _("Vastgelegd: u hebt %(code)s versie %(v)s gelezen en begrepen.")
        % {"code": code, "v": label},
    )
    return redirect(version.page.url)


# -- reports for the quality officer -----------------------------------------


class AckFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("alle")),
            ("open", gettext_lazy("nog niet gelezen")),
            ("overdue", gettext_lazy("te laat")),
            ("done", gettext_lazy("gelezen")),
        ],
    )
    procedure = forms.ModelChoiceField(
        label=gettext_lazy("Procedure"),
        queryset=ProcedurePage.objects.none(),
        required=False,
        empty_label=gettext_lazy("alle"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read tasks exist for published versions only: a draft that was never
        # published is nobody's business here (nor its title).
        self.fields["procedure"].queryset = procedures_with_versions()


def _ack_rows(form):
    if not form.is_valid():
        return acknowledgement_rows()
    return acknowledgement_rows(
        status=form.cleaned_data["status"],
        procedure=form.cleaned_data["procedure"],
    )


def _status(ack, today) -> str:
    if ack.acknowledged_at:
        return str(_("gelezen"))
    return str(_("te laat")) if today > ack.due_on else str(_("open"))


@require_admin_access
def acknowledgement_report(request):
    """Procedure x person: status, due date, overdue; CSV export."""
    if not can_manage_quality_system(request.user) and not request.user.has_perm(
        "cases.view_register"
    ):
        raise PermissionDenied
    form = AckFilterForm(request.GET or None)
    rows = list(_ack_rows(form))
    today = timezone.localdate()
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(
            ["Procedure", "Versie", "Medewerker", "Uiterlijk", "Status", "Gelezen op"]
        )
        for a in rows:
            writer.writerow(
                [
                    f"{a.version.page.code} {a.version.title}",
                    a.version.version_label,
                    a.user.get_full_name() or a.user.username,
                    a.due_on.strftime("%d-%m-%Y"),
                    _status(a, today),
                    timezone.localtime(a.acknowledged_at).strftime("%d-%m-%Y %H:%M")
                    if a.acknowledged_at
                    else "",
                ]
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        # Who read what: the same headers as the register's exports.
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"leesbevestigingen-{today:%Y-%m-%d}.csv"
        )
        response["X-Content-Type-Options"] = "nosniff"
        add_never_cache_headers(response)
        return response
    totals = acknowledgement_totals()
    return render(
        request,
        "documents/admin/acknowledgements.html",
        {
            "form": form,
            "rows": [(a, _status(a, today)) for a in rows],
            "totals": totals,
        },
    )


@require_admin_access
@require_http_methods(["GET", "POST"])
def review_report(request):
    """Periodic review: procedures due within 60 days or overdue, with the action
    "geen wijziging nodig" that records the review and moves the date on."""
    if not can_manage_quality_system(request.user) and not request.user.has_perm(
        "cases.view_register"
    ):
        raise PermissionDenied
    today = timezone.localdate()
    if request.method == "POST":
        page = get_object_or_404(ProcedurePage, pk=request.POST.get("page"))
        try:
            review = review_record_no_change(
                page=page, by=request.user, note=request.POST.get("note", "")
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "%(code)s beoordeeld: geen wijziging nodig. Volgende "
                    "beoordeling: %(d)s."
                )
                % {
                    "code": page.code,
                    "d": format_date(review.next_review_date, year=True),
                },
            )
        return redirect("documents_admin:reviews")
    horizon = today + timezone.timedelta(days=60)
    pages = procedures_due_for_review(horizon)
    return render(
        request,
        "documents/admin/reviews.html",
        {
            "rows": [(p, p.review_date < today) for p in pages],
            "today": today,
            "may_review": can_manage_quality_system(request.user),
        },
    )


class ChangeRequestForm(forms.Form):
    procedures = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Te wijzigen procedures"),
        queryset=ProcedurePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Kies de procedure(s).")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Wat moet er veranderen en waarom?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Beschrijf de wijziging.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].queryset = ProcedurePage.objects.filter(
            live=True
        ).order_by("code")
        self.fields["procedures"].label_from_instance = lambda p: f"{p.code} {p.title}"


@require_admin_access
@require_http_methods(["GET", "POST"])
def change_request_new(request, complaint_pk):
    """C10: from a complaint marked "leads to a change"."""
    complaint = complaint_visible_or_404(request.user, complaint_pk)
    if not can_manage_quality_system(request.user):
        raise PermissionDenied
    form = ChangeRequestForm(
        request.POST or None, initial={"reason": complaint.change_note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            change_request_open(
                complaint=complaint,
                procedures=form.cleaned_data["procedures"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Wijzigingsverzoek geopend. Kies het bij de herziening van de "
                    "procedure (tabblad 'Herziening')."
                ),
            )
            return redirect("cases_admin:complaint", pk=complaint.pk)
    return render(
        request,
        "documents/admin/change_request_new.html",
        {"form": form, "complaint": complaint},
        status=400 if form.errors else 200,
    )


@require_admin_access
def change_request_list(request):
    if not request.user.has_perm("cases.view_register"):
        raise PermissionDenied
    requests = change_requests()
    return render(
        request, "documents/admin/change_requests.html", {"requests": requests}
    )
