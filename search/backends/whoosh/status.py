"""Documents per model in this backend's indexes, for ``manage.py search_status``."""

from __future__ import annotations

from whoosh import query as wq

from .schema import CONTENT_TYPES


class WhooshCounter:
    """Documents per most specific model in our Whoosh indexes."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def describe(self) -> str:
        return f"Whoosh ({self.backend.path})"

    def count(self, model, children) -> int:
        """Documents indexed as ``model`` itself. A document of a child model
        (multi-table inheritance) in the same index also carries the parent's
        content type, so it is subtracted: it counts for the child."""
        index = self.backend.get_index_for_model(model)
        searcher = index.store.searcher()
        total = _with_type(searcher, model)
        for child in children:
            if self.backend.get_index_for_model(child) is index:
                total -= _with_type(searcher, child)
        return total


def _with_type(searcher, model) -> int:
    term = wq.Term(CONTENT_TYPES, model.indexed_get_content_type())
    return sum(1 for _ in searcher.docs_for_query(term))
