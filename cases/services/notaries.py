"""The external notary's portal account follows her access (E4).

A notary is no member of staff: her account exists for the dossier of a consented
mediation only. When her last dossier grant ends (expiry, closing, withdrawal or
a revoke) the account is deactivated, so nothing of the portal stays open to her;
a new consent reactivates it. Both are written to the audit log."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from portal.roles import is_external_notary

from ..models import ClientUserObjectPermission


def _has_dossier_grant(user, now: datetime.datetime) -> bool:
    return (
        ClientUserObjectPermission.objects.filter(
            user=user, permission__codename="view_client"
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .exists()
    )


def notary_account_sync(
    *, user, reason: str, now: datetime.datetime | None = None
) -> bool | None:
    """E4: deactivate an external notary's account when she holds no unexpired
    dossier grant any more; reactivate it when she does again (a new consent).

    Only accounts of external notaries (that role and no other, no superuser)
    are touched; anyone else is left alone. Returns the new ``is_active`` when
    it changed, else None. Logged as ``portal.notary.deactivated`` /
    ``portal.notary.reactivated`` on the user."""
    if user is None or not is_external_notary(user):
        return None
    active = _has_dossier_grant(user, now or timezone.now())
    if active == user.is_active:
        return None
    user.is_active = active
    user.save(update_fields=["is_active"])
    log(
        user,
        "portal.notary.reactivated" if active else "portal.notary.deactivated",
        user=None,
        data={"username": user.get_username(), "reason": reason},
    )
    return active
