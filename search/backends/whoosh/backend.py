"""The modelsearch backend class: options, and one index per root model.

The index (``index``) and the results (``results``) have modules of their own;
the backend points modelsearch at them (``rebuilder_class``, ``results_class``)
and they stay importable from here, where they used to live.
"""

from __future__ import annotations

import functools
import os

from modelsearch.backends.base import BaseSearchBackend, get_model_root

from .analysis import DEFAULT_LANGUAGE
from .compiler import WhooshAutocompleteQueryCompiler, WhooshSearchQueryCompiler
from .index import WhooshIndex, WhooshRebuilder
from .portal import PortalMethods
from .results import WhooshSearchResults
from .schema import IndexLayout
from .storage import close_searchers


@functools.lru_cache(maxsize=64)
def _layout(root, language: str) -> IndexLayout:
    """What an index of ``root`` holds depends only on the models (fixed once
    Django has loaded them) and the language."""
    return IndexLayout(root, language)


class WhooshSearchBackend(PortalMethods, BaseSearchBackend):
    """Whoosh full-text backend with Dutch analysis (and, from ``PortalMethods``,
    highlighting and word analysis for the portal's pages).

    Options (in ``WAGTAILSEARCH_BACKENDS`` / ``MODELSEARCH_BACKENDS``):

    ``PATH``          directory holding one sub-directory per root model (required)
    ``LANGUAGE``      analysis language, default ``"nl"``
    ``LOCK_TIMEOUT``  seconds to wait for the write lock, default 10
    ``LIMITMB``       writer memory budget in MB, default 128
    """

    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    # A broken index file must not make saving a model in the admin fail; the
    # error is logged and the next ``update_index`` repairs the index.
    catch_indexing_errors = True

    def __init__(self, params) -> None:
        super().__init__(params)
        params = dict(params)
        path = params.pop("PATH", None)
        if not path:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured("The Whoosh search backend needs a PATH.")
        self.path = os.fspath(path)
        self.language = params.pop("LANGUAGE", DEFAULT_LANGUAGE)
        self.lock_timeout = float(params.pop("LOCK_TIMEOUT", 10.0))
        self.limitmb = int(params.pop("LIMITMB", 128))
        self._indexes: dict[type, WhooshIndex] = {}

    def layout_for(self, root) -> IndexLayout:
        """The layout of ``root``'s index, one per process: modelsearch makes
        a new backend object for every ``get_search_backend()``, and deriving
        the fields and schema of a hierarchy costs more than a small search."""
        return _layout(root, self.language)

    def get_index_for_model(self, model) -> WhooshIndex:
        root = get_model_root(model)
        if root not in self._indexes:
            self._indexes[root] = WhooshIndex(self, root)
        return self._indexes[root]

    def close_searchers(self) -> None:
        """Drop this thread's cached searchers (e.g. after copying files)."""
        close_searchers()
