"""Which version of the complaints & appeals procedure applies to a new case."""

from __future__ import annotations

from django.conf import settings


def applicable_procedure_version() -> str:
    """e.g. "P-07 versie 2305": the live version when the case is opened, or "" when
    the procedure is not (yet) in the handbook."""
    from documents.models import ProcedurePage

    code = settings.PORTAL_COMPLAINTS_PROCEDURE_CODE
    page = ProcedurePage.objects.live().filter(code=code).only("version_label").first()
    if page is None:
        return ""
    return f"{code} versie {page.version_label}".strip() if page.version_label else code
