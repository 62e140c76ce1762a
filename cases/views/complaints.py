"""The complaint case page in the admin and its registration (C1–C10): only the
steps valid now for this user, the logbook, the case's files, links to the
dossier."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access

from portal.formatting import format_date
from portal.roles import CORE_GROUP, ROLES_BY_CODE

from .. import forms as cf
from ..models import Complaint, Signal
from ..selectors import (
    clients_visible_to,
    get_visible_or_404,
    has_register_access,
    mediations_visible_to,
    with_uninformed_steps,
)
from ..services import (
    complaint_assign_handler,
    complaint_close,
    complaint_decide_anonymised,
    complaint_decide_follow_up,
    complaint_escalate,
    complaint_inform_parties,
    complaint_record_satisfaction,
    complaint_register,
    complaint_update_handling,
)
from ..services.complaints import (
    HANDLING_FIELDS,
    complaint_close_refusal,
    complaint_handler_refusal,
)
from ..transitions import COMPLAINT_TRANSITIONS
from .case_files import case_files, upload_form
from .corrections import (
    correction_done,
    correction_form,
    reopen_done,
    reopen_form,
    run_correction,
    run_reopen,
)
from .errors import add_service_errors
from .letter_preview import letter_step_urls, posted_letter_redirect
from .steps import StepView, handle_steps, not_yet, step_forms


def _core_group():
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=ROLES_BY_CODE[CORE_GROUP].name, is_active=True)
        .order_by("first_name", "last_name")
    )


@require_admin_access
@require_http_methods(["GET", "POST"])
def complaint_register_view(request, signal_pk):
    """C1: register a signal qualified as a complaint, with the C1 data."""
    if not has_register_access(request.user):
        raise PermissionDenied
    signal = get_visible_or_404(request.user, Signal, pk=signal_pk)
    existing = Complaint.objects.filter(signal=signal).first()
    if existing is not None:
        messages.info(request, _("Dit signaal is al geregistreerd als klacht."))
        return redirect("cases_admin:complaint", pk=existing.pk)
    form = cf.ComplaintRegisterForm(
        request.POST or None,
        clients=clients_visible_to(request.user).order_by("name"),
        initial={
            "client": signal.client_id,
            "description": signal.description,
            "formal_written": signal.channel
            in (Signal.Channel.EMAIL, Signal.Channel.LETTER)
            and signal.ground == Signal.Ground.LABELLED,
            "about": Complaint.About.CERTIFICATE_HOLDER
            if signal.about_certificate_holder
            else Complaint.About.ORGANISATION,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = complaint_register(
                signal=signal,
                by=request.user,
                client=data["client"],
                description=data["description"],
                formal_written=data["formal_written"],
                about=data["about"],
                complainant=data["complainant"],
                cause_analysis=data["cause_analysis"],
                references=data["references"],
                involved_staff=data["involved_staff"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(n)s is geregistreerd. Wijs nu een behandelaar aan; de "
                    "afhandeltermijn loopt tot %(d)s."
                )
                % {
                    "n": complaint.number,
                    "d": format_date(complaint.handle_by, year=True),
                },
            )
            return redirect("cases_admin:complaint", pk=complaint.pk)
    return render(
        request,
        "cases/admin/complaint_register.html",
        {"form": form, "signal": signal},
        status=400 if form.errors else 200,
    )


def _complaint_steps(request):
    def handler_form(data, case):
        return cf.HandlerForm(data, candidates=_core_group(), complaint=case)

    def handling_form(data, case):
        initial = {name: getattr(case, name) for name in HANDLING_FIELDS}
        initial["involved_staff"] = list(case.involved_staff.all())
        return cf.HandlingForm(data, initial=initial, complaint=case)

    def run_handling(case, user, d):
        complaint_update_handling(
            complaint=case,
            by=user,
            involved_staff=d["involved_staff"],
            note=d["note"],
            **{name: d[name] for name in HANDLING_FIELDS},
        )

    def anonymised_form(data, case):
        return cf.AnonymisedForm(
            data,
            initial={
                "anonymised": "1" if case.discuss_anonymised else "0",
                "anonymised_summary": case.anonymised_summary,
            },
        )

    return {
        "assign_handler": StepView(
            handler_form,
            lambda c, u, d: complaint_assign_handler(
                complaint=c, handler=d["handler"], by=u
            ),
        ),
        "update_handling": StepView(handling_form, run_handling),
        "record_satisfaction": StepView(
            lambda data, case: cf.SatisfactionForm(data),
            lambda c, u, d: complaint_record_satisfaction(
                complaint=c, by=u, note=d["satisfaction_note"], at=d["satisfied_at"]
            ),
        ),
        "close": StepView(
            lambda data, case: cf.CloseForm(data),
            lambda c, u, d: complaint_close(complaint=c, by=u, note=d["note"]),
        ),
        "escalate": StepView(
            lambda data, case: cf.EscalateForm(data),
            lambda c, u, d: complaint_escalate(complaint=c, by=u, reason=d["reason"]),
        ),
        "decide_anonymised": StepView(
            anonymised_form,
            lambda c, u, d: complaint_decide_anonymised(
                complaint=c,
                by=u,
                anonymised=d["anonymised"],
                summary=d["anonymised_summary"],
            ),
        ),
        "inform_parties": StepView(
            lambda data, case: cf.InformPartiesForm(data),
            lambda c, u, d: complaint_inform_parties(
                complaint=c,
                by=u,
                holder_informed_at=d["holder_informed_at"],
                team_leader_informed_at=d["team_leader_informed_at"],
            ),
        ),
        # Issue 16: reopening and correcting (cases.services.corrections).
        "reopen": StepView(reopen_form, run_reopen, reopen_done),
        "correct": StepView(correction_form, run_correction, correction_done),
        "decide_follow_up": StepView(
            lambda data, case: cf.FollowUpForm(data),
            lambda c, u, d: complaint_decide_follow_up(
                complaint=c,
                by=u,
                follow_up=d["follow_up"],
                motivation=d["motivation"],
                special_audit_start=d["special_audit_start"],
                team_leader=d["team_leader"],
            ),
        ),
    }


@require_admin_access
@require_http_methods(["GET", "POST"])
def complaint_detail(request, pk):
    complaint = get_visible_or_404(
        request.user,
        Complaint,
        pk=pk,
    )
    complaint = (
        Complaint.objects.select_related(
            "client", "handler", "signal", "special_audit", "registered_by"
        )
        .prefetch_related("involved_staff")
        .get(pk=complaint.pk)
    )
    # A letter step (C3, C7) opens its preview, which sends; never from here.
    letter = posted_letter_redirect(request, complaint)
    if letter is not None:
        return letter
    steps, forms_by_action, response = handle_steps(
        request,
        complaint,
        COMPLAINT_TRANSITIONS,
        _complaint_steps(request),
        "cases_admin:complaint",
    )
    if response is not None:
        return response
    involved_ids = {u.pk for u in complaint.involved_staff.all()}
    handler_candidates = [
        (
            u,
            complaint_handler_refusal(
                complaint, u, involved_ids=involved_ids, in_core_group=True
            ),
        )
        for u in _core_group()
    ]
    return render(
        request,
        "cases/admin/complaint_detail.html",
        {
            "complaint": complaint,
            "step_forms": step_forms(steps, forms_by_action),
            "letter_urls": letter_step_urls(complaint, steps),
            "steps_not_yet": not_yet(COMPLAINT_TRANSITIONS, complaint, request.user),
            "forms_by_action": forms_by_action,
            "events": complaint.events.select_related("actor").order_by("at", "pk"),
            "files": case_files(request.user, complaint, "complaint"),
            "upload_form": upload_form(request.user, complaint, complaint.client),
            "mediations": with_uninformed_steps(
                mediations_visible_to(request.user)
                .filter(complaint=complaint)
                .order_by("registered_at")
            ),
            "close_refusal": complaint_close_refusal(complaint)
            if complaint.state != Complaint.State.CLOSED
            else "",
            "overdue": complaint.is_overdue(),
            "signal_visible": has_register_access(request.user)
            or complaint.signal.reported_by_id == request.user.pk,
            "handler_candidates": handler_candidates,
            "change_requests": complaint.change_requests.prefetch_related(
                "procedures", "versions__page"
            ),
        },
        status=400 if any(f.errors for f in forms_by_action.values()) else 200,
    )
