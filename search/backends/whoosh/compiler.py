"""Translate modelsearch queries into Whoosh queries (the scoring part).

The queryset's filter is translated by ``filters``, a mixin of the compiler
classes here (modelsearch knows one compiler class per kind of call); its
docstring gives the filtering strategy.
"""

from __future__ import annotations

from django.db.models.expressions import Col
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
from .combine import EVERY, NOTHING, AndNot, FuzzyTerm, and_, not_, or_
from .filters import FilterTranslation, Untranslatable
from .mapping import filter_field_name
from .phrase import Phrase as WordsPhrase
from .schema import PK, PK_NUMBER


class WhooshSearchQueryCompiler(FilterTranslation, BaseSearchQueryCompiler):
    """Compiles ``search()`` calls; see ``filters`` for filtering."""

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
            combine = and_ if query.operator == "and" else or_
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
            return or_(
                [
                    WordsPhrase(name, terms, boost=boost)
                    for name, boost in self._fields.items()
                ]
            )
        if isinstance(query, Fuzzy):
            terms = self._terms(query.query_string)
            combine = and_ if query.operator == "and" else or_
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
            compiled = and_(positive)
            if negative and compiled is not NOTHING:
                excluded = or_(negative)
                if excluded is EVERY:
                    return NOTHING
                if excluded is not NOTHING:
                    compiled = AndNot(compiled, excluded)
            return compiled
        if isinstance(query, Or):
            return or_([self._compile(sub) for sub in query.subqueries])
        if isinstance(query, Not):
            return not_(self._compile(query.subquery))
        raise NotImplementedError(
            f"`{type(query).__name__}` is not supported by the Whoosh search backend."
        )

    def _term(self, text):
        return or_(
            [wq.Term(name, text, boost=boost) for name, boost in self._fields.items()]
        )

    def _fuzzy(self, text):
        maxdist = 1 if len(text) <= 5 else 2
        return or_(
            [
                FuzzyTerm(name, text, boost=boost, maxdist=maxdist, prefixlength=1)
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
