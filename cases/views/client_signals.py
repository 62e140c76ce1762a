"""Client signals on the front-end: quick to file on a phone after an audit day
(S1, S5); qualified by the quality officer from the dashboard (S3)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from files.filetypes import ALLOWED_DESCRIPTION

from ..forms import SignalForm, SignalQualifyForm
from ..forms.fields import MultipleFileField
from ..models import Client, Signal
from ..permissions import can_report_signal
from ..selectors import (
    complaints_visible_to,
    evidence_visible_to,
    get_visible_or_404,
    has_register_access,
)
from ..services import evidence_upload, signal_qualify, signal_record
from ..services.evidence import can_upload_evidence
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
            refused = _attach(request, signal, data["attachments"])
            if refused:
                # The signal is in; the files that were refused are not. Say so
                # as an error and lead to the signal's page to add them again.
                messages.error(
                    request,
                    _(
                        "Signaal %(n)s is doorgegeven aan de portefeuillehouder Q, "
                        "maar deze bijlagen zijn niet bewaard: %(files)s. Voeg ze "
                        "hieronder opnieuw toe."
                    )
                    % {"n": signal.number, "files": "; ".join(refused)},
                )
                return redirect("cases:signal", signal.pk)
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


def _attach(request, signal, uploads) -> list[str]:
    """Keep each uploaded file with the signal in the client's dossier (S1/S5);
    returns "name: reason" for every file that was refused (nothing of it kept)."""
    refused = []
    for upload in uploads:
        try:
            evidence_upload(
                client=signal.client,
                uploaded_file=upload,
                by=request.user,
                description=_("Bijlage bij signaal %(n)s") % {"n": signal.number},
                case=signal,
            )
        except (ValidationError, PermissionDenied) as exc:
            reason = " ".join(getattr(exc, "messages", [str(exc)]))
            refused.append(f"{upload.name}: {reason}")
    return refused


def _may_attach(user, signal) -> bool:
    """Who may add a file to a signal afterwards: its reporter and whoever may
    upload to the case (the register roles); only with a client, whose dossier
    keeps the file."""
    return signal.client_id is not None and can_upload_evidence(
        user, signal.client, case=signal
    )


def _visible_complaint(user, signal):
    return complaints_visible_to(user).filter(signal=signal).first()


class AttachForm(forms.Form):
    attachments = MultipleFileField(
        label=_("Bijlage toevoegen"),
        error_messages={"required": _("Kies een bestand om toe te voegen.")},
        help_text=ALLOWED_DESCRIPTION,
    )

    def clean_attachments(self):
        return [f for f in self.cleaned_data.get("attachments") or [] if f]


@require_http_methods(["GET", "POST"])
def signal_detail(request, pk):
    signal = get_visible_or_404(request.user, Signal, pk=pk)
    may_qualify = bool(allowed_actions(SIGNAL_TRANSITIONS, signal, request.user))
    attaching = request.method == "POST" and request.POST.get("action") == "attach"
    may_attach = _may_attach(request.user, signal)
    attach_form = AttachForm(
        request.POST if attaching else None, request.FILES if attaching else None
    )
    if attaching:
        if not may_attach:
            raise PermissionDenied
        if attach_form.is_valid():
            refused = _attach(request, signal, attach_form.cleaned_data["attachments"])
            for line in refused:
                attach_form.add_error("attachments", line)
            if not refused:
                messages.success(request, _("De bijlage is bij het signaal bewaard."))
                return redirect("cases:signal", signal.pk)
    form = (
        SignalQualifyForm((request.POST or None) if not attaching else None)
        if may_qualify
        else None
    )
    if request.method == "POST" and not attaching:
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
            "attach_form": attach_form if may_attach else None,
        },
        status=400 if (form is not None and form.errors) or attach_form.errors else 200,
    )
