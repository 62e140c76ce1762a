"""The client dossier page (admin and front-end), evidence upload, deletion and the
one permission-checked download view."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access
from wagtail.log_actions import log

from ..forms import (
    DecisionSupersedeForm,
    EvidenceDeleteForm,
    EvidenceUploadForm,
    TimelineFilterForm,
)
from ..forms.dossier import DecisionEmailedForm
from ..models import CertificationDecision, Client, EvidenceFile
from ..models.evidence import evidence_storage
from ..permissions import can_delete_evidence
from ..selectors import (
    audits_visible_to,
    clients_visible_to,
    deciders,
    dossier_timeline,
    get_visible_or_404,
)
from ..services import (
    decision_mark_emailed,
    decision_supersede,
    evidence_delete,
    evidence_upload,
)
from ..services.dates import display_moment
from ..services.evidence import can_upload_evidence
from .access_panel import access_panel_context
from .case_files import report_stored
from .downloads import as_download
from .errors import add_service_errors

# Evidence downloads get a sandboxing policy: no scripts, no forms, nothing loaded.
DOWNLOAD_CSP = "default-src 'none'; object-src 'none'; sandbox; frame-ancestors 'none'"


def _dossier_context(request, client):
    filters = TimelineFilterForm(request.GET or None)
    timeline = dossier_timeline(request.user, client, kinds=filters.kinds())
    return {
        "client": client,
        "timeline": timeline,
        "superseded_ids": {
            obj.supersedes_id
            for _date, kind, obj in timeline
            if kind == "decision" and obj.supersedes_id
        },
        "filters": filters,
        "can_upload": can_upload_evidence(request.user, client),
        "can_delete_evidence": can_delete_evidence(request.user),
    }


def admin_dossier_context(request, client, **access_forms) -> dict:
    context = _dossier_context(request, client)
    context["upload_form"] = (
        EvidenceUploadForm(audits=audits_visible_to(request.user).filter(client=client))
        if context["can_upload"]
        else None
    )
    context["emailed_form"] = DecisionEmailedForm()
    context.update(access_panel_context(request, client, **access_forms))
    return context


@require_admin_access
def admin_dossier(request, pk):
    client = get_visible_or_404(request.user, Client, pk=pk)
    context = admin_dossier_context(request, client)
    return render(request, "cases/admin/dossier.html", context)


@require_admin_access
@require_http_methods(["POST"])
def admin_evidence_upload(request, pk):
    """Several files at once; each is judged on its own. Refused files are listed
    with their reason, accepted ones are stored: a refusal loses nothing else."""
    client = get_visible_or_404(request.user, Client, pk=pk)
    audits = audits_visible_to(request.user).filter(client=client)
    form = EvidenceUploadForm(request.POST, request.FILES, audits=audits)
    if not form.is_valid():
        context = admin_dossier_context(request, client)
        context["upload_form"] = form
        return render(request, "cases/admin/dossier.html", context, status=400)
    stored, refused = [], []
    for upload in form.cleaned_data["files"]:
        try:
            stored.append(
                evidence_upload(
                    client=client,
                    uploaded_file=upload,
                    by=request.user,
                    description=form.cleaned_data["description"],
                    audit=form.cleaned_data["audit"],
                )
            )
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
        except PermissionDenied as exc:
            refused.append(str(exc))
    report_stored(request, stored)
    for reason in refused:
        messages.error(request, reason)
    return redirect("cases_admin:dossier", pk=client.pk)


@require_admin_access
@require_http_methods(["GET", "POST"])
def admin_evidence_delete(request, pk):
    evidence = get_visible_or_404(request.user, EvidenceFile, pk=pk)
    form = EvidenceDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_delete(
                evidence=evidence, by=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("'%(name)s' is verwijderd; de registratie blijft zichtbaar.")
                % {"name": evidence.original_name},
            )
            return redirect("cases_admin:dossier", pk=evidence.client_id)
    return render(
        request,
        "cases/admin/evidence_delete.html",
        {"evidence": evidence, "form": form},
        status=400 if form.errors else 200,
    )


def frontend_dossier_list(request):
    clients = clients_visible_to(request.user).order_by("name")
    return render(request, "cases/dossier_list.html", {"clients": clients})


def frontend_dossier(request, pk):
    client = get_visible_or_404(request.user, Client, pk=pk)
    return render(request, "cases/dossier.html", _dossier_context(request, client))


def evidence_download(request, uuid):
    """The only way to the bytes of an evidence file. Out of scope or deleted: 404,
    the same as a file that does not exist. Every download is in the audit log.

    The bytes are streamed from the evidence storage block by block (from disk or
    from the object store). With PORTAL_EVIDENCE_PRESIGNED_SECONDS and evidence on
    S3 the answer is instead a redirect to a signed link valid that long, issued
    only after the permission check and the audit-log entry."""
    evidence = get_visible_or_404(request.user, EvidenceFile, uuid=uuid)
    if evidence.is_deleted or not evidence.file.name:
        raise Http404
    storage = evidence_storage()
    presign = getattr(storage, "presigned_download_url", None)
    seconds = settings.PORTAL_EVIDENCE_PRESIGNED_SECONDS
    handle = None
    if presign is not None and seconds > 0:
        if not storage.exists(evidence.file.name):
            raise Http404
    else:
        try:
            handle = storage.open(evidence.file.name, "rb")
        except FileNotFoundError:
            raise Http404 from None
    log(
        evidence,
        "portal.evidence.download",
        user=request.user,
        data={
            "ip": request.META.get("REMOTE_ADDR", ""),
            "name": evidence.original_name,
            "sha256": evidence.sha256,
        },
    )
    # Always saved, never shown in the portal's origin (a PDF can carry script);
    # should a browser show it anyway, it is sandboxed.
    is_pdf = evidence.content_type == "application/pdf"
    content_type = evidence.content_type if is_pdf else "application/octet-stream"
    if handle is None:
        # The store answers with the same attachment name and type; the link is
        # for this user only and expires after ``seconds``.
        response = redirect(
            presign(
                evidence.file.name,
                content_disposition=content_disposition_header(
                    as_attachment=True, filename=evidence.original_name
                ),
                content_type=content_type,
                expire=seconds,
            )
        )
        add_never_cache_headers(response)
        return response
    response = FileResponse(handle, content_type=content_type)
    if "Content-Length" not in response and getattr(handle, "size", None):
        response["Content-Length"] = handle.size  # a stream cannot tell its length
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return as_download(response, evidence.original_name)


@require_admin_access
@require_http_methods(["POST"])
def admin_decision_mark_emailed(request, pk):
    """A2: the office manager enters when the decision e-mail really went out
    (default now). A refusal shows the dossier again with the time as typed and
    the message at the decision."""
    decision = get_visible_or_404(request.user, CertificationDecision, pk=pk)
    form = DecisionEmailedForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            decision = decision_mark_emailed(
                decision=decision, at=form.cleaned_data["emailed_at"], by=request.user
            )
        except PermissionDenied as exc:
            add_service_errors(form, exc)
            status = 403
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Vastgelegd: de beslissing is op %(at)s per e-mail verzonden. De "
                    "beroepstermijn loopt vanaf dat moment."
                )
                % {"at": display_moment(decision.emailed_at)},
            )
            return redirect("cases_admin:dossier", pk=decision.audit.client_id)
    messages.error(
        request,
        _(
            "Het verzendmoment is niet vastgelegd; zie de melding bij de beslissing "
            "in de tijdlijn."
        ),
    )
    context = admin_dossier_context(request, decision.audit.client)
    context["emailed_form_bound"] = form
    context["emailed_decision_pk"] = decision.pk
    return render(request, "cases/admin/dossier.html", context, status=status)


@require_admin_access
@require_http_methods(["GET", "POST"])
def admin_decision_supersede(request, pk):
    """A9: an e-mailed decision is replaced by a new one, never edited."""
    decision = get_visible_or_404(request.user, CertificationDecision, pk=pk)
    candidates = deciders()
    form = DecisionSupersedeForm(
        request.POST or None,
        deciders=candidates,
        decision=decision,
        initial={"decider": request.user if request.user in candidates else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = decision_supersede(
                decision=decision,
                decider=form.cleaned_data["decider"],
                outcome=form.cleaned_data["outcome"],
                motivation=form.cleaned_data["motivation"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("De nieuwe beslissing is vastgelegd; de oude blijft in het dossier."),
            )
            return redirect("cases_admin:dossier", pk=new.audit.client_id)
    return render(
        request,
        "cases/admin/decision_supersede.html",
        {"decision": decision, "form": form},
        status=400 if form.errors else 200,
    )
