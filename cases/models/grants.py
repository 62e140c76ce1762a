"""Per-object grants, in guardian's direct foreign-key tables (DESIGN.md).

Each grant may end by itself: ``expires_at`` (E4: a notary's access ends with the
mediation). guardian's own ``has_perm`` does not know about expiry, so access is
never asked of guardian directly: `cases.selectors` and `cases.permissions` are the
authority and ignore expired rows; `manage.py expire_grants` removes them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .dossier import Audit, Client


class GrantFields(models.Model):
    expires_at = models.DateTimeField(_("verloopt op"), null=True, blank=True)
    granted_at = models.DateTimeField(_("verleend op"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verleend door"),
    )
    reason = models.CharField(_("reden"), max_length=255, blank=True)

    class Meta:
        abstract = True


class ClientUserObjectPermission(GrantFields, UserObjectPermissionBase):  # noqa: DJ008 (guardian defines __str__)
    """Access to a whole client dossier (``view_client``) for one user."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("toegang tot klantdossier")
        verbose_name_plural = _("toegang tot klantdossiers")


class ClientGroupObjectPermission(GrantFields, GroupObjectPermissionBase):  # noqa: DJ008 (guardian defines __str__)
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("groepstoegang tot klantdossier")
        verbose_name_plural = _("groepstoegang tot klantdossiers")


class AuditUserObjectPermission(GrantFields, UserObjectPermissionBase):  # noqa: DJ008 (guardian defines __str__)
    """Access to one audit's part of a dossier (``view_audit``) for one user, beyond
    its team (whose access follows from the audit itself)."""

    content_object = models.ForeignKey(Audit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("toegang tot onderzoek")
        verbose_name_plural = _("toegang tot onderzoeken")


class AuditGroupObjectPermission(GrantFields, GroupObjectPermissionBase):  # noqa: DJ008 (guardian defines __str__)
    content_object = models.ForeignKey(Audit, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("groepstoegang tot onderzoek")
        verbose_name_plural = _("groepstoegang tot onderzoeken")
