"""Client signals on the front-end: quick to file on a phone after an audit day
(S1, S5); qualified by the quality officer from the dashboard (S3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import SignalForm, SignalQualifyForm
from ..models import Client, Signal
from ..permissions import can_report_signal
from ..selectors import (
    complaints_visible_to,
    evidence_visible_to,
    get_visible_or_404,
    has_register_access,
)
from ..services import evidence_upload, signal_qualify, signal_record
from ..transitions import SIGNAL_TRANSITIONS, allowed_actions
from .errors import add_service_errors


@require_http_methods(["GET", "POST"])
def signal_new(request):
    # Staff may name the client a remark came from (the list holds names only);
    # an external notary may not see the client list at all (E4).
    if not can_report_signal(request.user):
        raise Http404
    form = SignalForm(
        request.POST or None,
        request.FILES or None,
        clients=Client.objects.order_by("name"),
        initial={"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signal = signal_record(
                by=request.user,
                client=data["client"],
                channel=data["channel"],
                received_at=data["received_at"],
                description=data["description"],
                about_certificate_holder=data["about_certificate_holder"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            for upload in data["attachments"]:
                try:
                    evidence_upload(
                        client=signal.client,
                        uploaded_file=upload,
                        by=request.user,
                        description=_("Bijlage bij signaal %(n)s")
                        % {"n": signal.number},
                        case=signal,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    # The signal itself is in; say which file was not kept.
                    messages.warning(
                        request,
                        " ".join(getattr(exc, "messages", [str(exc)])),
                    )
            messages.success(
                request,
                _(
                    "Dank u. Signaal %(n)s is doorgegeven aan de portefeuillehouder Q, "
                    "die binnen 48 uur beslist of het een klacht is."
                )
                % {"n": signal.number},
            )
            return redirect("/")
    return render(
        request,
        "cases/signal_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _visible_complaint(user, signal):
    return complaints_visible_to(user).filter(signal=signal).first()


@require_http_methods(["GET", "POST"])
def signal_detail(request, pk):
    signal = get_visible_or_404(request.user, Signal, pk=pk)
    may_qualify = bool(allowed_actions(SIGNAL_TRANSITIONS, signal, request.user))
    form = SignalQualifyForm(request.POST or None) if may_qualify else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                signal_qualify(
                    signal=signal,
                    by=request.user,
                    is_complaint=form.cleaned_data["is_complaint"],
                    ground=form.cleaned_data["ground"],
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Signaal %(n)s is gekwalificeerd.") % {"n": signal.number},
                )
                signal.refresh_from_db()
                if signal.state == Signal.State.COMPLAINT and has_register_access(
                    request.user
                ):
                    # C1: straight on to registering the complaint.
                    return redirect("cases_admin:complaint_register", signal.pk)
                return redirect("/")
    return render(
        request,
        "cases/signal_detail.html",
        {
            "signal": signal,
            "form": form,
            "events": signal.events.select_related("actor").order_by("at", "pk"),
            "overdue": signal.is_overdue(),
            "complaint": _visible_complaint(request.user, signal),
            "files": evidence_visible_to(request.user)
            .filter(signal=signal)
            .order_by("uploaded_at"),
            "may_register": signal.state == Signal.State.COMPLAINT
            and has_register_access(request.user),
        },
        status=400 if form is not None and form.errors else 200,
    )
