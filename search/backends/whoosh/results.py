"""The read side of the backend: lazily evaluated search results and facets.

Running a compiled query under the user's scope (the allowed set is applied
before the top-k cut), fetching the page from the database, counting and
faceting. Apart from ``index`` because this is what every search page runs,
and where confidentiality is kept; the rules are in ``filters``.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict

from django.db.models import Count
from modelsearch.backends.base import BaseSearchResults, FilterFieldError
from whoosh import query as wq
from whoosh.columns import NumericColumn
from whoosh.formats import Positions
from whoosh.matching import FilterMatcher

from .codec import phrase_key, remember_phrase
from .combine import EVERY, NOTHING, Or
from .docset import restrict
from .filters import Untranslatable
from .mapping import filter_field_name, from_index_value
from .phrase import Phrase, positions
from .schema import CONTENT_TYPES, NULLS, PK

#: Allowed sets smaller than this share of the index are intersected inside
#: the matcher (see ``docset``); larger ones use Whoosh's ``filter=``.
INTERSECT_BELOW = 0.3


class WhooshSearchResults(BaseSearchResults):
    """Lazily evaluated search results; see ``filters`` for the filter rules."""

    supports_facet = True

    def __init__(self, backend, query_compiler, prefetch_related=None):
        super().__init__(backend, query_compiler, prefetch_related=prefetch_related)
        self._shared: dict = {}

    def _clone(self):
        new = super()._clone()
        new._shared = self._shared
        return new

    def _context(self):
        """(index, searcher, query, (allowed, excluded)), once per query: shared
        by the clones, so the page's count, facets and slice translate the
        user's scope (its subqueries) and materialise the allowed set only
        once."""
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
        """(allowed, excluded): the allowed docnums, None for every document,
        or a set (possibly empty); and the docnums excluded from those (a set,
        possibly empty), kept apart so that "everything but a few" never
        lists everything."""
        compiler = self.query_compiler
        try:
            engine_filter = compiler.engine_filter()
        except Untranslatable:
            mapping = index.store.pk_to_docnum(searcher)
            pks = compiler.queryset.order_by().values_list("pk", flat=True)
            return {mapping[key] for key in map(str, pks) if key in mapping}, set()
        # Materialised here (not by Whoosh) because Whoosh treats an empty
        # filter set as "no filter": that would leak every document.
        allowed, excluded = _materialise(
            engine_filter,
            searcher,
            lambda: index.store.pk_to_docnum(searcher),
            lambda query: index.store.filter_docs(searcher, query),
        )
        if allowed is not None:
            return allowed - excluded, set()
        return None, excluded

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
        allowed, excluded = allowed
        if (
            allowed is not None
            and query is not EVERY
            and len(allowed) <= searcher.doc_count_all() * INTERSECT_BELOW
        ):
            query, allowed = restrict(query, allowed), None
        return searcher.search(
            query,
            filter=allowed,
            mask=excluded or None,
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
        if (
            allowed[0] is not None
            and query is not EVERY
            and len(allowed[0]) <= searcher.doc_count_all() * INTERSECT_BELOW
        ):
            # A restricted user: his hits are counted first, looked up among
            # his few documents (a page has counted them already), and the
            # ranking only visits those (not each allowed document through
            # the phrase matcher, which reads positions in every document
            # holding the words on its way to the next allowed one). Not for
            # an unrestricted search: Whoosh's own ranking passes whole blocks
            # that cannot reach the top, which visiting each hit would not.
            matched = self._matched()[2]
            if len(matched) < len(allowed[0]):
                allowed = (matched, set())
        if query is NOTHING or allowed[0] == set():
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
            docs = None
            if query is NOTHING or allowed[0] == set():
                docs = set()
            elif query is not EVERY:
                if (
                    allowed[0] is None
                    or len(allowed[0]) > searcher.doc_count_all() * INTERSECT_BELOW
                ):
                    docs = matching_docs(query, searcher)
                    if docs is not None and allowed[0] is not None:
                        docs &= allowed[0]
                else:  # a few allowed documents: looked up in each list
                    docs = matching_docs(query, searcher, among=allowed[0])
                if docs is not None:
                    docs -= allowed[1]
            if docs is None:
                docs = set(
                    self._run(searcher, query, allowed, limit=None, scored=False).docs()
                )
            shared["matched"] = (index, searcher, docs)
        return shared["matched"]

    def matches_any(self) -> bool:
        """Whether the query matches any document at all: stops at the first
        match (no counting, no scoring). Only ever answers False when there is
        no match; a deleted document, or a phrase whose words a document holds
        apart (:func:`_loosened`), may make it answer True."""
        _index, searcher, query, (allowed, excluded) = self._context()
        if query is NOTHING or allowed == set():
            return False
        if allowed is not None or excluded:
            return bool(self._do_count())
        if query is EVERY:
            return searcher.doc_count() > 0
        leaves = searcher.leaf_searchers()
        loose = _loosened(query)
        return any(loose.matcher(leaf).is_active() for leaf, _offset in leaves)

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
            values = index.store.column_values(searcher, name)
            counts = _facet_from_column(values, whoosh_field, spec, docs)
        else:
            counts = _facet_from_terms(reader, name, whoosh_field, spec, docs)
        counts.sort(key=lambda item: -item[1])
        return OrderedDict(counts)

    def facet_by_year(self, field_name, year_start):
        """Hits per year of a date field, or None where this cannot be read
        from the field's column (then ``facet`` and the caller's own years).
        ``year_start(year)`` is the moment the year starts as a naive UTC
        datetime (for a date field: 1 January, whatever the time zone). The
        matched documents' column values are sorted once and the years'
        starts looked up in them: no date is converted."""
        compiler = self.query_compiler
        field = compiler._get_filterable_field(field_name)
        if field is None:
            return None
        index, searcher, docs = self._matched()
        if not docs:
            return Counter()
        name = filter_field_name(compiler.queryset.model, field)
        spec = index.layout.specs.get(name)
        if spec is None or spec.multi or spec.vtype not in ("date", "datetime"):
            return None
        reader = searcher.reader()
        whoosh_field = reader.schema[name]
        if not isinstance(whoosh_field.column_type, NumericColumn):
            return None
        values = index.store.column_values(searcher, name)
        default = whoosh_field.column_type._default
        raw = _dated_values(values, docs, default)
        if not raw:
            return Counter()

        def start(year):
            if spec.vtype == "date":
                return datetime.datetime(year, 1, 1)  # noqa: DTZ001 (stored naive)
            return year_start(year)

        first = whoosh_field.from_column_value(raw[0]).year - 1
        last = whoosh_field.from_column_value(raw[-1]).year + 1
        bounds = [
            bisect_left(raw, whoosh_field.to_column_value(start(year)))
            for year in range(first, last + 2)
        ]
        return Counter(
            {
                year: bounds[i + 1] - bounds[i]
                for i, year in enumerate(range(first, last + 1))
                if bounds[i + 1] > bounds[i]
            }
        )

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


def _loosened(query):
    """``query`` with each phrase that must match as the "and" of its words:
    it matches every document ``query`` matches, and is found without reading
    word positions. Only "or" and "and" are looked into (a phrase under "and
    not" stays a phrase: loosened there it would exclude more)."""
    kind = type(query)
    if kind is wq.Phrase or kind is Phrase:
        return wq.And([wq.Term(query.fieldname, word) for word in query.words])
    if ((kind is wq.Or or kind is Or) and not query.minmatch) or kind is wq.And:
        return query.apply(_loosened)
    return query


def matching_docs(query, searcher, among=None) -> set | None:
    """The live documents ``query`` matches, as a set of document numbers,
    evaluated set by set: a word's posting list is read block by block
    (``codec.BlockMatcher.all_ids``), "or" is a union, "and" an intersection,
    "and not" a difference. Whoosh's unscored search instead steps a matcher
    tree one document at a time (a union of a word's fields alone costs
    several method calls per document): counting the ~19,000 hits of a common
    word at 100,000 documents took most of a search page. A phrase is checked
    by word positions (:func:`_phrase_docs`). None when the query holds
    anything else; the caller then searches as before.

    ``among`` (a set of document numbers, or None for all) limits the answer
    to those documents and the reading to the blocks that hold them: a
    restricted user's few allowed documents are looked up in each list
    instead of every hit being listed."""
    docs: set = set()
    wanted = None if among is None else sorted(among)
    for leaf, offset in searcher.leaf_searchers():
        local = None
        if wanted is not None:
            end = offset + leaf.doc_count_all()
            local = {
                d - offset
                for d in wanted[bisect_left(wanted, offset) : bisect_left(wanted, end)]
            }
            if not local:
                continue
        part = _leaf_docs(query, leaf, local)
        if part is None:
            return None
        reader = leaf.reader()
        if reader.has_deletions():
            part = {d for d in part if not reader.is_deleted(d)}
        docs.update(d + offset for d in part) if offset else docs.update(part)
    return docs


def _leaf_docs(query, leaf, among=None) -> set | None:
    """The documents of one segment ``query`` matches (deleted ones possibly
    included), only those of ``among`` when given."""
    # Exact types: a subclass may mean more (``Ordered`` is an ``And`` with
    # word order, ``FuzzyTerm`` expands its word).
    kind = type(query)
    if query is NOTHING or (among is not None and not among):
        return set()
    if kind is wq.Term:
        return _term_docs(query, leaf, among)
    if (kind is wq.Or or kind is Or) and not query.minmatch:
        docs: set = set()
        for child in query.subqueries:
            part = _leaf_docs(child, leaf, among)
            if part is None:
                return None
            docs |= part
        return docs
    if kind is wq.And:
        docs = None
        for child in query.subqueries:
            if among is None:
                part = _leaf_docs(child, leaf)
                docs = part if docs is None or part is None else docs & part
            else:  # each next part is only looked up among what is left
                docs = _leaf_docs(child, leaf, among if docs is None else docs)
            if docs is None:
                return None
            if not docs:
                return set()
        return docs if docs is not None else set()
    if isinstance(query, wq.AndNot):  # Whoosh's or ours (combine.AndNot)
        positive = _leaf_docs(query.a, leaf, among)
        if positive is None:
            return None
        if not positive:
            return set()
        negative = _leaf_docs(query.b, leaf, positive if among is not None else None)
        return None if negative is None else positive - negative
    if kind is wq.Phrase or kind is Phrase:
        return _phrase_docs(query, leaf, among)
    return None


def _term_docs(query, leaf, among=None) -> set:
    matcher = _postings(leaf, query.fieldname, query.text)
    if matcher is None:
        return set()
    if among is None:
        if hasattr(matcher, "ids_into"):
            docs: set = set()
            matcher.ids_into(docs)
            return docs
        return set(matcher.all_ids())
    if not hasattr(matcher, "items_among"):  # a stock reader (an inline list)
        return among.intersection(matcher.all_ids())
    return {docnum for docnum, _value in matcher.items_among(among, values=False)}


def _postings(leaf, fieldname, text):
    """The raw posting list of a word in one segment (deleted documents
    included), or None when the segment does not hold it."""
    schema = leaf.schema
    if fieldname not in schema:
        return None
    try:
        btext = schema[fieldname].to_bytes(text)
    except ValueError:
        return None
    reader = leaf.reader()
    if (fieldname, btext) not in reader:
        return None
    matcher = reader.postings(fieldname, btext)
    # Deleted documents are left out once, for the whole query (the reader's
    # exclusion wrapper would step through the list document by document).
    while isinstance(matcher, FilterMatcher) and matcher._exclude:
        matcher = matcher.child
    return matcher


def _phrase_docs(query, leaf, among=None) -> set:
    """The documents of one segment where the phrase's words stand next to
    each other in this order: the words' document sets are intersected first,
    and positions are read only for the documents holding every word. This is
    what Whoosh's phrase matcher (``SpanNear2``, slop 1: each word exactly one
    position after the previous one) decides, without its span objects for
    every candidate document: counting a phrase of two common words at
    100,000 documents took Whoosh's matcher most of a second."""
    if query.fieldname not in leaf.schema:
        return set()
    field = leaf.schema[query.fieldname]
    lists = [_postings(leaf, query.fieldname, word) for word in query.words]
    if any(m is None for m in lists):
        return set()
    if (
        query.slop != 1
        or len(query.words) < 2
        or type(field.format) is not Positions
        or not all(hasattr(m, "items_among") for m in lists)
    ):
        docs = set(query.matcher(leaf).all_ids())
        return docs if among is None else docs & among
    # The rarest word's documents are the candidates; each word then reads
    # its positions only where the phrase so far still stands.
    reader = leaf.reader()
    rarest = min(
        query.words,
        key=lambda w: reader.doc_frequency(query.fieldname, field.to_bytes(w)),
    )
    candidates = _term_docs(wq.Term(query.fieldname, rarest), leaf, among)
    # The first word's raw values are kept (bytes: nothing for the garbage
    # collector to walk) and decoded only against the second word's.
    first = dict(lists[0].items_among(candidates))
    ends: dict = first
    for number, matcher in enumerate(lists[1:]):
        following = {}
        for docnum, value in matcher.items_among(ends.keys()):
            before = positions(first[docnum]) if not number else ends[docnum]
            found = {p + 1 for p in before}.intersection(positions(value))
            if found:
                following[docnum] = found
        ends = following
        if not ends:
            break
    if among is None:  # every document of the segment: the ranking may use it
        remember_phrase(phrase_key(reader, query.fieldname, query.words), ends)
    return set(ends)


def _dated_values(values, docs, default) -> list:
    """The column ``values`` of ``docs``, sorted, without the column's default
    (a document without a date): sorted first, then the defaults cut out in
    one slice, with no Python comparison per hit (the year facet of a common
    word's ~90,000 hits)."""
    raw = sorted(map(values.__getitem__, docs))
    del raw[bisect_left(raw, default) : bisect_right(raw, default)]
    return raw


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


def _facet_from_column(values, whoosh_field, spec, docs) -> list:
    """Counts per value of the field's column (``values``: every document's,
    ``IndexStore.column_values``) for the matched documents only: a date or a
    foreign key has about as many distinct values as there are documents, so
    walking the terms would read the whole field. A document without a value
    holds the column's default (outside every real value)."""
    raw = Counter(map(values.__getitem__, docs))
    default = whoosh_field.column_type._default
    counts = []
    for value, n in sorted(raw.items()):  # ties in a steady order
        if value == default:
            counts.append((None, n))
        else:
            typed = whoosh_field.from_column_value(value)
            counts.append((from_index_value(spec.vtype, typed), n))
    return counts


def _materialise(query, searcher, pk_map, docs_for=None) -> tuple[set | None, set]:
    """A translated filter as (allowed docnums or None for all, excluded
    docnums). "Not X" becomes an exclusion, so that "every file but the few
    repeated copies" costs the few; a set of primary keys is looked up in the
    index's (cached) pk -> docnum map instead of term by term."""
    if query is EVERY:
        return None, set()
    if query is NOTHING:
        return set(), set()
    if isinstance(query, wq.AndNot) and query.a is EVERY:
        return None, _positive(query.b, searcher, pk_map, docs_for)
    if isinstance(query, wq.And):
        allowed, excluded = None, set()
        # A list of primary keys first: once the allowed set is a few
        # documents, a further condition (not deleted, a client) is checked
        # for those documents only, never listed for the whole index.
        for child in sorted(query.subqueries, key=lambda c: not _pk_terms(c)):
            if allowed is not None and not _exclusion(child):
                if docs_for is not None and _structural(child):
                    # "Not deleted" over a user's ~1,000 files: the kept set
                    # of the index's live files, one lookup per file, instead
                    # of skipping a posting list of every file to each.
                    allowed = allowed & docs_for(child)
                else:
                    allowed = _among(child, searcher, allowed)
                continue
            child_allowed, child_excluded = _materialise(
                child, searcher, pk_map, docs_for
            )
            excluded |= child_excluded
            if child_allowed is not None:
                allowed = child_allowed if allowed is None else allowed & child_allowed
        return allowed, excluded
    allowed = _positive(query, searcher, pk_map, docs_for)
    if (
        docs_for is not None
        and _structural(query)
        and len(allowed) == searcher.doc_count()
    ):
        # Every live document ("not deleted" while no file is): no filter at
        # all, so the ranking runs as an unfiltered one (Whoosh checked each
        # hit against a set of every document, ~60 % more time at 100,000).
        return None, set()
    return allowed, set()


def _pk_terms(query) -> list | None:
    """The ``pk`` terms of a query that lists primary keys, else None."""
    terms = query.subqueries if isinstance(query, wq.Or) else [query]
    if all(isinstance(t, wq.Term) and t.fieldname == PK for t in terms):
        return terms
    return None


def _exclusion(query) -> bool:
    return isinstance(query, wq.AndNot) and query.a is EVERY


def _positive(query, searcher, pk_map, docs_for=None) -> set:
    """The live docnums ``query`` matches. ``docs_for(query)``, when given,
    lists a structural filter's (``_structural``): the index store keeps
    those with its searcher; the result is then shared, never to be changed."""
    terms = _pk_terms(query)
    if terms is not None:
        try:
            mapping = pk_map()
        except NotImplementedError:  # an index without documents has no pk column
            return set()
        return {mapping[t.text] for t in terms if t.text in mapping}
    if docs_for is not None and _structural(query):
        return docs_for(query)
    return set(searcher.docs_for_query(query))


def _structural(query) -> bool:
    """A filter on the index's own structure, the same for every user: one
    model of a hierarchy, a field without a value ("not deleted"). Only these
    are kept with the searcher (``docs_for``); a filter with a user's values
    in it (a facet, a grant) is listed for that search alone."""
    return type(query) is wq.Term and query.fieldname in (NULLS, CONTENT_TYPES)


def _among(query, searcher, docs: set) -> set:
    """The documents of ``docs`` that ``query`` matches, each found by skipping
    the query's matcher to it (a few documents among many)."""
    if query is EVERY or not docs:
        return set(docs)
    if query is NOTHING:
        return set()
    kept = set()
    ordered = sorted(docs)
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        matcher = query.matcher(leaf)
        for docnum in ordered[bisect_left(ordered, offset) : bisect_left(ordered, end)]:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum - offset)
            if matcher.is_active() and matcher.id() == docnum - offset:
                kept.add(docnum)
    return kept


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
