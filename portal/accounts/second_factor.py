"""The second factor (django-otp): a TOTP app, and ten one-time recovery codes.

``PORTAL_SECOND_FACTOR = "required"`` (production): every account that sees dossiers
or the register (`portal.roles.needs_second_factor`) enrols at its next login and
gives a code after each password. ``"optional"`` (dev, tests, `make run`): only
accounts that enrolled by choice are asked for a code. Until the code is given,
`portal.accounts.middleware.SecondFactorMiddleware` lets the session reach nothing
but the enrolment and verification pages and logout."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from portal.roles import needs_second_factor

from .audit import real_user
from .lockout import client_ip

REQUIRED = "required"
OPTIONAL = "optional"
ENROL = "enrol"
VERIFY = "verify"
APP_DEVICE_NAME = "Authenticator-app"
RECOVERY_DEVICE_NAME = "Herstelcodes"
#: The length of an app's code (TOTPDevice's default, which enrolment keeps).
APP_DIGITS = 6


def mode() -> str:
    value = getattr(settings, "PORTAL_SECOND_FACTOR", OPTIONAL)
    if value not in (REQUIRED, OPTIONAL):
        raise ImproperlyConfigured(
            f"PORTAL_SECOND_FACTOR moet 'required' of 'optional' zijn, niet {value!r}."
        )
    return value


CLEAR_KEY = "_portal_second_factor_clear"


def pending(request) -> str | None:
    """What the session still owes: ``"enrol"`` (no app yet, but one is
    required), ``"verify"`` (a code after the password), or None.

    A session found to owe nothing without a verified device (no device, and
    none required) remembers that for its user, so that the check costs no query
    on the following requests; enrolling verifies the session anyway, and a
    device reset by a colleague ends the verified state through django-otp."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return None
    session = getattr(request, "session", None)
    if session is not None and session.get(CLEAR_KEY) == [user.pk, mode()]:
        return None
    if user_has_device(user, confirmed=True):
        return VERIFY
    if mode() == REQUIRED and needs_second_factor(user):
        return ENROL
    if session is not None:
        session[CLEAR_KEY] = [user.pk, mode()]
    return None


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    qr_svg: str
    key: str  # base32, in groups of four


def enrolment_start(user) -> Enrolment:
    """The unconfirmed app device of ``user`` (the same one on a reload, so that
    the key already scanned stays valid), with its QR code and key."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, confirmed=False
        )
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8
    )
    svg = image.to_string(encoding="unicode")
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    key = " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    return Enrolment(device=device, qr_svg=svg, key=key)


def enrolment_confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with the first code from the app; on success the
    session is verified and ten new recovery codes are returned (shown once).
    None when the code is wrong (counted as a failed login)."""
    if device.user_id != request.user.pk or not device.verify_token(_clean(code)):
        _report_failure(request)
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_renew(request.user)
        log(
            real_user(request.user),
            "portal.second_factor.enrolled",
            user=request.user,
            data={"ip_address": client_ip(request)},
        )
    otp_login(request, device)
    return codes


def recovery_codes_renew(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(settings.PORTAL_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify(request, code: str) -> bool:
    """Check a code from the app or a recovery code; on success the session is
    verified (a recovery code is used up). A wrong code counts as a failed login
    for the lockout."""
    device = _matching_device(request.user, _clean(code))
    if device is None:
        _report_failure(request)
        return False
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        log(
            real_user(request.user),
            "portal.second_factor.recovery_used",
            user=request.user,
            data={
                "ip_address": client_ip(request),
                "left": recovery_codes_left(request.user),
            },
        )
    return True


def _matching_device(user, code: str):
    """The device that accepts ``code``, or None. The code goes only to the
    device its shape names: six digits to the app, anything else to the
    recovery codes (eight letters and digits). Offering it to every device,
    as django-otp's ``match_token`` does, counts it as a failure on the other
    one, whose throttling then refused the next right code for a second or
    more: a recovery code held the app's next code back, and a mistyped
    recovery code too."""
    from_app = code.isdigit() and len(code) == APP_DIGITS
    model = TOTPDevice if from_app else StaticDevice
    with transaction.atomic():
        # Locked, so that one code cannot pass twice in concurrent requests.
        for device in model.objects.devices_for_user(user).select_for_update():
            if device.verify_token(code):
                return device
    return None


def second_factor_reset(user, *, by) -> int:
    """Remove every device of ``user`` (a lost phone): at the next login the
    account enrols again. Only register roles call this (the admin view checks)."""
    with transaction.atomic():
        count = TOTPDevice.objects.filter(user=user).delete()[0]
        count += StaticDevice.objects.filter(user=user).delete()[0]
        log(user, "portal.second_factor.reset", user=by, data={})
    return count


def _clean(code: str) -> str:
    return "".join((code or "").split()).lower()


def _report_failure(request) -> None:
    # Through Django's own signal, so that django-axes counts it towards the
    # lockout exactly like a wrong password, and the audit log records it.
    user_login_failed.send(
        sender=__name__,
        credentials={"username": request.user.get_username()},
        request=request,
    )
