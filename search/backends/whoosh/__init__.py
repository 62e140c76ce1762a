"""Whoosh full-text search backend for modelsearch (Wagtail's search layer).

Configure it as ``{"BACKEND": "search.backends.whoosh", "PATH": "<dir>"}``.
The public API is re-exported here: the backend class, the exceptions to catch
and :func:`highlight`. The portal's pages do not call :func:`highlight` directly
but the configured backend's ``highlight()`` method (see ``portal``), so that
they also work on a backend other than this one.
"""

from .backend import WhooshSearchBackend
from .exceptions import (
    SearchIndexCorrupt,
    SearchIndexLocked,
    SearchIndexMissing,
    SearchIndexOutdated,
    SearchIndexUnavailable,
)
from .highlight import highlight

SearchBackend = WhooshSearchBackend

__all__ = [
    "SearchBackend",
    "SearchIndexCorrupt",
    "SearchIndexLocked",
    "SearchIndexMissing",
    "SearchIndexOutdated",
    "SearchIndexUnavailable",
    "WhooshSearchBackend",
    "highlight",
]
