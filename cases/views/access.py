"""The "Toegang" panel's writes: a colleague's access to a dossier, and its end
(C4: the quality officer consults colleagues). Register roles only; a dossier
outside the user's scope answers 404 like a missing one, anyone else in scope who
does not keep the register is refused (PermissionDenied: Wagtail's "permission
denied", back to the dashboard)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access

from ..forms.access import AccessGrantForm, AccessRevokeForm
from ..models import Client
from ..permissions import has_register_access
from ..selectors import get_visible_or_404
from ..selectors_access import colleagues_for_access
from ..services import dossier_access_grant_to_colleague, dossier_access_withdraw
from .dossier import admin_dossier_context
from .errors import add_service_errors


def _client_for_register(request, pk) -> Client:
    client = get_visible_or_404(request.user, Client, pk=pk)
    if not has_register_access(request.user):
        raise PermissionDenied
    return client


def _back(client) -> str:
    return reverse("cases_admin:dossier", args=[client.pk]) + "#toegang"


@require_admin_access
@require_http_methods(["POST"])
def admin_access_grant(request, pk):
    client = _client_for_register(request, pk)
    form = AccessGrantForm(request.POST, colleagues=colleagues_for_access())
    if form.is_valid():
        data = form.cleaned_data
        try:
            dossier_access_grant_to_colleague(
                client=client,
                user=data["user"],
                by=request.user,
                reason=data["reason"],
                until=data["until"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s heeft nu toegang tot dit dossier.")
                % {"name": data["user"]},
            )
            return redirect(_back(client))
    context = admin_dossier_context(request, client, grant_form=form)
    return render(request, "cases/admin/dossier.html", context, status=400)


@require_admin_access
@require_http_methods(["POST"])
def admin_access_revoke(request, pk, user_pk):
    client = _client_for_register(request, pk)
    form = AccessRevokeForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    colleague = get_user_model().objects.filter(pk=user_pk).first()
    try:
        dossier_access_withdraw(
            client=client, user=colleague, by=request.user, reason=reason
        )
    except (ValidationError, PermissionDenied) as exc:
        add_service_errors(form, exc)
    else:
        messages.success(
            request,
            _("De toegang van %(name)s tot dit dossier is ingetrokken.")
            % {"name": colleague},
        )
        return redirect(_back(client))
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    context = admin_dossier_context(
        request,
        client,
        revoke_errors={user_pk: errors},
        revoke_values={user_pk: reason},
    )
    return render(request, "cases/admin/dossier.html", context, status=400)
