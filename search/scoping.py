"""What the site search searches, per kind, scoped to the person asking.

Every kind of result (procedure, complaint, appeal, mediation, signal, client,
evidence file) is described once (:func:`search_kinds`; the kinds of case come
from the register's registry, ``cases.kinds``): its model, the permission
selector that decides what a user may see (``cases.selectors.visible_to``, the
single source of truth of DESIGN.md; for procedures the live pages the user may
read), its date, client and status fields, the text its snippet comes from and
where a result links to.

:func:`scoped_queryset` gives the queryset a search runs in, and
:func:`run_search` hands it to the search backend *as the queryset to search*,
so the engine filters before it ranks and cuts the list (never "top 100, then
filter"). A selector with conditions becomes ``pk IN (SELECT pk ...)``: the
Whoosh backend evaluates that in the database at query time, so a grant or a
revoke counts at once, without reindexing. An unrestricted selector (the
register roles) stays ``.all()``, which the engine filters by itself.
"""

from __future__ import annotations

import datetime
import functools
import logging
import zoneinfo
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Case as Cases,
)
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modelsearch.backends.base import FilterFieldError
from wagtail.search import index
from wagtail.search.backends import get_search_backend

from cases import kinds as case_kinds
from cases.links import case_url
from cases.models import Client, EvidenceFile, Signal
from cases.selectors import visible_to
from documents.models import ProcedurePage
from documents.selectors import procedures_visible_to

logger = logging.getLogger(__name__)


def _case_selector(model) -> Callable:
    def selector(user, request=None):
        return visible_to(user, model)

    return selector


def _client_url(client, user) -> str:
    if user.has_perm("wagtailadmin.access_admin"):
        return reverse("cases_admin:dossier", args=[client.pk])
    return reverse("cases:dossier", args=[client.pk])


def _case_link(case, user, client_field: str) -> str:
    """The case page; for someone without the admin (the external notary, who
    sees a mediation's client dossier from double consent on, E4) the front-end
    dossier of the case's client instead of a login wall."""
    if isinstance(case, Signal) or user.has_perm("wagtailadmin.access_admin"):
        return case_url(case)
    return reverse("cases:dossier", args=[getattr(case, client_field)])


def _procedure_url(page, user, request=None) -> str:
    return page.get_url(request) or ""


def _procedure_effective_date(page):
    """The current version's "geldig vanaf" (the newest published version;
    prefetched by the search's scope), else the live page's own."""
    versions = page.versions.all()
    current = max(versions, key=lambda v: (v.published_at, v.pk), default=None)
    return current.effective_date if current is not None else page.effective_date


#: In ``Kind.text_fields``: the case's logbook notes (``CaseEvent.note``).
LOGBOOK = "logbook"


@dataclass(frozen=True)
class Kind:
    """One kind of search result."""

    key: str  # in URLs (?soort=klacht)
    label: Promise  # plural, for the facet
    singular: Promise  # on each result
    model: type
    selector: Callable  # (user, request) -> the queryset the user may see
    date_field: str  # newest first when sorting by date; year facet
    date_is_filter_field: bool  # can the engine sort and filter on it?
    text_fields: tuple[str, ...]  # the snippet is highlighted in these
    url: Callable  # (obj, user, request) -> link
    title: Callable[[object], str]
    client_field: str | None = None  # attname of the client FK, for the facet
    state_field: str | None = None  # for the status facet
    # Filters every search of this kind gets, on FilterFields (engine-side).
    engine_filters: tuple[tuple[str, object], ...] = ()
    # (obj) -> the date a result shows, when it is not ``date_field``.
    shown_date: Callable | None = None
    # What that date is, before it on the result ("geldig vanaf").
    date_label: Promise | str = ""
    # Case numbers (``K-2026-0001``) of this kind start with this letter.
    number_prefix: str = ""

    def client_id(self, obj):
        if self.model is Client:
            return obj.pk
        return getattr(obj, self.client_field) if self.client_field else None

    def date_of(self, obj):
        return getattr(obj, self.date_field, None)

    def display_date(self, obj):
        """The document's own date: a procedure's effective date, a case's
        receipt, a file's upload (never when it was indexed)."""
        if self.shown_date is not None:
            return self.shown_date(obj)
        return self.date_of(obj)

    def state_label(self, value) -> str:
        if not self.state_field:
            return ""
        choices = dict(self.model._meta.get_field(self.state_field).flatchoices)
        return str(choices.get(value, value))

    def texts(self, obj) -> list[str]:
        """The stored text of ``obj`` a snippet may come from (never anything of
        another object)."""
        texts = []
        for name in self.text_fields:
            if name == LOGBOOK:
                # Prefetched by the scope (selectors.Scope): notes only.
                texts.extend(e.note for e in obj.events.all() if e.note)
                continue
            value = getattr(obj, name, "")
            if callable(value):
                value = value()  # e.g. ProcedurePage.attachments_text
            if name == "body" and isinstance(obj, ProcedurePage):
                field = ProcedurePage._meta.get_field("body")
                value = " ".join(field.get_searchable_content(value))
            if value:
                texts.append(str(value))
        return texts


#: What a case's date field is, on a result ("ontvangen 4 maart").
_DATE_LABELS = {"received_at": _("ontvangen"), "registered_at": _("geregistreerd")}


def _case_kind(kind) -> Kind:
    """The search's view of a registered kind of case (cases.kinds): its text
    fields are the model's searched text fields (not its number, not a related
    object's name), and its logbook notes."""
    text_fields = tuple(
        f.field_name
        for f in kind.model.search_fields
        if isinstance(f, index.SearchField)
        and f.field_name not in ("number", "search_kind_words")
    )
    client_attname = f"{kind.client_field}_id"
    return Kind(
        key=kind.search_key or kind.key,
        label=capfirst(kind.plural),
        singular=capfirst(kind.label),
        model=kind.model,
        selector=_case_selector(kind.model),
        date_field=kind.date_field,
        date_is_filter_field=True,
        text_fields=(*text_fields, LOGBOOK),
        url=lambda obj, user, request=None: _case_link(obj, user, client_attname),
        title=str,
        client_field=client_attname,
        state_field="state",
        number_prefix=getattr(kind.model, "PREFIX", ""),
        date_label=_DATE_LABELS.get(kind.date_field, ""),
    )


_PROCEDURES = (
    Kind(
        key="procedure",
        label=_("Procedures"),
        singular=_("Procedure"),
        model=ProcedurePage,
        selector=procedures_visible_to,
        date_field="last_published_at",
        date_is_filter_field=True,
        text_fields=("summary", "body", "change_summary", "attachments_text"),
        url=lambda obj, user, request=None: _procedure_url(obj, user, request),
        title=lambda obj: f"{obj.code} {obj.title}",
        engine_filters=(("live", True),),
        shown_date=_procedure_effective_date,
        date_label=_("geldig vanaf"),
    ),
)
_DOSSIER = (
    Kind(
        key="klant",
        label=_("Klanten"),
        singular=_("Klant"),
        model=Client,
        selector=_case_selector(Client),
        date_field="created_at",
        date_is_filter_field=False,
        text_fields=("name", "city"),
        url=lambda obj, user, request=None: _client_url(obj, user),
        title=lambda obj: obj.name,
        state_field="status",
    ),
    Kind(
        key="bestand",
        label=_("Bestanden"),
        singular=_("Bestand"),
        model=EvidenceFile,
        selector=_case_selector(EvidenceFile),
        date_field="uploaded_at",
        date_is_filter_field=True,
        # A deleted file's text is gone from the database (evidence_delete) and
        # deleted files are not searched at all (engine_filters).
        text_fields=("description", "extracted_text"),
        url=lambda obj, user, request=None: reverse(
            "cases:evidence_download", args=[obj.uuid]
        ),
        title=lambda obj: obj.original_name,
        date_label=_("toegevoegd"),
        client_field="client_id",
        engine_filters=(("deleted_at__isnull", True),),
    ),
)

_CACHE: dict[tuple, tuple[Kind, ...]] = {}


def search_kinds() -> tuple[Kind, ...]:
    """Every kind of result, in the page's order: procedures, the registered kinds
    of case (cases.kinds, by their search rank), clients, files. Built again when
    the registry changes."""
    registered = sorted(case_kinds.all_kinds(), key=lambda k: (k.search_rank, k.key))
    signature = tuple(k.key for k in registered)
    if signature not in _CACHE:
        _CACHE.clear()
        _CACHE[signature] = (
            *_PROCEDURES,
            *(_case_kind(k) for k in registered),
            *_DOSSIER,
        )
    return _CACHE[signature]


def kinds_by_key() -> dict[str, Kind]:
    return {kind.key: kind for kind in search_kinds()}


def kind_of_model(model) -> Kind:
    return next(kind for kind in search_kinds() if kind.model is model)


def year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """1 January ``year`` to 1 January next year, in the portal's time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def local_year(value) -> int | None:
    """The calendar year (Europe/Amsterdam) of a date or datetime from a facet:
    Whoosh returns naive UTC datetimes, the database backends aware ones."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            # A facet of thousands of dates: compare with the moment the next
            # local year starts (in naive UTC) instead of converting each.
            zone = timezone.get_current_timezone_name()
            if value < _year_starts(value.year, zone):
                return value.year - 1
            if value >= _year_starts(value.year + 1, zone):
                return value.year + 1
            return value.year
        return timezone.localtime(value).year
    return value.year


def year_start_utc(year: int) -> datetime.datetime:
    """1 January ``year``, 00:00 in the portal's time zone, as naive UTC (how
    the Whoosh backend stores a moment)."""
    return _year_starts(year, timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=256)
def _year_starts(year: int, zone: str) -> datetime.datetime:
    """1 January ``year``, 00:00 in ``zone``, as a naive UTC datetime."""
    start = datetime.datetime(year, 1, 1, tzinfo=zoneinfo.ZoneInfo(zone))
    return start.astimezone(datetime.UTC).replace(tzinfo=None)


def scoped_queryset(
    kind: Kind,
    user,
    *,
    year: int | None = None,
    client: int | None = None,
    state: str | None = None,
    request=None,
    visible: QuerySet | None = None,
    ids: dict | None = None,
) -> QuerySet:
    """The queryset of ``kind`` a search for ``user`` runs in: what the selector
    lets the user see, with the facet filters applied. See the module docstring
    for why a restricted selector becomes a ``pk IN (subquery)``. ``visible`` is
    the selector's queryset when the caller already has it.

    ``ids`` (a dict kept for one request, never shared between users: the
    search's ``Scope``) materialises the database-only conditions once: the
    primary keys they allow (up to :data:`MATERIALISE_LIMIT`) become a literal
    ``pk IN (1, 2, ...)``, so the engine, the counts, the facets and the
    suggestions of one page do not each rebuild and rerun the same subqueries.
    A larger set stays a subquery."""
    model = kind.model
    if visible is None:
        visible = kind.selector(user, request)
    inner = None  # conditions only the database can evaluate
    restricted = bool(visible.query.where) and kind.model is not ProcedurePage
    if restricted:
        inner = visible
    hidden = None  # whose copies of a file seen elsewhere are left out
    if model is EvidenceFile:
        if restricted:
            # The copies are compared among the files the user may see; as a
            # list of keys (once per request) that comparison is a small query
            # instead of the permission conditions written out twice.
            seen = _materialised(inner, ids, ("visible", kind.key))
            if isinstance(seen, list):
                key = ("one copy", kind.key)
                if key not in ids:
                    ids[key] = _one_copy_each(seen)
                inner = model.objects.filter(pk__in=ids[key])
            else:
                inner = _one_copy_per_file(inner)
        else:
            hidden = visible  # every file: its other copies are left out
    engine: dict = dict(kind.engine_filters)
    dated = None
    if year is not None:
        start, end = year_range(year)
        dates = {f"{kind.date_field}__gte": start, f"{kind.date_field}__lt": end}
        if kind.date_is_filter_field:
            engine.update(dates)
        else:
            inner = (inner if inner is not None else visible).filter(**dates)
            dated = year
    if client is not None:
        if model is Client:
            engine["pk"] = client
        elif kind.client_field:
            engine[kind.client_field] = client
        else:
            return model.objects.none()
    if state is not None:
        if not kind.state_field:
            return model.objects.none()
        engine[kind.state_field] = state
    if kind.model is ProcedurePage:
        queryset = visible
    elif inner is not None:
        queryset = model.objects.filter(
            pk__in=_materialised(inner, ids, ("allowed", kind.key, dated))
        )
    else:
        queryset = model.objects.all()
    if hidden is not None:
        kept = other_copies_of_every_file()
        if kept is None:
            kept = _materialised(_other_copies(hidden), ids, ("hidden", kind.key))
        queryset = queryset.exclude(pk__in=kept)
    return queryset.filter(**engine).order_by()


#: At most this many primary keys of a restriction are materialised per request
#: (the Whoosh backend's ``MAX_SUBQUERY_VALUES``: beyond it, it leaves the
#: filter to the database anyway).
MATERIALISE_LIMIT = 5_000


def _materialised(queryset: QuerySet, ids: dict | None, key: tuple):
    """``queryset``'s primary keys as a list, once per ``ids`` (a request's
    cache), or as a subquery when there are too many or no cache is given."""
    subquery = queryset.order_by().values("pk")
    if ids is None:
        return subquery
    if key not in ids:
        pks = list(subquery.values_list("pk", flat=True)[: MATERIALISE_LIMIT + 1])
        ids[key] = pks if len(pks) <= MATERIALISE_LIMIT else None
    return subquery if ids[key] is None else ids[key]


def _one_copy_per_file(visible: QuerySet) -> QuerySet:
    """``visible`` files without the copies of a file seen elsewhere: the same
    file (name and bytes, SHA-256) uploaded twice, to the dossier and again with
    a case, is one result; the same bytes under another name stay apart. Kept
    is the copy the user may see that says most: one kept with a case before
    one only in the dossier, then the newest."""
    ranked, better = _copies(visible)
    return ranked.filter(~Exists(better))


def _one_copy_each(pks: list) -> list:
    """:func:`_one_copy_per_file` for the files of ``pks`` (the keys a user
    may see, a list of at most :data:`MATERIALISE_LIMIT`), decided here from one
    read of those rows. In the database the copy check looked the whole list up
    again for every file (SQLite: a million index searches for 1,000 files,
    0.4 s). The same rule: a file is left out when a copy of it among ``pks``
    (same SHA-256, same name, not deleted) says more (kept with a case) or as
    much and is newer (higher key); a deleted file never counts as a copy."""
    fields = [kind.key for kind in case_kinds.all_kinds()]
    rows = EvidenceFile.objects.filter(pk__in=pks).values_list(
        "pk", "sha256", "original_name", "deleted_at", *fields
    )
    ranked = []
    best: dict[tuple, tuple] = {}
    for pk, sha256, name, deleted_at, *cases in rows:
        rank = (1 if any(case is not None for case in cases) else 0, pk)
        # NULL equals nothing in SQL, so a file without hash or name has no copy.
        same = None if sha256 is None or name is None else (sha256, name)
        ranked.append((rank, same))
        if same is not None and deleted_at is None:
            best[same] = max(best.get(same, rank), rank)
    return [
        rank[1] for rank, same in ranked if same is None or best.get(same, rank) <= rank
    ]


def _other_copies(visible: QuerySet) -> QuerySet:
    """The files of ``visible`` that :func:`_one_copy_per_file` leaves out (few:
    for someone who sees every file, excluding these is cheaper than listing
    the rest)."""
    ranked, better = _copies(visible)
    # Only a file whose bytes occur more than once can have a better copy: the
    # (indexed) grouping finds those few first, so the copy check does not run
    # for every file.
    repeated = (
        visible.order_by()
        .values("sha256")
        .annotate(copies=Count("pk"))
        .filter(copies__gt=1)
        .values("sha256")
    )
    return ranked.filter(sha256__in=repeated).filter(Exists(better))


#: Where the copies left out for someone who sees every file are kept, and
#: for how long at most: saving or deleting a file forgets them at once
#: (``forget_other_copies``), the time bounds a change made without the
#: model's signals (a bulk load, a restore).
OTHER_COPIES_KEY = "search:other-copies"
OTHER_COPIES_SECONDS = 60


def other_copies_of_every_file() -> list | None:
    """The keys of :func:`_other_copies` over every file (the same for every
    user who sees every file: the register roles), kept in the cache. Finding
    them groups the whole file table by hash: ~35 ms per search page at
    100,000 files. None when there are more than :data:`MATERIALISE_LIMIT`
    (the caller then keeps the subquery)."""
    kept = cache.get(OTHER_COPIES_KEY)
    if kept is None:
        pks = list(
            _other_copies(EvidenceFile.objects.all())
            .order_by()
            .values_list("pk", flat=True)[: MATERIALISE_LIMIT + 1]
        )
        kept = pks if len(pks) <= MATERIALISE_LIMIT else "too many"
        cache.set(OTHER_COPIES_KEY, kept, OTHER_COPIES_SECONDS)
    return None if kept == "too many" else kept


def forget_other_copies(**kwargs) -> None:
    """A file was saved or deleted: the kept copies are found again, now and
    once the transaction has committed (a search in between would keep what
    it saw before the commit)."""
    cache.delete(OTHER_COPIES_KEY)
    transaction.on_commit(lambda: cache.delete(OTHER_COPIES_KEY))


def _copies(visible: QuerySet) -> tuple[QuerySet, QuerySet]:
    """(``visible`` ranked by what a copy says, the better copies of a row)."""
    with_case = Q()
    for kind in case_kinds.all_kinds():
        with_case |= Q(**{f"{kind.key}__isnull": False})
    ranked = visible.annotate(
        one_copy_rank=Cases(
            When(with_case, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    better = ranked.filter(
        sha256=OuterRef("sha256"),
        original_name=OuterRef("original_name"),
        deleted_at__isnull=True,
    ).filter(
        Q(one_copy_rank__gt=OuterRef("one_copy_rank"))
        | Q(one_copy_rank=OuterRef("one_copy_rank"), pk__gt=OuterRef("pk"))
    )
    return ranked, better.order_by().values("pk")


def _sql_backend(backend) -> bool:
    return type(backend).__module__.startswith(
        ("modelsearch.backends.database", "wagtail.search.backends.database")
    )


def _postgres_backend(backend) -> bool:
    return type(backend).__module__.startswith("modelsearch.backends.database.postgres")


def _without_negated_phrases(query):
    """modelsearch's PostgreSQL backend drops the negation of a phrase (it
    searches ``NOT "a b"`` as ``"a b"``). Exclude every document with all the
    phrase's words instead: it may hide a little more, never show what the
    user excluded."""
    from modelsearch.query import And, Not, Or, Phrase, PlainText

    if isinstance(query, Not):
        inner = query.subquery
        if isinstance(inner, Phrase):
            return Not(PlainText(inner.query_string, operator="and"))
        return Not(_without_negated_phrases(inner))
    if isinstance(query, And | Or):
        return type(query)([_without_negated_phrases(q) for q in query.subqueries])
    return query


def run_search(
    query,
    queryset: QuerySet,
    *,
    order_by_relevance: bool = True,
    autocomplete: bool = False,
    backend=None,
):
    """``backend.search(query, queryset)`` (or ``autocomplete``): lazy results
    the engine has already filtered by ``queryset``.

    modelsearch's ``check()`` demands an ``index.FilterField`` for every column a
    queryset filters on, the primary key included (for ``pk IN (subquery)``). The
    Whoosh backend exempts the primary key; the database backends do not, although
    they apply the queryset in SQL themselves (``queryset.filter(pk__in=matches)``).
    For those backends only, the query is compiled without that check: the
    filtering is the same, done by the database.
    """
    backend = backend or get_search_backend()
    if _postgres_backend(backend) and not isinstance(query, str):
        query = _without_negated_phrases(query)
    method = backend.autocomplete if autocomplete else backend.search
    try:
        return method(query, queryset, order_by_relevance=order_by_relevance)
    except FilterFieldError:
        if not _sql_backend(backend):
            raise
    compiler_class = (
        backend.autocomplete_query_compiler_class
        if autocomplete
        else backend.query_compiler_class
    )
    compiler = compiler_class(queryset, query, order_by_relevance=order_by_relevance)
    return backend.results_class(backend, compiler)


def may_match(query, kind: Kind, backend=None) -> bool:
    """False only when ``query`` matches nothing of ``kind`` whoever asks, so
    that a page leaves the kind out before building the user's scope for it
    (for a restricted user that costs more than the search). Answered by a
    backend that can tell cheaply (``may_match``, the Whoosh backend); any
    other backend, and any doubt, answers True: the scoped search decides."""
    backend = backend or get_search_backend()
    check = getattr(backend, "may_match", None)
    if check is None:
        return True
    try:
        return check(query, kind.model)
    except (NotImplementedError, FilterFieldError):
        return True


def one_page(backend=None):
    """A context for the searches of one page, offered by a backend that can
    share their reading (``one_page``, the Whoosh backend: each block of a
    posting list decoded once); any other backend searches as before."""
    backend = backend or get_search_backend()
    opener = getattr(backend, "one_page", None)
    return opener() if opener is not None else nullcontext()


def date_ordered(kind: Kind, queryset: QuerySet) -> QuerySet:
    """``queryset`` newest first, in a way the engine can sort by."""
    if kind.date_is_filter_field:
        return queryset.order_by(f"-{kind.date_field}")
    # No FilterField to sort on: both backends then order by primary key,
    # newest first, which follows the creation date.
    return queryset.order_by()
