"""The appeals register in the admin: registering, the case page with only the steps
valid now for this user, and the logbook."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access

from ..forms import AppealAssignForm, AppealDecideForm, AppealLodgeForm
from ..models import Appeal
from ..selectors import (
    clients_visible_to,
    deciders,
    decisions_visible_to,
    get_visible_or_404,
    has_register_access,
)
from ..services import (
    appeal_acknowledge,
    appeal_assign_decider,
    appeal_decide,
    appeal_lodge,
    appeal_send_inadmissibility,
    appeal_send_outcome,
)
from ..transitions import APPEAL_TRANSITIONS, allowed_actions
from .errors import add_service_errors


@require_admin_access
@require_http_methods(["GET", "POST"])
def appeal_lodge_view(request):
    if not has_register_access(request.user):
        raise PermissionDenied
    form = AppealLodgeForm(
        request.POST or None,
        decisions=decisions_visible_to(request.user).filter(emailed_at__isnull=False),
        clients=clients_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = appeal_lodge(
                decision=data["decision"],
                appellant=data["appellant"],
                channel=data["channel"],
                received_at=data["received_at"],
                motivation=data["motivation"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            if appeal.inadmissible_reason:
                messages.warning(
                    request,
                    _("%(n)s is geregistreerd als niet-ontvankelijk: %(r)s.")
                    % {
                        "n": appeal.number,
                        "r": appeal.get_inadmissible_reason_display(),
                    },
                )
            else:
                messages.success(
                    request, _("%(n)s is geregistreerd.") % {"n": appeal.number}
                )
            return redirect("cases_admin:appeal", pk=appeal.pk)
    return render(
        request,
        "cases/admin/appeal_lodge.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


STEP_FORMS = {"assign_decider": AppealAssignForm, "decide": AppealDecideForm}


@require_admin_access
@require_http_methods(["GET", "POST"])
def appeal_detail(request, pk):
    appeal = get_visible_or_404(request.user, Appeal, pk=pk)
    steps = allowed_actions(APPEAL_TRANSITIONS, appeal, request.user)
    forms_by_action = {}
    for step in steps:
        data = request.POST if request.POST.get("action") == step.action else None
        if step.action == "assign_decider":
            forms_by_action[step.action] = AppealAssignForm(data, deciders=deciders())
        elif step.action == "decide":
            forms_by_action[step.action] = AppealDecideForm(data)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in {s.action for s in steps}:
            messages.error(request, _("Deze stap is nu niet mogelijk."))
            return redirect("cases_admin:appeal", pk=appeal.pk)
        form = forms_by_action.get(action)
        try:
            if action == "acknowledge":
                appeal_acknowledge(appeal=appeal, by=request.user)
            elif action == "send_inadmissibility":
                appeal_send_inadmissibility(appeal=appeal, by=request.user)
            elif action == "send_outcome":
                appeal_send_outcome(appeal=appeal, by=request.user)
            elif form is not None and form.is_valid():
                if action == "assign_decider":
                    appeal_assign_decider(
                        appeal=appeal,
                        decider=form.cleaned_data["decider"],
                        by=request.user,
                    )
                else:
                    appeal_decide(
                        appeal=appeal,
                        outcome=form.cleaned_data["outcome"],
                        motivation=form.cleaned_data["outcome_motivation"],
                        new_outcome=form.cleaned_data["new_outcome"],
                        non_discrimination_confirmed=form.cleaned_data[
                            "non_discrimination_confirmed"
                        ],
                        by=request.user,
                    )
            else:
                raise ValidationError(_("Controleer de ingevulde gegevens."))
        except (ValidationError, PermissionDenied) as exc:
            if form is not None:
                add_service_errors(form, exc)
            else:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                return redirect("cases_admin:appeal", pk=appeal.pk)
        else:
            messages.success(request, _("Stap vastgelegd."))
            return redirect("cases_admin:appeal", pk=appeal.pk)
    events = appeal.events.select_related("actor").order_by("at", "pk")
    return render(
        request,
        "cases/admin/appeal_detail.html",
        {
            "appeal": appeal,
            "steps": steps,
            "forms_by_action": forms_by_action,
            "events": events,
        },
        status=400 if any(f.errors for f in forms_by_action.values()) else 200,
    )
