from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from portal.roles import is_external_notary

from . import pdf
from .compare import document_text, procedure_compare
from .models import ProcedurePage, ProcedureVersion
from .selectors import procedures_visible_to


def access_procedure(user, code: str) -> ProcedurePage:
    """The procedure ``code`` if ``user`` may read it, else Http404 (the same answer
    for "does not exist" and "not for you"). Anyone logged in reads every live
    procedure, an anonymous visitor only the public ones (as page serving does);
    a withdrawn procedure stays readable for those who may edit it. An external
    notary reads only the procedures that apply to her dispute (E4)."""
    page = ProcedurePage.objects.filter(code=code).first()
    if page is None:
        raise Http404
    if not user.is_authenticated:
        if page.live and page.publicly_visible:
            return page
        raise Http404
    if is_external_notary(user):
        if procedures_visible_to(user).filter(pk=page.pk).exists():
            return page
        raise Http404
    if page.live or page.permissions_for_user(user).can_edit():
        return page
    raise Http404


def _login_unless_public(view):
    """Reachable without login so public procedures work; an anonymous visitor who
    asks for anything else is sent to the login, whether it exists or not."""

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise

    return wrapped


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=filename
    )
    return response


@_login_unless_public
def procedure_by_code(request, code):
    page = access_procedure(request.user, code)
    if not page.live:
        raise Http404
    return redirect(page.get_url(request))


@_login_unless_public
def version_pdf(request, code, label):
    page = access_procedure(request.user, code)
    version = get_object_or_404(
        ProcedureVersion.objects.select_related("change_request__complaint"),
        page=page,
        version_label=label,
    )
    response = _pdf_response(
        pdf.procedure_pdf(version),
        f"{page.code} {version.title} {_('versie')} {version.version_label}.pdf",
    )
    # A published version never changes; only who may read it can.
    patch_cache_control(response, private=True, max_age=3600)
    return response


@_login_unless_public
def draft_pdf(request, code):
    page = access_procedure(request.user, code)
    if not request.user.is_authenticated or not (
        page.permissions_for_user(request.user).can_edit()
    ):
        raise Http404
    response = _pdf_response(
        pdf.draft_pdf(page), f"{page.code} {page.title} {_('concept')}.pdf"
    )
    add_never_cache_headers(response)
    return response


@_login_unless_public
def compare(request, code):
    page = access_procedure(request.user, code)
    versions = list(
        page.versions.select_related("revision")
        .defer("pdf")
        .order_by("-published_at", "-pk")
    )
    by_label = {v.version_label: v for v in versions}
    old_label, new_label = request.GET.get("van"), request.GET.get("naar")
    new = by_label.get(new_label) if new_label else (versions[0] if versions else None)
    if new is None and versions:
        raise Http404
    if old_label:
        old = by_label.get(old_label)
        if old is None:
            raise Http404
    else:  # the version before ``new``
        later = versions.index(new) + 1 if new else len(versions)
        old = versions[later] if later < len(versions) else None
    comparison = None
    if old is not None and new is not None:
        comparison = procedure_compare(
            document_text(old.revision.as_object()),
            document_text(new.revision.as_object()),
        )
    return render(
        request,
        "documents/compare.html",
        {
            "page": page,
            "versions": versions,
            "old": old,
            "new": new,
            "comparison": comparison,
        },
    )
