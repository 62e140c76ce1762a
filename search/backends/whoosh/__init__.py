"""Whoosh full-text search backend for modelsearch (Wagtail's search layer).

Configure it as ``{"BACKEND": "search.backends.whoosh", "PATH": "<dir>"}``.
The public API for the portal is re-exported here: the backend class, the
exceptions to catch and :func:`highlight`.
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
