"""Mapping from modelsearch ``search_fields`` to a Whoosh schema and documents.

One Whoosh index holds every model that shares a concrete root model (like the
Elasticsearch backend), so the schema is the union of the fields of all indexed
models in that hierarchy. Field names are prefixed by kind (``t_`` full text,
``a_`` autocomplete, ``f_`` filter) so that a FilterField and a SearchField with
the same name cannot clash; fields defined on a child model also carry that
model's label, so that two sibling models may use one name with different types.

Only ``pk`` is stored (as a column, not a stored field): results are fetched
from the database in one query, so storing text would only cost indexing time
and disk. Highlighting re-analyses the database text instead (see
``highlight()`` in the package).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Manager, Model
from django.utils import timezone
from django.utils.encoding import force_str
from modelsearch.backends.base import get_model_root
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
    get_indexed_models,
)
from whoosh import columns as wc
from whoosh import fields as wf
from whoosh.analysis import RegexTokenizer

from .analysis import autocomplete_analyzer, text_analyzer

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

INT_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
FLOAT_TYPES = {"FloatField", "DecimalField"}
BOOL_TYPES = {"BooleanField", "NullBooleanField"}
MULTI_SEPARATOR = "\x1f"


def value_type(internal_type: str) -> str:
    """Reduce a Django internal field type to the Whoosh value type we use."""
    if internal_type in INT_TYPES:
        return "int"
    if internal_type in FLOAT_TYPES:
        return "float"
    if internal_type in BOOL_TYPES:
        return "bool"
    if internal_type == "DateField":
        return "date"
    if internal_type == "DateTimeField":
        return "datetime"
    if internal_type == "TimeField":
        return "time"
    return "str"


def to_index_value(vtype: str, value):
    """Convert a Python value to what the Whoosh field of ``vtype`` expects.

    Returns ``None`` for SQL NULL (indexed separately in the ``_nulls`` field)
    and raises ``TypeError``/``ValueError`` for a value of the wrong kind, which
    the filter compiler takes as "cannot translate, filter in the database".
    """
    if value is None:
        return None
    if isinstance(value, Model):
        value = value.pk
    if vtype == "int":
        if isinstance(value, bool | float):
            raise TypeError(value)
        return int(value)
    if vtype == "float":
        return float(value)
    if vtype == "bool":
        if not isinstance(value, bool | int):
            raise TypeError(value)
        return int(bool(value))
    if vtype in ("date", "datetime"):
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value, datetime.UTC)
            return value
        if isinstance(value, datetime.date):
            return datetime.datetime(value.year, value.month, value.day)  # noqa: DTZ001
        raise TypeError(value)
    if vtype == "time":
        if not isinstance(value, datetime.time):
            raise TypeError(value)
        return (
            value.hour * 3600 + value.minute * 60 + value.second
        ) * 1_000_000 + value.microsecond
    if isinstance(value, bool | int | float | datetime.date):
        # A string field compared with a number is a type error in SQL terms.
        raise TypeError(value)
    return force_str(value)


def from_index_value(vtype: str, value):
    """Inverse of :func:`to_index_value`, used for facet keys."""
    if vtype == "date":
        return value.date()
    if vtype == "time":
        seconds, micro = divmod(int(value), 1_000_000)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime.time(hour, minute, second, micro)
    if vtype == "bool":
        return bool(value)
    return value


def prepare_text(value) -> str:
    """Flatten a field value (str, list, dict, object) to indexable text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(prepare_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(prepare_text(item) for item in value.values())
    return force_str(value)


@dataclass(frozen=True)
class FieldSpec:
    """One Whoosh field: its kind, value type and query-time boost."""

    name: str
    kind: str  # "text" | "autocomplete" | "filter"
    vtype: str = "str"
    multi: bool = False
    boost: float = 1.0


@dataclass
class Extractor:
    """How to get one field's value(s) out of a model instance."""

    spec: FieldSpec
    field: object
    children: list[Extractor] = field(default_factory=list)
    getter: object = None  # obj -> value; the search field's get_value if None


def plain_getter(search_field, model):
    """``value_from_object`` of a plain concrete field, else None.

    modelsearch's ``get_value`` looks the field up and asks the app registry
    whether taggit is installed for every value of every object; for a plain
    column (no ``get_searchable_content``, not a relation to many, not tags)
    that is ``value_from_object``, which is all the rebuild needs.
    """
    from django.core.exceptions import FieldDoesNotExist
    from django.db.models.fields.related import RelatedField

    try:
        django_field = search_field.get_field(model)
    except FieldDoesNotExist:
        return None
    if not getattr(django_field, "concrete", False) or django_field.many_to_many:
        return None
    if hasattr(django_field, "get_searchable_content"):
        return None
    remote = django_field
    while isinstance(remote, RelatedField):
        remote = remote.target_field
        if hasattr(remote, "get_searchable_content"):
            return None
    if type(django_field).__module__.startswith("taggit"):
        return None
    return django_field.value_from_object


def _prefix(model, definition_model, root) -> str:
    if (
        definition_model is not None
        and definition_model is not root
        and isinstance(definition_model, type)
        and issubclass(definition_model, root)
    ):
        return definition_model._meta.label_lower.replace(".", "_") + "__"
    return ""


def _is_multi(search_field, model) -> bool:
    try:
        django_field = search_field.get_field(model)
    except Exception:
        return False
    return bool(django_field.many_to_many or django_field.one_to_many)


def _filter_vtype(search_field, model) -> str:
    try:
        return value_type(search_field.get_type(model))
    except Exception:
        return "str"


def filter_field_name(model, search_field) -> str:
    """Whoosh field name for a top-level FilterField of ``model``."""
    root = get_model_root(model)
    prefix = _prefix(model, search_field.get_definition_model(model), root)
    return f"f_{prefix}{search_field.field_name}"


def build_extractors(model) -> list[Extractor]:
    """Describe every indexed value of ``model`` as a tree of extractors."""
    root = get_model_root(model)

    def walk(fields, related_model, path, top_level):
        result = []
        for search_field in fields:
            if top_level:
                prefix = _prefix(model, search_field.get_definition_model(model), root)
            else:
                prefix = ""
            name = prefix + path + search_field.field_name
            getter = plain_getter(search_field, model) if top_level else None
            if isinstance(search_field, SearchField):
                spec = FieldSpec(
                    "t_" + name, "text", boost=float(search_field.boost or 1.0)
                )
                result.append(Extractor(spec, search_field, getter=getter))
            elif isinstance(search_field, AutocompleteField):
                spec = FieldSpec("a_" + name, "autocomplete")
                result.append(Extractor(spec, search_field, getter=getter))
            elif isinstance(search_field, FilterField):
                if not top_level:
                    # Filters through relations are evaluated by the database.
                    continue
                spec = FieldSpec(
                    "f_" + name,
                    "filter",
                    vtype=_filter_vtype(search_field, related_model),
                    multi=_is_multi(search_field, related_model),
                )
                result.append(Extractor(spec, search_field, getter=getter))
            elif isinstance(search_field, RelatedFields):
                try:
                    target = search_field.get_field(related_model).related_model
                except Exception:
                    target = None
                children = walk(
                    search_field.fields, target, name + "__", top_level=False
                )
                if children:
                    spec = FieldSpec("r_" + name, "related")
                    result.append(Extractor(spec, search_field, children))
        return result

    return walk(model.get_search_fields(), model, "", top_level=True)


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
