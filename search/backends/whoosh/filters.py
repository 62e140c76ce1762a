"""Filter translation: a queryset's WHERE clause as a Whoosh filter query.

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

Apart from the query translation (``compiler``) because the two answer
different questions: the filter decides what a user may see, the query only
which of those documents match and in what order.
"""

from __future__ import annotations

import datetime

from django.db.models.expressions import Col
from django.db.models.functions.datetime import ExtractYear
from django.db.models.lookups import Lookup, YearLookup
from django.db.models.sql import Query
from django.db.models.sql.where import NothingNode, WhereNode
from modelsearch.backends.base import get_model_root
from whoosh import query as wq

from .combine import EVERY, NOTHING, and_, not_, or_
from .mapping import filter_field_name, to_index_value
from .schema import CONTENT_TYPES, NULLS, PK

#: A subquery in a scope (``client__in=Subquery(...)``) that yields at most this
#: many values is evaluated on its own and becomes Whoosh terms; a larger one
#: leaves the whole filter to the database.
MAX_SUBQUERY_VALUES = 5_000


class Untranslatable(Exception):
    """Raised internally when a filter must be evaluated by the database."""


class FilterTranslation:
    """The filter half of the query compiler (mixed into it).

    Uses the compiler's ``queryset`` and the layout it was given by
    ``prepare()``.
    """

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
        return and_([self.content_type_filter(), translated])

    def _where(self, node):
        if isinstance(node, NothingNode):
            return NOTHING
        if isinstance(node, WhereNode):
            children = [self._where(child) for child in node.children]
            combined = and_(children) if node.connector == "AND" else or_(children)
            return not_(combined) if node.negated else combined
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
            return and_(
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
            return null if value else not_(null)
        if lookup == "in" and isinstance(value, Query):
            values = self._subquery_values(value)
            return or_([self._equals(name, vtype, v) for v in values])
        if hasattr(value, "resolve_expression") or hasattr(value, "query"):
            raise Untranslatable
        if lookup == "exact":
            return self._equals(name, vtype, value)
        if lookup == "in":
            try:
                values = list(value)
            except TypeError as exc:
                raise Untranslatable from exc
            return or_([self._equals(name, vtype, v) for v in values])
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
        return or_([wq.Term(PK, str(v)) for v in values])


def _range_query(name, vtype, start, end, startexcl=False, endexcl=False):
    if vtype in ("date", "datetime"):
        return wq.DateRange(name, start, end, startexcl=startexcl, endexcl=endexcl)
    return wq.NumericRange(name, start, end, startexcl=startexcl, endexcl=endexcl)
