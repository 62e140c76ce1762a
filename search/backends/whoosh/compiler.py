"""Translate modelsearch queries and Django querysets into Whoosh queries.

Filtering strategy (the confidentiality requirement): the queryset's filter is
always applied *before* Whoosh cuts the result list to the requested page, so a
user never gets fewer results because hidden documents scored higher.

1. When every condition of the queryset's WHERE clause is a literal lookup on a
   FilterField (or the primary key) of the model itself, it is translated into a
   Whoosh query and passed as ``filter=``; Whoosh then scores and ranks only
   allowed documents.
   A lookup ``field__in=<subquery>`` on such a field (how the portal's scoping
   selectors grant access: ``client__in=<the user's granted dossiers>``) counts
   as literal too: the subquery, which does not depend on the outer row, is run
   on its own (a small, indexed query) and its values become terms. A grant or
   revoke is therefore effective at the next search, without reindexing.
2. Otherwise (joins, correlated or large subqueries, expressions) the database
   evaluates the queryset once to the set of allowed primary keys, which
   becomes a set of Whoosh document numbers passed as ``filter=``. The result
   is the same; it costs one ``SELECT pk`` query over the whole table.

Either way counts, facets and autocomplete use the same filter.
"""

from __future__ import annotations

import datetime

from django.db.models.expressions import Col
from django.db.models.functions.datetime import ExtractYear
from django.db.models.lookups import Lookup, YearLookup
from django.db.models.sql import Query
from django.db.models.sql.where import NothingNode, WhereNode
from modelsearch.backends.base import BaseSearchQueryCompiler, get_model_root
from modelsearch.index import AutocompleteField
from modelsearch.query import (
    And,
    Boost,
    Fuzzy,
    MatchAll,
    Not,
    Or,
    Phrase,
    PlainText,
)
from whoosh import query as wq

from .analysis import AUTOCOMPLETE_MAX, analyze, autocomplete_query_analyzer
from .schema import (
    CONTENT_TYPES,
    NULLS,
    PK,
    PK_NUMBER,
    filter_field_name,
    to_index_value,
)

EVERY = wq.Every()
NOTHING = wq.NullQuery

#: A subquery in a scope (``client__in=Subquery(...)``) that yields at most this
#: many values is evaluated on its own and becomes Whoosh terms; a larger one
#: leaves the whole filter to the database.
MAX_SUBQUERY_VALUES = 5_000


class Untranslatable(Exception):
    """Raised internally when a filter must be evaluated by the database."""


def _and(queries):
    queries = [q for q in queries if q is not EVERY]
    if any(q is NOTHING for q in queries):
        return NOTHING
    if not queries:
        return EVERY
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _or(queries):
    queries = [q for q in queries if q is not NOTHING]
    if any(q is EVERY for q in queries):
        return EVERY
    if not queries:
        return NOTHING
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _not(query):
    if query is EVERY:
        return NOTHING
    if query is NOTHING:
        return EVERY
    return wq.AndNot(EVERY, query)


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    """Compiles ``search()`` calls; see the module docstring for filtering."""

    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True
    autocomplete = False

    # ------------------------------------------------------------ fields

    def index(self, backend):
        return backend.get_index_for_model(self.queryset.model)

    def target_fields(self, layout) -> dict[str, float]:
        """Whoosh field name -> boost for the fields this query searches."""
        available = layout.text_fields()
        if self.fields is None:
            return available
        model = self.queryset.model
        wanted = {}
        for search_field in model.get_searchable_search_fields():
            if search_field.field_name in self.fields:
                name = _leaf_name(model, search_field, "t_")
                if name in available:
                    wanted[name] = available[name]
        return wanted

    def analyzer(self, layout):
        return layout.schema()[next(iter(layout.text_fields()), PK)].analyzer

    # ------------------------------------------------------------- query

    def whoosh_query(self, layout):
        """The scoring part of the search, without any filter."""
        fields = self.target_fields(layout)
        if not fields and not isinstance(self.query, MatchAll):
            return NOTHING
        self._fields = fields
        self._analyzer = self.analyzer(layout) if fields else None
        return self._compile(self.query)

    def _terms(self, text):
        return analyze(self._analyzer, text)

    def _compile(self, query):
        if isinstance(query, MatchAll):
            return EVERY
        if isinstance(query, PlainText):
            terms = self._terms(query.query_string)
            combine = _and if query.operator == "and" else _or
            compiled = combine([self._term(t) for t in terms]) if terms else NOTHING
            if query.boost != 1 and compiled not in (EVERY, NOTHING):
                compiled = compiled.with_boost(compiled.boost * query.boost)
            return compiled
        if isinstance(query, Phrase):
            terms = self._terms(query.query_string)
            if not terms:
                return NOTHING
            if len(terms) == 1:
                return self._term(terms[0])
            return _or(
                [
                    wq.Phrase(name, terms, boost=boost)
                    for name, boost in self._fields.items()
                ]
            )
        if isinstance(query, Fuzzy):
            terms = self._terms(query.query_string)
            combine = _and if query.operator == "and" else _or
            return combine([self._fuzzy(t) for t in terms]) if terms else NOTHING
        if isinstance(query, Boost):
            compiled = self._compile(query.subquery)
            if compiled in (EVERY, NOTHING):
                return compiled
            return compiled.with_boost(compiled.boost * query.boost)
        if isinstance(query, And):
            positive, negative = [], []
            for sub in query.subqueries:
                if isinstance(sub, Not):
                    negative.append(self._compile(sub.subquery))
                else:
                    positive.append(self._compile(sub))
            compiled = _and(positive)
            if negative and compiled is not NOTHING:
                excluded = _or(negative)
                if excluded is EVERY:
                    return NOTHING
                if excluded is not NOTHING:
                    compiled = wq.AndNot(compiled, excluded)
            return compiled
        if isinstance(query, Or):
            return _or([self._compile(sub) for sub in query.subqueries])
        if isinstance(query, Not):
            return _not(self._compile(query.subquery))
        raise NotImplementedError(
            f"`{type(query).__name__}` is not supported by the Whoosh search backend."
        )

    def _term(self, text):
        return _or(
            [wq.Term(name, text, boost=boost) for name, boost in self._fields.items()]
        )

    def _fuzzy(self, text):
        maxdist = 1 if len(text) <= 5 else 2
        return _or(
            [
                wq.FuzzyTerm(name, text, boost=boost, maxdist=maxdist, prefixlength=1)
                for name, boost in self._fields.items()
            ]
        )

    # ------------------------------------------------------------ filter

    def _process_filter(self, column, lookup, value, check_only=False):
        # Scoping a search by primary key (``pk__in=Subquery(...)``) is how the
        # portal applies permissions, so it must not require every model to
        # declare ``FilterField("id")``; the database or the ``pk`` field
        # evaluates it.
        if check_only and isinstance(column, Col) and column.target.primary_key:
            return None
        return super()._process_filter(column, lookup, value, check_only)

    def content_type_filter(self):
        model = self.queryset.model
        if get_model_root(model) is model:
            return EVERY
        return wq.Term(CONTENT_TYPES, model.indexed_get_content_type())

    def engine_filter(self):
        """The queryset filter as a Whoosh query, or raise Untranslatable."""
        query = self.queryset.query
        if query.is_sliced or query.combinator or query.distinct_fields:
            raise Untranslatable
        translated = self._where(query.where)
        return _and([self.content_type_filter(), translated])

    def _where(self, node):
        if isinstance(node, NothingNode):
            return NOTHING
        if isinstance(node, WhereNode):
            children = [self._where(child) for child in node.children]
            combined = _and(children) if node.connector == "AND" else _or(children)
            return _not(combined) if node.negated else combined
        if isinstance(node, YearLookup) and isinstance(node.lhs, ExtractYear):
            return self._year_lookup(node)
        if isinstance(node, Lookup):
            return self._lookup(node.lhs, node.lookup_name, node.rhs)
        raise Untranslatable

    def _year_lookup(self, node):
        year = node.rhs
        if not isinstance(year, int):
            raise Untranslatable
        column = node.lhs.lhs
        start = datetime.date(year, 1, 1)
        end = datetime.date(year + 1, 1, 1)
        lookup = node.lookup_name
        if lookup == "exact":
            return _and(
                [self._lookup(column, "gte", start), self._lookup(column, "lt", end)]
            )
        if lookup in ("gte", "lt"):
            return self._lookup(column, lookup, start)
        if lookup == "gt":
            return self._lookup(column, "gte", end)
        if lookup == "lte":
            return self._lookup(column, "lt", end)
        raise Untranslatable

    def _column_field(self, column):
        """Return (whoosh field name, vtype) for a column of the base model."""
        if not isinstance(column, Col):
            raise Untranslatable
        query = self.queryset.query
        alias = column.alias
        while True:
            join = query.alias_map[alias]
            if join.parent_alias is None:
                break
            join_field = join.join_field
            if not (
                join_field.one_to_one
                and getattr(join_field.remote_field, "parent_link", False)
            ):
                raise Untranslatable
            alias = join.parent_alias
        target = column.target
        if target.primary_key:
            # Every primary key in a multi-table chain equals the root's pk.
            return PK, "pk"
        model = self.queryset.model
        for search_field in model.get_filterable_search_fields():
            if search_field.get_attname(model) == target.attname:
                name = filter_field_name(model, search_field)
                spec = self._layout.specs.get(name)
                if spec is None:
                    raise Untranslatable
                return name, spec.vtype
        raise Untranslatable

    def _lookup(self, column, lookup, value):
        name, vtype = self._column_field(column)
        if vtype == "pk":
            return self._pk_lookup(lookup, value)
        if lookup == "isnull":
            if not isinstance(value, bool):
                raise Untranslatable
            null = wq.Term(NULLS, name)
            return null if value else _not(null)
        if lookup == "in" and isinstance(value, Query):
            values = self._subquery_values(value)
            return _or([self._equals(name, vtype, v) for v in values])
        if hasattr(value, "resolve_expression") or hasattr(value, "query"):
            raise Untranslatable
        if lookup == "exact":
            return self._equals(name, vtype, value)
        if lookup == "in":
            try:
                values = list(value)
            except TypeError as exc:
                raise Untranslatable from exc
            return _or([self._equals(name, vtype, v) for v in values])
        if lookup in ("lt", "lte", "gt", "gte", "range"):
            return self._range(name, vtype, lookup, value)
        if lookup == "startswith" and vtype == "str" and isinstance(value, str):
            return wq.Prefix(name, value) if value else EVERY
        raise Untranslatable

    def _convert(self, vtype, value):
        try:
            return to_index_value(vtype, value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise Untranslatable from exc

    def _equals(self, name, vtype, value):
        converted = self._convert(vtype, value)
        if converted is None:
            return NOTHING  # ``= NULL`` is never true in SQL
        if vtype == "str":
            return wq.Term(name, converted)
        return _range_query(name, vtype, converted, converted)

    def _range(self, name, vtype, lookup, value):
        if vtype == "str":
            raise Untranslatable  # string ordering differs between engines
        if lookup == "range":
            low, high = (self._convert(vtype, v) for v in value)
            if low is None or high is None:
                raise Untranslatable
            return _range_query(name, vtype, low, high)
        converted = self._convert(vtype, value)
        if converted is None:
            raise Untranslatable
        if lookup in ("lt", "lte"):
            return _range_query(name, vtype, None, converted, endexcl=lookup == "lt")
        return _range_query(name, vtype, converted, None, startexcl=lookup == "gt")

    def _subquery_values(self, subquery: Query) -> list:
        """Run an uncorrelated one-column subquery; raise if it cannot be used."""
        if subquery.combinator or subquery.get_external_cols():
            raise Untranslatable  # a UNION etc., or correlated (OuterRef)
        limited = subquery.clone()
        if limited.is_sliced:
            raise Untranslatable
        limited.set_limits(high=MAX_SUBQUERY_VALUES + 1)
        rows = list(limited.get_compiler(using=self.queryset.db).results_iter())
        if len(rows) > MAX_SUBQUERY_VALUES or any(len(row) != 1 for row in rows):
            raise Untranslatable
        values = [row[0] for row in rows]
        if any(v is None for v in values):
            # ``x NOT IN (1, NULL)`` is never true in SQL; leave it to the DB.
            raise Untranslatable
        return values

    def _pk_lookup(self, lookup, value):
        if lookup == "in" and isinstance(value, Query):
            value = self._subquery_values(value)
        if hasattr(value, "resolve_expression") or hasattr(value, "query"):
            raise Untranslatable
        if lookup == "exact":
            values = [value]
        elif lookup == "in":
            try:
                values = list(value)
            except TypeError as exc:
                raise Untranslatable from exc
        else:
            raise Untranslatable
        if not all(isinstance(v, str | int) or hasattr(v, "hex") for v in values):
            raise Untranslatable
        return _or([wq.Term(PK, str(v)) for v in values])

    def prepare(self, layout):
        self._layout = layout

    # ---------------------------------------------------------- ordering

    def sort_spec(self):
        """Return [(whoosh field, reverse)] or None when the DB must order."""
        if self.order_by_relevance:
            return []
        order = self.queryset.query.order_by
        if not order:
            return None if not self._layout.integer_pk else [(PK_NUMBER, True)]
        spec = []
        for reverse, search_field in self._get_order_by():
            name = filter_field_name(self.queryset.model, search_field)
            field_spec = self._layout.specs.get(name)
            if field_spec is None or field_spec.multi:
                return None
            spec.append((name, reverse))
        if len(spec) != len(order):
            return None  # an expression such as F("x").asc(): let the DB order
        return spec


def _range_query(name, vtype, start, end, startexcl=False, endexcl=False):
    if vtype in ("date", "datetime"):
        return wq.DateRange(name, start, end, startexcl=startexcl, endexcl=endexcl)
    return wq.NumericRange(name, start, end, startexcl=startexcl, endexcl=endexcl)


def _leaf_name(model, search_field, prefix):
    root = get_model_root(model)
    definition = search_field.get_definition_model(model)
    if (
        definition is not None
        and definition is not root
        and isinstance(definition, type)
        and issubclass(definition, root)
    ):
        return (
            prefix
            + definition._meta.label_lower.replace(".", "_")
            + "__"
            + (search_field.field_name)
        )
    return prefix + search_field.field_name


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """Compiles ``autocomplete()`` calls against the edge n-gram fields."""

    autocomplete = True

    def target_fields(self, layout) -> dict[str, float]:
        available = layout.autocomplete_fields()
        if self.fields is None:
            return dict.fromkeys(available, 1.0)
        model = self.queryset.model
        wanted = {}
        for search_field in model.get_search_fields():
            if (
                isinstance(search_field, AutocompleteField)
                and search_field.field_name in self.fields
            ):
                name = _leaf_name(model, search_field, "a_")
                if name in available:
                    wanted[name] = 1.0
        return wanted

    def analyzer(self, layout):
        return autocomplete_query_analyzer()

    def _terms(self, text):
        return [term[:AUTOCOMPLETE_MAX] for term in super()._terms(text)]


__all__ = [
    "Untranslatable",
    "WhooshAutocompleteQueryCompiler",
    "WhooshSearchQueryCompiler",
]
