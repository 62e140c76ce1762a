"""Granting and revoking per-object access (guardian direct-FK tables)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import (
    Audit,
    AuditGroupObjectPermission,
    AuditUserObjectPermission,
    Client,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
)
from ..permissions import has_register_access

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
    """End a dossier grant at once; effective in every listing and search."""
    return _revoke(client, user=user, group=group, by=by, reason=reason)


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
    the tables clean and the audit log complete."""
    now = now or timezone.now()
    count = 0
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
    return count
