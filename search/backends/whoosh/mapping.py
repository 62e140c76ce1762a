"""From modelsearch ``search_fields`` to Whoosh field specs, and values to terms.

Field names are prefixed by kind (``t_`` full text, ``a_`` autocomplete, ``f_``
filter) so that a FilterField and a SearchField with the same name cannot clash;
fields defined on a child model also carry that model's label, so that two
sibling models may use one name with different types.

Apart from ``schema``, which makes one versioned Whoosh schema out of these
specs and builds the documents, because the filter translation and the facets
need the names and the value conversion of a single field, not a whole layout.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import timezone
from django.utils.encoding import force_str
from modelsearch.backends.base import get_model_root
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
)

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
