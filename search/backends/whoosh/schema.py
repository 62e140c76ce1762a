"""The Whoosh schema and the documents of one model hierarchy (``IndexLayout``).

One Whoosh index holds every model that shares a concrete root model (like the
Elasticsearch backend), so the schema is the union of the fields of all indexed
models in that hierarchy. Each field is described by ``mapping`` (its name, value
type and how to read it); those names are re-exported here because code outside
the backend (the benchmark) imports them from this module.

Only ``pk`` is stored (as a column, not a stored field): results are fetched
from the database in one query, so storing text would only cost indexing time
and disk. Highlighting re-analyses the database text instead (see
``highlight()`` in the package).
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property

from django.db.models import Manager
from django.utils.encoding import force_str
from modelsearch.backends.base import get_model_root
from modelsearch.index import RelatedFields, get_indexed_models
from whoosh import columns as wc
from whoosh import fields as wf
from whoosh.analysis import RegexTokenizer

from .analysis import autocomplete_analyzer, text_analyzer
from .mapping import (
    BOOL_TYPES,
    FLOAT_TYPES,
    INT_TYPES,
    MULTI_SEPARATOR,
    Extractor,
    FieldSpec,
    build_extractors,
    filter_field_name,
    from_index_value,
    plain_getter,
    prepare_text,
    to_index_value,
    value_type,
)

#: Bump when the document layout changes in a way the fingerprint cannot see.
#: 2: the integer pk used for ordering is a column only (not indexed).
#: 3: dots and underscores separate words (``analysis.WORD_PATTERN``).
#: 4: the analyzers pickled into the index moved from ``search.analysis`` to
#:    ``search.backends.whoosh.analysis``; an older index cannot be unpickled.
SCHEMA_VERSION = 4

PK = "pk"
PK_NUMBER = "x_pkn"
CONTENT_TYPES = "x_ct"
NULLS = "x_nulls"


def _leaf_specs(extractors):
    for extractor in extractors:
        if extractor.children:
            yield from _leaf_specs(extractor.children)
        else:
            yield extractor.spec


class IndexLayout:
    """The Whoosh schema and document builder for one model hierarchy."""

    def __init__(self, root, language: str) -> None:
        self.root = root
        self.language = language
        self.models = [m for m in get_indexed_models() if get_model_root(m) is root]
        self._extractors: dict[type, list[Extractor]] = {}
        self._schema: wf.Schema | None = None

    def extractors(self, model) -> list[Extractor]:
        if model not in self._extractors:
            self._extractors[model] = build_extractors(model)
        return self._extractors[model]

    @cached_property
    def specs(self) -> dict[str, FieldSpec]:
        specs: dict[str, FieldSpec] = {}
        for model in self.models:
            for spec in _leaf_specs(self.extractors(model)):
                previous = specs.get(spec.name)
                if previous is None or (previous.multi is False and spec.multi):
                    specs[spec.name] = spec
        return dict(sorted(specs.items()))

    @cached_property
    def integer_pk(self) -> bool:
        return self.root._meta.pk.get_internal_type() in INT_TYPES | {
            "OneToOneField",
            "ForeignKey",
        }

    @cached_property
    def fingerprint(self) -> str:
        """A hash of everything that determines what the index contains."""
        description = {
            "version": SCHEMA_VERSION,
            "language": self.language,
            "fields": [[s.name, s.kind, s.vtype, s.multi] for s in self.specs.values()],
        }
        raw = json.dumps(description, sort_keys=True).encode()
        return hashlib.sha256(raw).hexdigest()

    def text_fields(self) -> dict[str, float]:
        return {s.name: s.boost for s in self.specs.values() if s.kind == "text"}

    def autocomplete_fields(self) -> list[str]:
        return [s.name for s in self.specs.values() if s.kind == "autocomplete"]

    def schema(self) -> wf.Schema:
        """The Whoosh schema (memoised: analyzers are shared by queries)."""
        if self._schema is None:
            self._schema = self._build_schema()
        return self._schema

    def _build_schema(self) -> wf.Schema:
        text = text_analyzer(self.language)
        autocomplete = autocomplete_analyzer()
        schema = wf.Schema(
            pk=wf.ID(unique=True, sortable=True),
            x_ct=wf.KEYWORD(lowercase=False, scorable=False),
            x_nulls=wf.KEYWORD(lowercase=False, scorable=False),
        )
        if self.integer_pk:
            # Only ever sorted on, never searched: a column, no postings.
            schema.add(PK_NUMBER, wf.COLUMN(wc.NumericColumn("q", default=0)))
        for spec in self.specs.values():
            if spec.kind == "text":
                schema.add(spec.name, wf.TEXT(analyzer=text, phrase=True))
            elif spec.kind == "autocomplete":
                schema.add(spec.name, wf.TEXT(analyzer=autocomplete, phrase=False))
            else:
                schema.add(spec.name, self._filter_field_type(spec))
        return schema

    @staticmethod
    def _filter_field_type(spec: FieldSpec):
        sortable = not spec.multi
        if spec.vtype in ("int", "bool", "time"):
            return wf.NUMERIC(bits=64, signed=True, sortable=sortable)
        if spec.vtype == "float":
            return wf.NUMERIC(numtype=float, sortable=sortable)
        if spec.vtype in ("date", "datetime"):
            return wf.DATETIME(sortable=sortable)
        if spec.multi:
            keyword = wf.KEYWORD(lowercase=False, scorable=False)
            keyword.analyzer = RegexTokenizer(r"[^\x1f]+")
            return keyword
        return wf.ID(sortable=True)

    # ------------------------------------------------------------ documents

    def document(self, obj) -> dict:
        """Build the Whoosh document for ``obj`` (an instance of its own model)."""
        model = type(obj)
        doc: dict = {PK: force_str(obj.pk)}
        if self.integer_pk:
            doc[PK_NUMBER] = int(obj.pk)
        doc[CONTENT_TYPES] = " ".join(content_types(model))
        texts: dict[str, list[str]] = {}
        nulls: list[str] = []
        self._extract(obj, self.extractors(model), doc, texts, nulls)
        for name, parts in texts.items():
            text = " ".join(part for part in parts if part)
            if text:
                doc[name] = text
        if nulls:
            doc[NULLS] = " ".join(nulls)
        return doc

    def _extract(self, obj, extractors, doc, texts, nulls) -> None:
        for extractor in extractors:
            spec = extractor.spec
            if spec.kind == "related":
                for related in _related_objects(extractor.field, obj):
                    self._extract(related, extractor.children, doc, texts, nulls)
                continue
            if spec.name not in self.specs:
                continue
            getter = extractor.getter or extractor.field.get_value
            value = getter(obj)
            if spec.kind == "filter":
                self._add_filter_value(spec, value, doc, nulls)
            else:
                texts.setdefault(spec.name, []).append(prepare_text(value))

    def _add_filter_value(self, spec, value, doc, nulls) -> None:
        stored_spec = self.specs[spec.name]
        if isinstance(value, Manager):
            value = list(value.all())
        if stored_spec.multi:
            items = value if isinstance(value, list | tuple | set) else [value]
            converted = []
            for item in items:
                try:
                    converted.append(to_index_value(stored_spec.vtype, item))
                except (TypeError, ValueError):
                    continue
            converted = [v for v in converted if v is not None]
            if not converted:
                nulls.append(spec.name)
            elif stored_spec.vtype == "str":
                doc[spec.name] = MULTI_SEPARATOR.join(converted)
            else:
                doc[spec.name] = converted
            return
        try:
            converted = to_index_value(stored_spec.vtype, value)
        except (TypeError, ValueError):
            converted = None
        if converted is None:
            nulls.append(spec.name)
        else:
            doc[spec.name] = converted


def _related_objects(related_fields: RelatedFields, obj):
    try:
        value = related_fields.get_value(obj)
    except Exception:
        return []
    if value is None:
        return []
    if isinstance(value, Manager):
        return list(value.all())
    if callable(value):
        value = value()
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def content_types(model) -> list[str]:
    """The content-type keys of ``model`` and all its indexed ancestors."""
    keys = []
    current = model
    while current is not None:
        keys.append(current.indexed_get_content_type())
        current = current.indexed_get_parent()
    return keys


__all__ = [
    "BOOL_TYPES",
    "CONTENT_TYPES",
    "FLOAT_TYPES",
    "INT_TYPES",
    "MULTI_SEPARATOR",
    "NULLS",
    "PK",
    "PK_NUMBER",
    "SCHEMA_VERSION",
    "Extractor",
    "FieldSpec",
    "IndexLayout",
    "build_extractors",
    "content_types",
    "filter_field_name",
    "from_index_value",
    "plain_getter",
    "prepare_text",
    "to_index_value",
    "value_type",
]
