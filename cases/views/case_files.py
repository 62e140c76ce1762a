"""Files kept with a case (C4, C8, E6): the list on its page and the upload,
also filed in the client's dossier."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access

from .. import kinds
from ..forms import EvidenceUploadForm
from ..selectors import (
    audits_visible_to,
    evidence_visible_to,
    get_visible_or_404,
)
from ..services import (
    evidence_upload,
)
from ..services.evidence import can_upload_evidence


def case_files(user, case, field):
    return (
        evidence_visible_to(user)
        .filter(**{field: case})
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


# The word in the upload URL (Dutch) -> the kind of case (cases.kinds).
UPLOAD_KINDS = {"klacht": "complaint", "mediation": "mediation"}


class CaseUploadForm(EvidenceUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, audits=kwargs.pop("audits"), **kwargs)
        self.fields["audit"].widget = forms.HiddenInput()


def upload_form(user, case, client):
    if not can_upload_evidence(user, client, case=case):
        return None
    return CaseUploadForm(audits=audits_visible_to(user).filter(client=client))


@require_admin_access
@require_http_methods(["POST"])
def case_upload(request, kind, pk):
    """Files kept with a complaint or mediation (C4, C8, E6), also filed in the
    client's dossier. Each file is judged on its own; refusals lose nothing else."""
    case_kind = kinds.by_key(UPLOAD_KINDS[kind])
    url_name = case_kind.route
    case = get_visible_or_404(request.user, case_kind.model, pk=pk)
    client = case.client
    form = CaseUploadForm(request.POST, request.FILES, audits=client.audits.none())
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(url_name, pk=case.pk)
    stored = []
    for upload in form.cleaned_data["files"]:
        try:
            stored.append(
                evidence_upload(
                    client=client,
                    uploaded_file=upload,
                    by=request.user,
                    description=form.cleaned_data["description"],
                    case=case,
                )
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    report_stored(request, stored)
    return redirect(url_name, pk=case.pk)


def report_stored(request, stored) -> None:
    """Tell the uploader which files were kept (the refused ones say why)."""
    if stored:
        messages.success(
            request,
            ngettext(
                "%(n)d bestand toegevoegd: %(names)s",
                "%(n)d bestanden toegevoegd: %(names)s",
                len(stored),
            )
            % {"n": len(stored), "names": ", ".join(e.original_name for e in stored)},
        )
