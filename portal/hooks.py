"""The extension points through which the apps serve each other without importing
each other (DESIGN: imports between apps point one way).

Each is a Wagtail hook: an app registers a function in its ``wagtail_hooks.py``
with ``@hooks.register(NAME)`` and the app that asks calls `collect` or `first`.
The dashboard's panels are the oldest of these (``portal.dashboard``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wagtail import hooks

#: ``fn(horizon) -> [(user, item, deadline), ...]``: deadlines a person must be
#: reminded of (``send_reminders``); ``item`` has ``number`` and ``client`` for the
#: mail. The register's own cases are the case register's; the quality documents
#: add read acknowledgements (C10).
REMINDER_SOURCES = "portal_reminder_sources"

#: ``fn(code) -> str``: the live version of the procedure with this code, as
#: "P-07 versie 2305", or "" (each case records the version that applied).
PROCEDURE_VERSION = "portal_procedure_version"

#: ``fn() -> [(code, label), ...]``: the live procedures a case may name (E4: the
#: procedures that apply to a mediation's dispute), by code.
PROCEDURE_CHOICES = "portal_procedure_choices"

#: ``fn() -> iterable of pages``: what the public section lists.
PUBLIC_DOCUMENTS = "portal_public_documents"

#: ``fn(user, [(kind_key, pk), ...]) -> [((kind_key, pk), (date, url)), ...]``:
#: when the core group last discussed each of these cases and the page of that
#: meeting ("" where the user may not read it) (C11). The register and the case
#: pages show it; management information answers.
CASE_DISCUSSED = "portal_case_discussed"


def collect(name: str, *args: Any) -> Iterator[Any]:
    """Every registered function's items, in registration order."""
    for fn in hooks.get_hooks(name):
        yield from fn(*args)


def first(name: str, *args: Any, default: Any = None) -> Any:
    """The first truthy answer of the registered functions, or ``default``."""
    for fn in hooks.get_hooks(name):
        answer = fn(*args)
        if answer:
            return answer
    return default
