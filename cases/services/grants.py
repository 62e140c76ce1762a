"""Granting and revoking per-object access (guardian direct-FK tables)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from portal.formatting import format_date

from ..deadlines import LOCAL, end_of_local_day
from ..models import (
    Audit,
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    Client,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
)
from ..permissions import has_register_access, works_for_the_organisation
from .notaries import notary_account_sync

_TABLES = {
    Client: (ClientUserObjectPermission, ClientGroupObjectPermission, "view_client"),
    Audit: (AuditUserObjectPermission, AuditGroupObjectPermission, "view_audit"),
}


def _check_may_grant(by) -> None:
    # Only those who keep the register hand out access to it. `by=None` is the
    # system itself (a service implementing a rule, e.g. E4 on double consent).
    if by is not None and not has_register_access(by):
        raise PermissionDenied(
            _("Alleen wie het register beheert, kan toegang verlenen of intrekken.")
        )


def _check_keeps_register(by) -> None:
    # A person's decision, never the system's: `by` is required here.
    if by is None:
        raise PermissionDenied(
            _("Alleen wie het register beheert, kan toegang verlenen of intrekken.")
        )
    _check_may_grant(by)


def _grant(obj, *, user=None, group=None, by, reason: str, expires_at=None):
    if (user is None) == (group is None):
        raise ValueError("Give exactly one of user or group.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(
            {"expires_at": _("De vervaldatum ligt in het verleden. Kies een latere.")}
        )
    _check_may_grant(by)
    user_model, group_model, codename = _TABLES[type(obj)]
    perm = Permission.objects.get(content_type__app_label="cases", codename=codename)
    model, holder = (
        (user_model, {"user": user}) if user else (group_model, {"group": group})
    )
    with transaction.atomic():
        grant, created = model.objects.select_for_update().get_or_create(
            permission=perm,
            content_object=obj,
            **holder,
            defaults={"expires_at": expires_at, "granted_by": by, "reason": reason},
        )
        if not created:
            grant.expires_at = expires_at
            grant.granted_by = by
            grant.reason = reason
            grant.save(update_fields=["expires_at", "granted_by", "reason"])
        log(
            obj,
            "portal.grant",
            user=by,
            data={
                "holder": str(user or group),
                "holder_kind": "user" if user else "group",
                "permission": codename,
                "expires_at": expires_at.isoformat() if expires_at else None,
                "reason": reason,
            },
        )
    return grant


def _revoke(obj, *, user=None, group=None, by, reason: str) -> int:
    _check_may_grant(by)
    user_model, group_model, codename = _TABLES[type(obj)]
    model, holder = (
        (user_model, {"user": user}) if user else (group_model, {"group": group})
    )
    with transaction.atomic():
        deleted, _rows = model.objects.filter(content_object=obj, **holder).delete()
        if deleted:
            log(
                obj,
                "portal.revoke",
                user=by,
                data={
                    "holder": str(user or group),
                    "permission": codename,
                    "reason": reason,
                },
            )
    return deleted


def dossier_access_grant(
    *,
    client: Client,
    user=None,
    group=None,
    by,
    reason: str,
    expires_at: datetime.datetime | None = None,
):
    """Give ``user`` (or ``group``) read access to the whole dossier of ``client``,
    optionally ending by itself at ``expires_at`` (E4: a notary's access).

    Raises PermissionDenied unless ``by`` keeps the register (or is None: the
    system applying a rule); ValidationError for an expiry in the past."""
    return _grant(
        client, user=user, group=group, by=by, reason=reason, expires_at=expires_at
    )


def dossier_access_revoke(*, client: Client, user=None, group=None, by, reason: str):
    """End a dossier grant at once; effective in every listing and search. An
    external notary whose last grant this was loses her account (E4)."""
    deleted = _revoke(client, user=user, group=group, by=by, reason=reason)
    notary_account_sync(user=user, reason=reason)
    return deleted


def grant_max_days() -> int:
    """How far ahead a colleague's access may end (``PORTAL_GRANT_MAX_DAYS``)."""
    return getattr(settings, "PORTAL_GRANT_MAX_DAYS", 90)


def dossier_access_grant_to_colleague(
    *,
    client: Client,
    user,
    by,
    reason: str,
    until: datetime.date | None,
    today: datetime.date | None = None,
):
    """C4: the quality officer lets a colleague she consults see the whole dossier
    for a while, without making them its handler. Access runs through ``until``
    (the whole day, Europe/Amsterdam) and ends by itself.

    Raises PermissionDenied unless ``by`` keeps the register; ValidationError
    (all at once, per field) without a colleague who works for the organisation,
    without a reason, without an end date, or for an end date in the past or more
    than `grant_max_days` ahead."""
    _check_keeps_register(by)
    today = today or timezone.now().astimezone(LOCAL).date()
    limit = grant_max_days()
    errors: dict[str, str] = {}
    if user is None or not user.is_active or not works_for_the_organisation(user):
        errors["user"] = _("Kies een actieve collega van de organisatie.")
    elif has_register_access(user):
        errors["user"] = _(
            "%(name)s ziet het hele register al; toegang verlenen is niet nodig."
        ) % {"name": user}
    if not (reason or "").strip():
        errors["reason"] = _(
            "Geef een reden op: waarom heeft deze collega het dossier nodig?"
        )
    if until is None:
        errors["until"] = _("Geef aan tot en met welke datum de toegang geldt.")
    elif until < today:
        errors["until"] = _("Deze datum ligt in het verleden. Kies vandaag of later.")
    elif until > today + datetime.timedelta(days=limit):
        errors["until"] = _(
            "Toegang kan ten hoogste %(days)s dagen vooruit worden verleend, "
            "dus uiterlijk tot en met %(last)s."
        ) % {
            "days": limit,
            "last": _date_nl(today + datetime.timedelta(days=limit)),
        }
    if errors:
        raise ValidationError(errors)
    return _grant(
        client,
        user=user,
        by=by,
        reason=reason.strip(),
        expires_at=end_of_local_day(until),
    )


def dossier_access_withdraw(*, client: Client, user, by, reason: str) -> int:
    """End a colleague's grant on the dossier at once (the Toegang panel's
    "Intrekken"). Only grants a person gave: those the portal gives with a case
    (a mediation's notary, E4) end with that case.

    Raises PermissionDenied unless ``by`` keeps the register; ValidationError
    without a reason or when ``user`` holds no such grant."""
    _check_keeps_register(by)
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": _("Geef een reden op waarom de toegang wordt ingetrokken.")}
        )
    manual = ClientUserObjectPermission.objects.filter(
        content_object=client,
        user=user,
        permission__codename="view_client",
        granted_by__isnull=False,
    )
    if user is None or not manual.exists():
        raise ValidationError(
            _(
                "Deze persoon heeft geen door een collega verleende toegang tot dit "
                "dossier; er is niets in te trekken."
            )
        )
    return dossier_access_revoke(client=client, user=user, by=by, reason=reason.strip())


def _date_nl(day: datetime.date) -> str:
    return format_date(day, year=True)


def audit_access_grant(
    *, audit: Audit, user=None, group=None, by, reason: str, expires_at=None
):
    """Give access to one audit's part of the dossier to someone outside its team."""
    return _grant(
        audit, user=user, group=group, by=by, reason=reason, expires_at=expires_at
    )


def audit_access_revoke(*, audit: Audit, user=None, group=None, by, reason: str):
    return _revoke(audit, user=user, group=group, by=by, reason=reason)


def grants_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete grants whose time is up, logging each (`manage.py expire_grants`).

    Expired grants already give no access (the selectors ignore them); this keeps
    the tables clean and the audit log complete. An external notary whose last
    grant expired loses her account (E4, `notary_account_sync`)."""
    now = now or timezone.now()
    count = 0
    holders = set()
    for user_model, group_model, codename in _TABLES.values():
        for model in (user_model, group_model):
            for grant in model.objects.filter(expires_at__lte=now).select_related(
                "content_object"
            ):
                holder = getattr(grant, "user", None) or getattr(grant, "group", None)
                with transaction.atomic():
                    log(
                        grant.content_object,
                        "portal.grant_expired",
                        user=None,
                        data={
                            "holder": str(holder),
                            "permission": codename,
                            "expired_at": grant.expires_at.isoformat(),
                        },
                    )
                    grant.delete()
                count += 1
                if getattr(grant, "user", None) is not None:
                    holders.add(grant.user)
    for user in holders:
        notary_account_sync(user=user, reason="toegang verlopen (E4)", now=now)
    return count
