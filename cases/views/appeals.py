"""The appeals register in the admin: registering, the case page with only the steps
valid now for this user, and the logbook. The case page puts in front of the
decider what they judge (A8): the admissibility checks with their results, the
contested decision with its motivation, audit, team and documents, and any other
appeal against the same decision."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
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
from ..selectors_appeals import (
    NOT_MET,
    appeal_admissibility_checks,
    appeals_awaiting_certificate,
    contested_decision_for,
    other_appeals_against,
)
from ..services import (
    appeal_assign_decider,
    appeal_decide,
    appeal_lodge,
)
from ..services.appeals import appeal_confirm_certificate
from ..services.corrections import appeal_reassess
from ..transitions import APPEAL_TRANSITIONS, allowed_actions, steps_not_yet
from .corrections import correction_done, correction_form, run_correction
from .errors import add_service_errors
from .letter_preview import letter_preview_url, letter_step
from .steps import confirm_refusal


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
            _warn_other_appeals(request, appeal)
            return redirect("cases_admin:appeal", pk=appeal.pk)
    return render(
        request,
        "cases/admin/appeal_lodge.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _warn_other_appeals(request, appeal) -> None:
    """Issue 16, item 8: a second appeal against the same decision is registered
    like any other (`other_appeals_against` says why); the register is told at
    once, so that both are handled together."""
    others = other_appeals_against(request.user, appeal.decision, excluding=appeal)
    if others:
        messages.warning(
            request,
            _(
                "Tegen dezelfde beslissing loopt al %(others)s. Behandel de beroepen "
                "samen en wijs dezelfde certificatiebeslisser aan: er komt één "
                "uitkomst per beslissing."
            )
            % {"others": ", ".join(o.appeal.number for o in others)},
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
            forms_by_action[step.action] = AppealAssignForm(
                data, deciders=deciders(), appeal=appeal
            )
        elif step.action == "decide":
            forms_by_action[step.action] = AppealDecideForm(data)
        elif step.action == "correct":
            forms_by_action[step.action] = correction_form(data, appeal)
        elif step.confirm and letter_step(appeal, step.action) is None:
            # Issue 16: a step that cannot be undone asks for the tick first
            # (case_steps.html); this form carries the error when it is missing.
            # A letter step asks for it in its preview, before "Versturen".
            forms_by_action[step.action] = forms.Form(data)
    done = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in {s.action for s in steps}:
            messages.error(request, _("Deze stap is nu niet mogelijk."))
            return redirect("cases_admin:appeal", pk=appeal.pk)
        form = forms_by_action.get(action)
        if letter_step(appeal, action) is not None:
            # A letter is seen before it leaves: its preview sends it (A3/A4,
            # A6, A8), nothing is sent from here.
            return redirect(letter_preview_url(appeal, action))
        try:
            unconfirmed = confirm_refusal(
                request, next(s for s in steps if s.action == action)
            )
            if unconfirmed:
                raise ValidationError(unconfirmed)
            if action == "confirm_certificate":
                appeal_confirm_certificate(appeal=appeal, by=request.user)
            elif action == "reassess":
                appeal_reassess(appeal=appeal, by=request.user)
                done = _(
                    "%(n)s is opnieuw beoordeeld en ontvankelijk; bevestig nu de "
                    "ontvangst."
                ) % {"n": appeal.number}
            elif action == "correct":
                if not form.is_valid():
                    raise ValidationError(_("Controleer de ingevulde gegevens."))
                run_correction(appeal, request.user, form.cleaned_data)
                appeal.refresh_from_db()
                done = correction_done(appeal, form.cleaned_data)
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
            messages.success(request, done or _("Stap vastgelegd."))
            return redirect("cases_admin:appeal", pk=appeal.pk)
    events = appeal.events.select_related("actor").order_by("at", "pk")
    checks = appeal_admissibility_checks(appeal)
    return render(
        request,
        "cases/admin/appeal_detail.html",
        {
            "appeal": appeal,
            "steps": steps,
            "step_forms": [(s, forms_by_action.get(s.action)) for s in steps],
            "steps_not_yet": steps_not_yet(APPEAL_TRANSITIONS, appeal, request.user),
            "forms_by_action": forms_by_action,
            "events": events,
            "checks": checks,
            "checks_not_met": [c for c in checks if c.result == NOT_MET],
            "contested": contested_decision_for(request.user, appeal),
            "other_appeals": other_appeals_against(
                request.user, appeal.decision, excluding=appeal
            ),
            "certificate_task": appeals_awaiting_certificate()
            .filter(pk=appeal.pk)
            .exists(),
            # Certificates are kept by the register roles (`certificate_issue`).
            "certificate_add_url": reverse("wagtailsnippets_cases_certificate:add")
            if has_register_access(request.user)
            else "",
        },
        status=400 if any(f.errors for f in forms_by_action.values()) else 200,
    )
