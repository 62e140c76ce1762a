"""``manage.py search_status``: compare the search index with the database.

For every model registered with the search layer it prints how many objects the
database holds that ``update_index`` would index (``get_indexed_objects()``)
and how many the index holds for that model, and the difference. Objects are
counted under their most specific model, as the index stores them: a procedure
counts as ``documents.ProcedurePage``, not also as ``wagtailcore.Page``.

Exit status: 0 when everything matches, 1 when a count differs, 2 when an index
cannot be read (missing, damaged or outdated). Works with the Whoosh
backend and with modelsearch's database backend.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models

from search.backends.whoosh import SearchIndexUnavailable

DIFFERENT = 1
UNAVAILABLE = 2


@dataclass
class Row:
    model: type
    database: int
    index: int | None
    problem: str = ""

    @property
    def difference(self) -> int | None:
        return None if self.index is None else self.index - self.database


def _direct_children(model, models) -> list[type]:
    return [m for m in models if m is not model and m.indexed_get_parent() is model]


def database_count(model, models) -> int:
    """Objects ``update_index`` indexes *as* ``model`` (not as a child model).

    ``update_index`` indexes every model's ``get_indexed_objects()``; when a
    child model indexes the same rows (multi-table inheritance) the child's
    version replaces the parent's, so those rows count for the child only.
    Wagtail's ``Page`` already limits its objects to exact page types.
    """
    objects = model.get_indexed_objects()
    total = objects.count()
    for child in _direct_children(model, models):
        child_pks = child.get_indexed_objects().values("pk")
        total -= objects.filter(pk__in=child_pks).count()
    return total


class EntryCounter:
    """Index entries per model in modelsearch's database backend."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def describe(self) -> str:
        return f"database ({type(self.backend).__name__})"

    def count(self, model, children) -> int:
        # An entry carries the content type of the model it was indexed as, so
        # the children's entries are not among these.
        from django.contrib.contenttypes.models import ContentType

        index = self.backend.get_index_for_model(model)
        content_type = ContentType.objects.get_for_model(model)
        return index.entries.filter(content_type=content_type).count()


def counter_for(backend, models):
    """An object with ``describe()`` and ``count(model, children)``: the
    backend's own (the Whoosh backend's ``index_counter()``), or one that reads
    the database backend's index table."""
    if hasattr(backend, "index_counter"):
        return backend.index_counter()
    probe = backend.get_index_for_model(models[0]) if models else None
    if probe is not None and hasattr(probe, "entries"):
        return EntryCounter(backend)
    raise CommandError(
        f"search_status kent de zoekbackend {type(backend).__name__} niet; "
        "alleen Whoosh en de database-backend worden ondersteund."
    )


class Command(BaseCommand):
    help = (
        "Toont per model hoeveel objecten de database en de zoekindex bevatten en "
        "het verschil. Eindigt met code 1 bij een verschil en met code 2 als de "
        "zoekindex niet te lezen is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend",
            default="default",
            help="naam van de zoekbackend in WAGTAILSEARCH_BACKENDS (standaard: "
            "default)",
        )

    def handle(self, *args, **options):
        backend = get_search_backend(options["backend"])
        models = sorted(get_indexed_models(), key=lambda m: m._meta.label)
        counter = counter_for(backend, models)
        rows: list[Row] = []
        problems: dict[str, str] = {}
        for model in models:
            database = database_count(model, models)
            try:
                indexed = counter.count(model, _direct_children(model, models))
            except SearchIndexUnavailable as exc:
                problems.setdefault(str(exc), model._meta.label)
                rows.append(Row(model, database, None, str(exc)))
                continue
            rows.append(Row(model, database, indexed))
        self._print(counter.describe(), rows)
        if problems:
            for message in problems:
                self.stderr.write(self.style.ERROR(message))
            raise SystemExit(UNAVAILABLE)
        different = [row for row in rows if row.difference]
        if different:
            self.stderr.write(
                self.style.ERROR(
                    f"De zoekindex wijkt af van de database bij {len(different)} "
                    "model(len). Voer 'manage.py update_index' uit om hem opnieuw "
                    "op te bouwen."
                )
            )
            raise SystemExit(DIFFERENT)
        self.stdout.write(
            self.style.SUCCESS("De zoekindex is in orde: alle aantallen kloppen.")
        )

    def _print(self, description: str, rows: list[Row]) -> None:
        width = max([len("Model"), *(len(self._name(row.model)) for row in rows)])
        self.stdout.write(f"Zoekindex: {description}")
        header = f"{'Model':<{width}}  {'Database':>9}  {'Index':>9}  {'Verschil':>9}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        total_db = total_index = 0
        unknown = False
        for row in rows:
            total_db += row.database
            if row.index is None:
                unknown = True
                index, difference = "?", "?"
            else:
                total_index += row.index
                index = f"{row.index:,}".replace(",", ".")
                difference = _signed(row.difference)
            line = (
                f"{self._name(row.model):<{width}}  "
                f"{_number(row.database):>9}  {index:>9}  {difference:>9}"
            )
            if row.difference:
                line = self.style.WARNING(line)
            self.stdout.write(line)
        self.stdout.write("-" * len(header))
        total_index_text = "?" if unknown else _number(total_index)
        total_difference = "?" if unknown else _signed(total_index - total_db)
        self.stdout.write(
            f"{'Totaal':<{width}}  {_number(total_db):>9}  "
            f"{total_index_text:>9}  {total_difference:>9}"
        )

    @staticmethod
    def _name(model) -> str:
        return f"{model._meta.label} ({model._meta.verbose_name})"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _signed(value: int) -> str:
    if not value:
        return "0"
    return ("+" if value > 0 else "-") + _number(abs(value))
