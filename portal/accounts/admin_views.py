"""The admin page "Aanmelden en beveiliging" (register roles): who is locked out,
lifting a lockout, whose second factor is set up, resetting it, and the latest
logins, logouts and failures (issue 18, items 1 and 2)."""

from __future__ import annotations

from axes.models import AccessFailureLog, AccessLog
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User
from portal.roles import has_register_access, needs_second_factor

from . import second_factor
from .lockout import lockout_lift, lockouts_active

EVENTS_SHOWN = 50


def _guard(request) -> None:
    if not has_register_access(request.user):
        raise PermissionDenied


def _events():
    logins = [
        {
            "time": row.attempt_time,
            "username": row.username,
            "ip_address": row.ip_address,
            "what": _("Ingelogd"),
        }
        for row in AccessLog.objects.order_by("-attempt_time")[:EVENTS_SHOWN]
    ]
    logouts = [
        {
            "time": row.logout_time,
            "username": row.username,
            "ip_address": row.ip_address,
            "what": _("Uitgelogd"),
        }
        for row in AccessLog.objects.filter(logout_time__isnull=False).order_by(
            "-logout_time"
        )[:EVENTS_SHOWN]
    ]
    failures = [
        {
            "time": row.attempt_time,
            "username": row.username,
            "ip_address": row.ip_address,
            "what": _("Mislukte poging") if not row.locked_out else _("Geblokkeerd"),
        }
        for row in AccessFailureLog.objects.order_by("-attempt_time")[:EVENTS_SHOWN]
    ]
    rows = sorted(logins + logouts + failures, key=lambda r: r["time"], reverse=True)
    return rows[:EVENTS_SHOWN]


def security_index(request):
    _guard(request)
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    accounts = [
        user
        for user in User.objects.filter(is_active=True)
        .annotate(enrolled=Exists(enrolled))
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
        if needs_second_factor(user) or user.enrolled
    ]
    return render(
        request,
        "portal/admin/security.html",
        {
            "lockouts": lockouts_active(),
            "accounts": accounts,
            "events": _events(),
            "mode_required": second_factor.mode() == second_factor.REQUIRED,
        },
    )


@require_POST
def lockout_lift_view(request):
    _guard(request)
    username = request.POST.get("username", "")
    ip_address = request.POST.get("ip_address", "")
    if lockout_lift(username=username, ip_address=ip_address, by=request.user):
        messages.success(
            request,
            _("De blokkade van %(name)s vanaf %(ip)s is opgeheven.")
            % {"name": username, "ip": ip_address},
        )
    else:
        messages.warning(
            request,
            _("Er was geen blokkade meer voor %(name)s vanaf %(ip)s.")
            % {"name": username, "ip": ip_address},
        )
    return redirect("portal_security:index")


@require_POST
def second_factor_reset_view(request, pk: int):
    _guard(request)
    account = get_object_or_404(User, pk=pk)
    second_factor.second_factor_reset(account, by=request.user)
    messages.success(
        request,
        _(
            "De tweestapsverificatie van %(name)s is gewist. Bij de volgende keer "
            "inloggen stelt %(name)s de app opnieuw in."
        )
        % {"name": account},
    )
    return redirect("portal_security:index")
