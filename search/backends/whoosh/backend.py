"""The modelsearch backend classes: index, rebuilder, results and backend."""

from __future__ import annotations

import os
import shutil
import uuid
from collections import Counter, OrderedDict

from django.db.models import Count
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchResults,
    FilterFieldError,
    get_model_root,
)
from modelsearch.index import class_is_indexed
from whoosh.columns import NumericColumn

from .analysis import DEFAULT_LANGUAGE
from .compiler import (
    EVERY,
    NOTHING,
    Untranslatable,
    WhooshAutocompleteQueryCompiler,
    WhooshSearchQueryCompiler,
)
from .docset import restrict
from .portal import PortalMethods
from .schema import PK, IndexLayout, filter_field_name, from_index_value
from .storage import IndexStore, close_searchers

#: Allowed sets smaller than this share of the index are intersected inside
#: the matcher (see ``docset``); larger ones use Whoosh's ``filter=``.
INTERSECT_BELOW = 0.3

#: Documents per commit when indexing outside a rebuild (``add_bulk`` of a
#: large list); bounds the documents held at once and the loss on a crash.
COMMIT_EVERY = 2_000


def _related(a, b) -> bool:
    """Whether two models of one index can share primary keys (MTI relatives)."""
    return issubclass(a, b) or issubclass(b, a)


class WhooshIndex(BaseIndex):
    """One Whoosh index directory holding a model hierarchy.

    A live index commits every ``add_items`` call (a web request saving one
    object, or ``add_bulk``). A *staging* index, which the rebuilder creates
    for ``update_index``, keeps one writer open for the whole rebuild: the
    documents of each chunk go into the writer's posting pool, which spills to
    temporary run files when it reaches ``LIMITMB``, so memory is bounded by
    that budget and not by the number of objects, and the index is written
    once, as one segment, when the rebuild finishes.
    """

    def __init__(self, backend, root, path: str | None = None, staging=False) -> None:
        super().__init__(backend)
        self.root = root
        self.name = root._meta.label_lower.replace(".", "_")
        self.path = path or os.path.join(backend.path, self.name)
        self.layout = backend.layout_for(root)
        self.store = IndexStore(
            self.path,
            self.layout,
            lock_timeout=backend.lock_timeout,
            limitmb=backend.limitmb,
        )
        self.staging = staging
        self._bulk_writer = None
        self._bulk_models: list[type] = []
        self._bulk_replace = False
        self.indexed_count = 0

    def __str__(self) -> str:
        return self.name

    def get_key(self) -> str:
        return self.name

    def add_model(self, model) -> None:
        """Nothing to do: the schema already covers every model of the root."""

    def refresh(self) -> None:
        """Nothing to do: searchers pick up committed changes by themselves."""

    def reset(self) -> None:
        self.store.create()

    def add_items(self, model, items) -> None:
        if not class_is_indexed(model):
            return
        if self.staging:
            self._add_to_rebuild(model, items)
            return
        chunk: dict[str, dict] = {}
        ix = None
        for obj in items:
            doc = self.layout.document(obj)
            chunk[doc[PK]] = doc
            if len(chunk) >= COMMIT_EVERY:
                ix = ix or self.store.open()
                self._write(ix, chunk.values())
                chunk = {}
        if chunk:
            self._write(ix or self.store.open(), chunk.values())

    def _write(self, ix, docs) -> None:
        writer = self.store.writer(ix)
        try:
            if ix.doc_count_all():
                with writer.searcher() as searcher:
                    for doc in docs:
                        writer.delete_by_term(PK, doc[PK], searcher=searcher)
            for doc in docs:
                writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=True)

    # -------------------------------------------------------------- rebuild

    def _add_to_rebuild(self, model, items) -> None:
        switching = self._bulk_models and model is not self._bulk_models[-1]
        if switching and any(_related(model, seen) for seen in self._bulk_models):
            # Objects of a parent and a child model may share a primary key:
            # commit what we have, so that from now on each object can replace
            # an earlier version of itself.
            self.commit_rebuild()
            self._bulk_replace = True
        if model not in self._bulk_models:
            self._bulk_models.append(model)
        writer = self._bulk_writer
        if writer is None:
            writer = self._bulk_writer = self.store.writer(bulk=True)
        docs: dict[str, dict] = {}
        for obj in items:
            doc = self.layout.document(obj)
            docs[doc[PK]] = doc
        try:
            if self._bulk_replace:
                with writer.searcher() as searcher:
                    for key in docs:
                        writer.delete_by_term(PK, key, searcher=searcher)
            for doc in docs.values():
                writer.add_document(**doc)
        except BaseException:
            self.cancel_rebuild()
            raise
        self.indexed_count += len(docs)

    def commit_rebuild(self) -> None:
        """Write what the rebuild's writer holds (one segment) and close it."""
        writer, self._bulk_writer = self._bulk_writer, None
        if writer is not None:
            writer.commit(merge=False)

    def cancel_rebuild(self) -> None:
        writer, self._bulk_writer = self._bulk_writer, None
        if writer is not None:
            writer.cancel()

    def delete_item(self, item) -> None:
        if not class_is_indexed(type(item)):
            return
        ix = self.store.open()
        writer = self.store.writer(ix)
        try:
            writer.delete_by_term(PK, str(item.pk))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()


class WhooshRebuilder:
    """Builds a fresh index beside the live one and swaps it in at the end.

    Searches keep using the old index while the new one is built; the swap is
    two directory renames. Writes that reach the old index during the rebuild
    are lost, exactly as with the Elasticsearch backend's atomic rebuilder.
    Leftovers of a rebuild that crashed (a staging directory whose write lock
    nobody holds) are removed when the next rebuild starts.
    """

    def __init__(self, index: WhooshIndex) -> None:
        self.index = index
        self.staging: WhooshIndex | None = None

    def start(self) -> WhooshIndex:
        live = self.index
        _remove_abandoned(live.path)
        staging_path = f"{live.path}.rebuild-{uuid.uuid4().hex[:8]}"
        self.staging = WhooshIndex(
            live.backend, live.root, path=staging_path, staging=True
        )
        self.staging.store.create()
        return self.staging

    def finish(self) -> None:
        staging = self.staging
        live = self.index
        staging.commit_rebuild()
        ix = staging.store.open()
        if len(ix._segments()) > 1:
            ix.optimize()
        old_path = None
        if os.path.exists(live.path):
            old_path = f"{live.path}.old-{uuid.uuid4().hex[:8]}"
            os.rename(live.path, old_path)
        os.rename(staging.path, live.path)
        close_searchers()
        if old_path:
            shutil.rmtree(old_path, ignore_errors=True)


def _remove_abandoned(live_path: str) -> None:
    """Delete staging/old directories of ``live_path`` that no process uses."""
    from whoosh.filedb.filestore import FileStorage

    parent, name = os.path.split(live_path)
    try:
        siblings = os.listdir(parent or ".")
    except FileNotFoundError:
        return
    for sibling in siblings:
        if not sibling.startswith((f"{name}.rebuild-", f"{name}.old-")):
            continue
        path = os.path.join(parent, sibling)
        if not os.path.isdir(path):
            continue
        if sibling.startswith(f"{name}.rebuild-"):
            lock = FileStorage(path).lock("MAIN_WRITELOCK")
            if not lock.acquire(blocking=False):
                continue  # another rebuild is writing it right now
            lock.release()
        shutil.rmtree(path, ignore_errors=True)


class WhooshSearchResults(BaseSearchResults):
    """Lazily evaluated search results; see ``compiler`` for the filter rules."""

    supports_facet = True

    def __init__(self, backend, query_compiler, prefetch_related=None):
        super().__init__(backend, query_compiler, prefetch_related=prefetch_related)
        self._shared: dict = {}

    def _clone(self):
        new = super()._clone()
        new._shared = self._shared
        return new

    def _context(self):
        """(index, searcher, query, allowed), once per query: shared by the
        clones, so the page's count, facets and slice translate the user's
        scope (its subqueries) and materialise the allowed set only once."""
        shared = self._shared
        if "context" not in shared:
            compiler = self.query_compiler
            index = self.backend.get_index_for_model(compiler.queryset.model)
            compiler.prepare(index.layout)
            searcher = index.store.searcher()
            query = compiler.whoosh_query(index.layout)
            allowed = self._allowed(index, searcher)
            shared["context"] = (index, searcher, query, allowed)
        return shared["context"]

    def _allowed(self, index, searcher):
        """The allowed docnums: None (all), or a set (possibly empty)."""
        compiler = self.query_compiler
        try:
            engine_filter = compiler.engine_filter()
        except Untranslatable:
            mapping = index.store.pk_to_docnum(searcher)
            pks = compiler.queryset.order_by().values_list("pk", flat=True)
            return {mapping[key] for key in map(str, pks) if key in mapping}
        if engine_filter is EVERY:
            return None
        if engine_filter is NOTHING:
            return set()
        # Materialised here (not by Whoosh) because Whoosh treats an empty
        # filter set as "no filter": that would leak every document.
        return set(searcher.docs_for_query(engine_filter))

    def _run(
        self,
        searcher,
        query,
        allowed,
        *,
        limit,
        sortedby=None,
        reverse=False,
        scored=True,
    ):
        if (
            allowed is not None
            and query is not EVERY
            and len(allowed) <= searcher.doc_count_all() * INTERSECT_BELOW
        ):
            query, allowed = restrict(query, allowed), None
        return searcher.search(
            query,
            filter=allowed,
            limit=limit,
            sortedby=sortedby,
            reverse=reverse,
            scored=scored,
            terms=False,
        )

    def _do_search(self):
        compiler = self.query_compiler
        if self.stop is not None and self.stop <= self.start:
            return []  # an empty slice: Whoosh refuses a limit below 1
        index, searcher, query, allowed = self._context()
        if query is NOTHING or allowed == set():
            return []
        sort = compiler.sort_spec()
        if sort is None:
            return self._search_ordered_by_database(index, searcher, query, allowed)
        sortedby, reverse = _sorting(sort)
        results = self._run(
            searcher,
            query,
            allowed,
            limit=self.stop,
            sortedby=sortedby,
            reverse=reverse,
            scored=compiler.order_by_relevance or self._score_field is not None,
        )
        end = (
            len(results.top_n)
            if self.stop is None
            else min(self.stop, len(results.top_n))
        )
        pk_column = index.store.pk_column(searcher)
        # With field ordering Whoosh puts sort keys where scores would be.
        relevance = compiler.order_by_relevance
        page = []
        for position in range(self.start, end):
            docnum = results.docnum(position)
            score = results.score(position) if relevance else 0.0
            page.append((_text(pk_column[docnum]), score))
        objects = self._fetch([pk for pk, _ in page])
        hits = []
        for pk, score in page:
            obj = objects.get(pk)
            if obj is None:
                continue  # deleted, or no longer allowed: never shown
            if self._score_field is not None:
                setattr(obj, self._score_field, float(score or 0.0))
            hits.append(obj)
        return hits

    def _queryset_for_fetch(self):
        queryset = self.query_compiler.queryset
        if queryset.query.is_sliced or queryset.query.combinator:
            queryset = queryset.model._default_manager.all()
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def _fetch(self, pks):
        """Fetch the page's objects in one query, re-checking the queryset."""
        if not pks:
            return {}
        queryset = self._queryset_for_fetch().filter(pk__in=pks).order_by()
        return {str(obj.pk): obj for obj in queryset}

    def _search_ordered_by_database(self, index, searcher, query, allowed):
        results = self._run(searcher, query, allowed, limit=None, scored=False)
        pk_column = index.store.pk_column(searcher)
        pks = [_text(pk_column[docnum]) for docnum in results.docs()]
        if not pks:
            return []
        queryset = self._queryset_for_fetch().filter(pk__in=pks)
        if not queryset.query.order_by:
            queryset = queryset.order_by("-pk")
        hits = list(queryset[self.start : self.stop])
        if self._score_field is not None:
            for obj in hits:
                setattr(obj, self._score_field, 0.0)
        return hits

    def _matched(self):
        """(index, searcher, matched docnums), computed once per query and
        shared by the clones of this results object: a search page asks one
        query for its count and several facets."""
        shared = self._shared
        if "matched" not in shared:
            index, searcher, query, allowed = self._context()
            if query is NOTHING or allowed == set():
                docs = set()
            else:
                docs = set(
                    self._run(searcher, query, allowed, limit=None, scored=False).docs()
                )
            shared["matched"] = (index, searcher, docs)
        return shared["matched"]

    def _do_count(self):
        _index, _searcher, docs = self._matched()
        total = len(docs)
        stop = total if self.stop is None else min(total, self.stop)
        return max(0, stop - self.start)

    def facet(self, field_name):
        compiler = self.query_compiler
        field = compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to '
                f"{compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        index, searcher, docs = self._matched()
        if not docs:
            return OrderedDict()
        name = filter_field_name(compiler.queryset.model, field)
        spec = index.layout.specs.get(name)
        if spec is None:
            return self._facet_in_database(index, searcher, docs, field_name)
        reader = searcher.reader()
        whoosh_field = reader.schema[name]
        if isinstance(whoosh_field.column_type, NumericColumn) and not spec.multi:
            counts = _facet_from_column(reader, name, whoosh_field, spec, docs)
        else:
            counts = _facet_from_terms(reader, name, whoosh_field, spec, docs)
        counts.sort(key=lambda item: -item[1])
        return OrderedDict(counts)

    def _facet_in_database(self, index, searcher, docs, field_name):
        pk_column = index.store.pk_column(searcher)
        pks = [_text(pk_column[docnum]) for docnum in docs]
        rows = (
            self._queryset_for_fetch()
            .filter(pk__in=pks)
            .values(field_name)
            .annotate(count=Count("pk"))
            .order_by("-count")
        )
        return OrderedDict((row[field_name], row["count"]) for row in rows)


def _facet_from_terms(reader, name, whoosh_field, spec, docs) -> list:
    """Counts per indexed value, walking the field's terms: for fields with few
    distinct values (a state, a kind) or several values per document."""
    counts = []
    covered: set[int] = set()
    for term in whoosh_field.sortable_terms(reader, name):
        matching = docs.intersection(reader.postings(name, term).all_ids())
        if matching:
            covered |= matching
            value = from_index_value(spec.vtype, whoosh_field.from_bytes(term))
            counts.append((value, len(matching)))
    missing = len(docs) - len(covered)
    if missing:
        counts.append((None, missing))
    return counts


def _facet_from_column(reader, name, whoosh_field, spec, docs) -> list:
    """Counts per value read from the field's column for the matched documents
    only: a date or a foreign key has about as many distinct values as there
    are documents, so walking the terms would read the whole field. A document
    without a value holds the column's default (outside every real value)."""
    column = reader.column_reader(name, translate=False)
    raw = Counter(map(column.__getitem__, sorted(docs)))
    default = whoosh_field.column_type._default
    counts = []
    for value, n in raw.items():
        if value == default:
            counts.append((None, n))
        else:
            typed = whoosh_field.from_column_value(value)
            counts.append((from_index_value(spec.vtype, typed), n))
    return counts


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _sorting(sort):
    from whoosh.sorting import FieldFacet, MultiFacet

    if not sort:
        return None, False
    if len(sort) == 1:
        name, reverse = sort[0]
        return FieldFacet(name), reverse
    return MultiFacet([FieldFacet(name, reverse=rev) for name, rev in sort]), False


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
        self._layouts: dict[type, IndexLayout] = {}
        self._indexes: dict[type, WhooshIndex] = {}

    def layout_for(self, root) -> IndexLayout:
        if root not in self._layouts:
            self._layouts[root] = IndexLayout(root, self.language)
        return self._layouts[root]

    def get_index_for_model(self, model) -> WhooshIndex:
        root = get_model_root(model)
        if root not in self._indexes:
            self._indexes[root] = WhooshIndex(self, root)
        return self._indexes[root]

    def close_searchers(self) -> None:
        """Drop this thread's cached searchers (e.g. after copying files)."""
        close_searchers()
