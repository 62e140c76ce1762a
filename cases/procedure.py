"""Which version of the complaints & appeals procedure applies to a new case."""

from __future__ import annotations

from django.conf import settings

from portal import hooks


def applicable_procedure_version() -> str:
    """e.g. "P-07 versie 2305": the live version when the case is opened, or "" when
    the procedure is not (yet) in the handbook. The quality documents answer
    (``portal.hooks.PROCEDURE_VERSION``): the register does not import them."""
    code = settings.PORTAL_COMPLAINTS_PROCEDURE_CODE
    return hooks.first(hooks.PROCEDURE_VERSION, code, default="")
