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


def procedure_choices() -> list[tuple[str, str]]:
    """(code, label) of the live procedures a mediation may name as applying to
    its dispute (E4), without the complaints and appeals procedure, which always
    applies. The quality documents answer (``portal.hooks.PROCEDURE_CHOICES``)."""
    always = settings.PORTAL_COMPLAINTS_PROCEDURE_CODE
    return [
        (code, label)
        for code, label in hooks.collect(hooks.PROCEDURE_CHOICES)
        if code != always
    ]
