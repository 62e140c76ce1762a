"""Every login, logout, failed login and lockout in the audit log (issue 18, item 1).

The audit log is Wagtail's log (the admin's site history, register roles only),
on the account concerned, with the time and the address. A failed login for a
username that does not exist has no account to log on; django-axes keeps it in
its own failure log, and the `portal.security` logger writes every event."""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.utils.functional import LazyObject, empty
from wagtail.log_actions import log

from portal.models import User

from .lockout import client_ip

logger = logging.getLogger("portal.security")


def _data(request) -> dict:
    if request is None:
        return {}
    return {"ip_address": client_ip(request), "path": request.path}


def real_user(user):
    # django-otp wraps request.user in a lazy object; Wagtail's log needs the
    # model instance itself to find its log model.
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def on_login(sender, request, user, **kwargs):
    user = real_user(user)
    log(user, "portal.login", user=user, data=_data(request))
    logger.info("login user=%s %s", user.get_username(), _data(request))


def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    user = real_user(user)
    log(user, "portal.logout", user=user, data=_data(request))
    logger.info("logout user=%s %s", user.get_username(), _data(request))


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    account = User.objects.filter(username=username).first() if username else None
    if account is not None:
        log(account, "portal.login.failed", user=None, data=_data(request))
    logger.warning("login failed username=%r %s", username, _data(request))


def on_locked_out(sender, request, username, ip_address, **kwargs):
    account = User.objects.filter(username=username).first() if username else None
    if account is not None:
        log(account, "portal.lockout", user=None, data=_data(request))
    logger.warning("lockout username=%r ip=%s", username, ip_address)


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="portal.audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="portal.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="portal.audit.failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="portal.audit.lockout")
