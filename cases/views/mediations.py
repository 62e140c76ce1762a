"""The mediation case page and its registration (E1–E6)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access

from .. import forms as cf
from ..models import Mediation
from ..selectors import (
    decisions_visible_to,
    eligible_notaries,
    get_visible_or_404,
    has_register_access,
    with_uninformed_steps,
)
from ..services import (
    mediation_choose,
    mediation_close,
    mediation_consent,
    mediation_evaluate,
    mediation_inform_claimant,
    mediation_open,
    mediation_propose,
    mediation_record_session,
    mediation_withdraw,
)
from ..transitions import MEDIATION_TRANSITIONS
from .case_files import case_files, upload_form
from .errors import add_service_errors
from .letter_preview import letter_step_urls, posted_letter_redirect
from .steps import StepView, handle_steps, not_yet, step_forms


def _mediation_steps(request):
    def informed(d):
        return bool(d.get("claimant_informed"))

    return {
        "propose": StepView(
            lambda data, case: cf.ProposeForm(data, candidates=eligible_notaries(case)),
            lambda c, u, d: mediation_propose(
                mediation=c, notaries=d["notaries"], by=u
            ),
        ),
        "choose": StepView(
            lambda data, case: cf.ChooseForm(data, candidates=case.proposed.all()),
            lambda c, u, d: mediation_choose(
                mediation=c, notary=d["notary"], by=u, claimant_informed=informed(d)
            ),
        ),
        "consent": StepView(
            lambda data, case: cf.ConsentForm(data),
            lambda c, u, d: mediation_consent(
                mediation=c,
                by=u,
                claimant_consent_at=d["claimant_consent_at"],
                organisation_consent_at=d["organisation_consent_at"],
                procedure_codes=d.get("procedure_codes", ()),
                claimant_informed=informed(d),
            ),
        ),
        "record_session": StepView(
            lambda data, case: cf.SessionForm(data),
            lambda c, u, d: mediation_record_session(
                mediation=c,
                by=u,
                session_at=d["session_at"],
                expected_duration=d["expected_duration"],
                claimant_informed=informed(d),
            ),
        ),
        "evaluate": StepView(
            lambda data, case: cf.EvaluateForm(data),
            lambda c, u, d: mediation_evaluate(
                mediation=c,
                by=u,
                outcome=d["outcome"],
                evaluation=d["evaluation"],
                actions=d["actions"],
                claimant_informed=informed(d),
            ),
        ),
        "close": StepView(
            lambda data, case: cf.MediationCloseForm(data),
            lambda c, u, d: mediation_close(
                mediation=c, by=u, note=d["note"], claimant_informed=informed(d)
            ),
        ),
        "withdraw": StepView(
            lambda data, case: cf.WithdrawForm(data),
            lambda c, u, d: mediation_withdraw(
                mediation=c, by=u, note=d["note"], claimant_informed=informed(d)
            ),
        ),
        "inform_claimant": StepView(
            lambda data, case: cf.InformClaimantForm(data),
            lambda c, u, d: mediation_inform_claimant(
                mediation=c, by=u, how=d["how"], send_letter=d["send_letter"]
            ),
        ),
    }


@require_admin_access
@require_http_methods(["GET", "POST"])
def mediation_detail(request, pk):
    mediation = get_visible_or_404(request.user, Mediation, pk=pk)
    mediation = (
        with_uninformed_steps(Mediation.objects.all())
        .select_related("claimant", "complaint", "decision", "notary")
        .get(pk=mediation.pk)
    )
    # A letter (E2, and E6 when sent as a letter) opens its preview, which
    # sends; never from here.
    letter = posted_letter_redirect(request, mediation)
    if letter is not None:
        return letter
    steps, forms_by_action, response = handle_steps(
        request,
        mediation,
        MEDIATION_TRANSITIONS,
        _mediation_steps(request),
        "cases_admin:mediation",
    )
    if response is not None:
        return response
    # "inform the claimant" is always possible; show it last, apart.
    return render(
        request,
        "cases/admin/mediation_detail.html",
        {
            "mediation": mediation,
            "step_forms": step_forms(
                [s for s in steps if s.action != "inform_claimant"], forms_by_action
            ),
            "inform_step_forms": step_forms(
                [s for s in steps if s.action == "inform_claimant"], forms_by_action
            ),
            "letter_urls": letter_step_urls(mediation, steps),
            "steps_not_yet": not_yet(MEDIATION_TRANSITIONS, mediation, request.user),
            "forms_by_action": forms_by_action,
            "events": mediation.events.select_related("actor").order_by("at", "pk"),
            "files": case_files(request.user, mediation, "mediation"),
            "upload_form": upload_form(request.user, mediation, mediation.claimant),
            "proposed": mediation.proposed.all(),
        },
        status=400 if any(f.errors for f in forms_by_action.values()) else 200,
    )


@require_admin_access
@require_http_methods(["GET", "POST"])
def mediation_open_view(request):
    """E1: a client disagrees with a certification decision and no acceptable
    solution was found: escalate the decision to an external mediator."""
    if not has_register_access(request.user):
        raise PermissionDenied
    form = cf.MediationOpenForm(
        request.POST or None,
        decisions=decisions_visible_to(request.user).filter(emailed_at__isnull=False),
    )
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            mediation = mediation_open(
                by=request.user,
                claimant=decision.audit.client,
                reason=form.cleaned_data["reason"],
                decision=decision,
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(n)s is geregistreerd. Stel nu drie notarissen voor.")
                % {"n": mediation.number},
            )
            return redirect("cases_admin:mediation", pk=mediation.pk)
    return render(
        request,
        "cases/admin/mediation_open.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
