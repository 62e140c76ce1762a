"""The controlled PDF of a procedure version, and the draft preview (WeasyPrint).

A published revision never changes, so its PDF is rendered once and kept on the
`ProcedureVersion`; a draft preview is rendered on every request and never kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import OrganisationSettings

from .models import ProcedurePage, ProcedureVersion

# How often each kind of PDF was actually rendered (not served from the cache):
# lets a test see that a stored PDF is served as it is.
RENDERS: Counter[str] = Counter()


@dataclass(frozen=True)
class _Sheet:
    """What the template needs besides the page content."""

    version_label: str  # "2611", or "" for a draft
    effective_date: object
    change_summary: str
    change_request_number: str
    is_draft: bool
    approved_by: str = ""
    approved_at: object = None
    approval_comment: str = ""
    # The versions up to this one, newest first (the revision table).
    revisions: tuple = ()


def organisation_names() -> tuple[str, str]:
    """(short name for the running footer, full name for the first page)."""
    org = OrganisationSettings.load()
    default = getattr(settings, "PORTAL_ORGANISATION_DEFAULT_NAME", "")
    short = (org.name or "").strip() or default
    return short, (org.full_name or "").strip() or short


def css_string(value: str) -> str:
    """``value`` as the inside of a CSS string literal in a ``<style>`` element:
    quotes, backslashes and line breaks escaped, and no ``<`` that could end the
    element."""
    escaped = []
    for char in value:
        if char in '"\\<>&':
            escaped.append(f"\\{ord(char):x} ")
        elif char in "\r\n\t":
            escaped.append(" ")
        else:
            escaped.append(char)
    return "".join(escaped)


def _complaint_number(change_request) -> str:
    if change_request is None:
        return ""
    return change_request.complaint.number


def _render(page: ProcedurePage, sheet: _Sheet) -> bytes:
    from weasyprint import HTML

    short_name, full_name = organisation_names()
    version_text = (
        _("versie: concept")
        if sheet.is_draft
        else _("versie %(label)s") % {"label": sheet.version_label}
    )
    footer = " | ".join([short_name, page.title, version_text])
    sections = [
        {
            "number": n,
            "anchor": f"sectie-{n}",
            "heading": block.value["heading"],
            "content": block.value["content"],
        }
        for n, block in enumerate(
            (b for b in page.body if b.block_type == "section"), start=1
        )
    ]
    attachments = [
        {"label": a.label or a.document.title, "filename": a.document.filename}
        for a in page.attachments.all()
    ]
    related = [
        p
        for p in page.related_procedures.all().order_by("code")
        if p.live and p.pk != page.pk
    ]
    html = render_to_string(
        "documents/pdf/procedure.html",
        {
            "page": page,
            "sheet": sheet,
            "version_text": version_text,
            "organisation": full_name,
            "footer_css": css_string(footer),
            "header_css": css_string(f"{page.code} {page.title}"),
            "marking_css": css_string(_("Ongecontroleerde kopie indien afgedrukt")),
            "sections": sections,
            "attachments": attachments,
            "related": related,
        },
    )
    RENDERS["draft" if sheet.is_draft else "version"] += 1
    return HTML(string=html, base_url=settings.WAGTAILADMIN_BASE_URL).write_pdf()


def _revision_rows(page_pk: int, *, upto: ProcedureVersion | None = None) -> tuple:
    """The revision table: every version of the procedure published up to
    ``upto`` (all of them when None), newest first."""
    versions = (
        ProcedureVersion.objects.filter(page_id=page_pk)
        .select_related("approved_by")
        .defer("pdf")
        .order_by("-published_at", "-pk")
    )
    if upto is not None:
        versions = versions.filter(published_at__lte=upto.published_at)
    return tuple(versions)


def procedure_pdf(version: ProcedureVersion) -> bytes:
    """The controlled PDF of a published version: rendered from the revision as it
    was published, once, then kept on the version and served from there."""
    if version.pdf_rendered_at is not None and version.pdf:
        return bytes(version.pdf)
    page = version.revision.as_object()
    data = _render(
        page,
        _Sheet(
            version_label=version.version_label,
            effective_date=version.effective_date,
            change_summary=version.change_summary,
            # A public procedure's PDF is for anyone: internal case numbers stay
            # inside (the version list on the intranet still shows them).
            change_request_number=""
            if page.is_public
            else _complaint_number(version.change_request),
            is_draft=False,
            approved_by=version.approver_name,
            approved_at=version.approved_at,
            # Like the case numbers: what management wrote with its approval
            # stays inside when the procedure is public.
            approval_comment="" if page.is_public else version.approval_comment,
            revisions=_revision_rows(version.page_id, upto=version),
        ),
    )
    rendered_at = timezone.now()
    ProcedureVersion.objects.filter(pk=version.pk).update(
        pdf=data, pdf_rendered_at=rendered_at
    )
    version.pdf, version.pdf_rendered_at = data, rendered_at
    return data


def draft_pdf(page: ProcedurePage) -> bytes:
    """A preview of the latest draft of ``page`` in the controlled layout, marked
    CONCEPT on every page. Never kept: the draft may change any moment."""
    draft = page.get_latest_revision_as_object()
    revisions = _revision_rows(page.pk)
    effective = draft.effective_date
    if revisions and (effective is None or effective <= revisions[0].effective_date):
        effective = None  # not later than the version in force: the publication date
    return _render(
        draft,
        _Sheet(
            version_label="",
            effective_date=effective,
            change_summary=draft.change_summary,
            change_request_number=_complaint_number(draft.change_request),
            is_draft=True,
            revisions=revisions,
        ),
    )
