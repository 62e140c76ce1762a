"""The pages of the second factor, the lockout response, and the throttled
password reset (issue 18)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.account import PasswordResetView

from . import second_factor
from .lockout import client_ip, locked_until, password_reset_allowed

LOGIN_TEMPLATE = "registration/login.html"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "code-input",
            }
        ),
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' response for a locked (username, address) pair: the login page
    with a Dutch message saying when to try again; the same for an account that
    does not exist, so that nothing is revealed."""
    credentials = credentials or {}
    username = credentials.get("username") or request.POST.get("username", "")
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        # A wrong second-factor code locked the account: end the half session.
        username = username or request.user.get_username()
        logout(request)
    until = locked_until(username, client_ip(request) or "") or (
        timezone.now() + settings.AXES_COOLOFF_TIME
    )
    return render(
        request,
        LOGIN_TEMPLATE,
        {"locked_until": timezone.localtime(until), "next": _next_url(request)},
        status=429,
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def enrol(request):
    """Enrol an authenticator app: QR code and key, then the first code."""
    if second_factor.pending(request) == second_factor.VERIFY:
        return redirect("portal:second_factor_verify")
    if request.method == "GET" and second_factor.is_enrolled(request.user):
        # Enrolled and verified: renewing the app happens after a reset.
        return render(
            request,
            "portal/accounts/enrolled.html",
            {"left": second_factor.recovery_codes_left(request.user)},
        )
    enrolment = second_factor.enrolment_start(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = TOTPDevice.objects.get(pk=enrolment.device.pk)
        codes = second_factor.enrolment_confirm(
            request, device, form.cleaned_data["code"]
        )
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if codes is not None:
            return render(
                request,
                "portal/accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            _(
                "Deze code klopt niet. Controleer of de tijd op uw telefoon goed "
                "staat en typ de zes cijfers die de app nu toont."
            ),
        )
    return render(
        request,
        "portal/accounts/enrol.html",
        {
            "form": form,
            "enrolment": enrolment,
            "required": second_factor.pending(request) == second_factor.ENROL,
            "next": _next_url(request),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request):
    """The code after the password (from the app, or a recovery code)."""
    owed = second_factor.pending(request)
    if owed == second_factor.ENROL:
        return redirect("portal:second_factor_enrol")
    if owed is None:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        if getattr(request, "axes_locked_out", False) or locked_until(
            request.user.get_username(), client_ip(request) or ""
        ):
            return lockout_response(request)
        form.add_error(
            "code",
            _(
                "Deze code klopt niet. Typ de zes cijfers die uw app nu toont, of "
                "een van uw herstelcodes."
            ),
        )
    return render(
        request,
        "portal/accounts/verify.html",
        {"form": form, "next": _next_url(request)},
    )


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's password reset, refused for an address that asked too often
    (the same message and wait as a login lockout)."""

    def post(self, request, *args, **kwargs):
        if not password_reset_allowed(request):
            return lockout_response(request)
        return super().post(request, *args, **kwargs)
