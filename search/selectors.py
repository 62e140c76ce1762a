"""The site search as a read scoped by user: one ranked list across all kinds,
facets and snippets ("Bedoelde u" and autocomplete: `search.suggestions`).

Everything here starts from :func:`search.scoping.scoped_queryset`, so every
number, facet value, snippet, suggestion and autocomplete entry comes from
objects the user may see; nothing is filtered after the engine cut a list.

The one ranked list. Scores from different indexes (one per model) and from
different backends (Whoosh BM25F, SQLite's bm25, PostgreSQL's ts_rank) do not
compare, so the kinds are interleaved by rank: the best procedure, the best
complaint, ... then the second best of each, in the order of ``search_kinds()``.
Given the count per kind the positions of a page are known in advance, so each
kind is asked for exactly the slice that lands on the page, and snippets are
computed for that page only. Sorting by date merges the newest of each kind.
"""

from __future__ import annotations

import datetime
import functools
import logging
import math
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from wagtail.search.backends import get_search_backend

from cases import kinds as case_kinds
from cases.models import CaseEvent, Client
from documents.models import ProcedurePage, ProcedureVersion

from .forms import DATE, MAX_PAGE, PAGE_SIZE, ParsedQuery
from .scoping import (
    LOGBOOK,
    Kind,
    date_ordered,
    kinds_by_key,
    local_year,
    may_match,
    one_page,
    run_search,
    scoped_queryset,
    search_kinds,
    year_start_utc,
)
from .words import highlight_words, readable

logger = logging.getLogger(__name__)

#: Characters of one text field that a snippet or a suggestion looks at.
SNIPPET_TEXT_LIMIT = 30_000
#: Facet values shown per facet (the selected one always shows).
FACET_VALUES = 10
#: Years listed in the year facet (newest first).
FACET_YEARS = 20
#: Results fetched of a kind sorted by a date the engine does not hold.
SHOWN_DATE_FETCH = 200

#: Client results looked at for the client and year facets of the client kind.
CLIENT_HITS = 200

SELECT_RELATED = {
    "klacht": ("client",),
    "beroep": ("appellant",),
    "mediation": ("claimant",),
    "signaal": ("client",),
    "bestand": ("client",),
}


@dataclass
class Hit:
    kind: Kind
    obj: object
    title: str
    url: str
    date: object
    state: str
    client: str
    snippet: SafeString
    case_title: str = ""  # a file kept with a case the user may see
    case_url: str = ""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchPage:
    parsed: ParsedQuery
    sort: str
    page: int = 1
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    kinds: list[FacetValue] = field(default_factory=list)
    years: list[FacetValue] = field(default_factory=list)
    clients: list[FacetValue] = field(default_factory=list)
    statuses: list[FacetValue] = field(default_factory=list)
    suggestion: str | None = None
    searched: bool = False

    @property
    def page_count(self) -> int:
        return min(MAX_PAGE, max(1, math.ceil(self.total / PAGE_SIZE)))

    @property
    def capped(self) -> bool:
        return self.total > MAX_PAGE * PAGE_SIZE

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.hits else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.hits)


# -- evaluating lazy results safely --------------------------------------------


def _evaluate(default, func, *args):
    """Evaluate a search result operation. What a backend cannot do gives
    nothing rather than an error page: facets on a backend without them, and
    results from a Whoosh index that holds no documents yet (its reader has no
    ``pk`` column and raises NotImplementedError; reported to the backend)."""
    try:
        return func(*args)
    except NotImplementedError:
        logger.debug("Search operation not supported here; treated as empty.")
        return default


def safe_count(results) -> int:
    return _evaluate(0, results.count)


def safe_facet(results, field_name) -> OrderedDict:
    return _evaluate(OrderedDict(), results.facet, field_name)


def safe_slice(results, start: int, stop: int) -> list:
    return _evaluate([], lambda: list(results[start:stop]))


# -- the search ----------------------------------------------------------------


class Scope:
    """The scoped querysets of one request. Building a selector's queryset costs
    more than running it (subqueries of subqueries), so each kind's is built
    once, and what it allows is evaluated once, at the first search of the
    request: the grants of that moment count for the whole page."""

    def __init__(self, user, request=None) -> None:
        self.user = user
        self.request = request
        self._visible: dict[str, object] = {}
        self._scoped: dict[tuple, object] = {}
        # The primary keys the user's grants allow, per kind, evaluated once
        # for this request (scoping.scoped_queryset); never shared.
        self._ids: dict[tuple, object] = {}

    def queryset(self, kind: Kind, **filters):
        key = (kind.key, *sorted(filters.items()))
        if key not in self._scoped:
            if kind.key not in self._visible:
                self._visible[kind.key] = kind.selector(self.user, self.request)
            queryset = scoped_queryset(
                kind,
                self.user,
                request=self.request,
                visible=self._visible[kind.key],
                ids=self._ids,
                **filters,
            )
            related = SELECT_RELATED.get(kind.key)
            if related:
                queryset = queryset.select_related(*related)
            if kind.model is ProcedurePage:
                # The attachments' text of the hits shown (for the snippet) and
                # their versions (the date shown is the current version's).
                queryset = queryset.prefetch_related(
                    "attachments__document",
                    Prefetch(
                        "versions", queryset=ProcedureVersion.objects.defer("pdf")
                    ),
                )
            if LOGBOOK in kind.text_fields:
                # One query per kind for the logbook notes of the hits fetched.
                queryset = queryset.prefetch_related(
                    Prefetch("events", queryset=CaseEvent.objects.exclude(note=""))
                )
            self._scoped[key] = queryset
        return self._scoped[key]


def _one_page(func):
    """Runs ``func`` as one page for the search backend (``scoping.one_page``:
    its counts, facets and ranked list read the same posting lists, and each
    block is decoded once). ``func.__wrapped__`` searches without it."""

    @functools.wraps(func)
    def page(*args, **kwargs):
        with one_page():
            return func(*args, **kwargs)

    return page


@_one_page
def site_search(
    *,
    user,
    parsed: ParsedQuery,
    kind: str | None = None,
    year: int | None = None,
    client: int | None = None,
    status: str | None = None,
    sort: str = "relevantie",
    page: int = 1,
    request=None,
) -> SearchPage:
    """Search everything ``user`` may see. ``status`` is ``"<kind>:<value>"``."""
    result = SearchPage(parsed=parsed, sort=sort, page=page)
    if parsed.query is None:
        return result
    result.searched = True
    scope = Scope(user, request)
    status_kind, _sep, state = (status or "").partition(":")
    filters = {"year": year, "client": client}
    in_kind = [k for k in search_kinds() if kind is None or k.key == kind]
    shown = [k for k in in_kind if not status_kind or k.key == status_kind]
    # A kind whose index holds no match for the words at all is left out
    # before the user's scope for it is built (it counts 0 for everyone).
    possible = {k.key for k in search_kinds() if may_match(parsed.query, k)}

    # Per kind, without the status filter: the kind and status facets.
    unfiltered = {}
    counts_by_kind = {}
    statuses = []
    for k in search_kinds():
        if k.key not in possible:
            counts_by_kind[k.key] = 0
            continue
        results = run_search(parsed.query, scope.queryset(k, **filters))
        unfiltered[k.key] = results
        if k.state_field and k in in_kind:
            facet = safe_facet(results, k.state_field)
            counts_by_kind[k.key] = sum(facet.values())
            statuses.extend(
                FacetValue(
                    f"{k.key}:{value}",
                    f"{k.singular}: {k.state_label(value)}",
                    n,
                    selected=status == f"{k.key}:{value}",
                )
                for value, n in facet.items()
                if value is not None and n
            )
        else:
            counts_by_kind[k.key] = safe_count(results)
    result.kinds = [
        FacetValue(k.key, str(k.label), counts_by_kind[k.key], k.key == kind)
        for k in search_kinds()
        if counts_by_kind[k.key] or k.key == kind
    ]

    # The result list: the status filter applies to its kind.
    ranked = {}
    counts = {}
    for k in shown:
        if k.key not in possible:
            counts[k.key] = 0
        elif k.key == status_kind:
            queryset = scope.queryset(k, state=state, **filters)
            ranked[k.key] = run_search(parsed.query, queryset)
            counts[k.key] = safe_count(ranked[k.key])
        else:
            ranked[k.key] = unfiltered[k.key]
            counts[k.key] = counts_by_kind[k.key]
    result.total = sum(counts.values())
    result.page = page = min(page, result.page_count)
    result.statuses = _top(statuses, status)
    result.clients = _facets([k for k in shown if counts[k.key]], ranked, year, client)
    result.years = _year_facet(
        [k for k in shown if k.key in possible],
        parsed,
        scope,
        ranked,
        counts,
        year=year,
        client=client,
        status=status,
    )

    start, stop = (page - 1) * PAGE_SIZE, page * PAGE_SIZE
    pins = (
        []
        if sort == DATE
        else numbered_cases(parsed.text, shown, scope, status=status, **filters)
    )
    if sort == DATE:
        objects = _newest_first(shown, counts, parsed, scope, filters, status, stop)
        page_objects = _one_each(objects)[start:stop]
    elif pins:
        # The case numbers asked for come first, in number order; the ranked
        # list follows without them.
        result.total += len(pins) - _found_among(pins, parsed, scope, filters, status)
        rest = _interleaved(shown, counts, ranked, 0, stop + len(pins))
        page_objects = _one_each([*pins, *rest])[start:stop]
    else:
        page_objects = _one_each(_interleaved(shown, counts, ranked, start, stop))
    result.hits = [_hit(k, obj, parsed, user, request) for k, obj in page_objects]
    _add_cases(result.hits, scope)
    if not result.total and parsed.plain_words:
        from .suggestions import did_you_mean

        result.suggestion = did_you_mean(parsed=parsed, scope=scope)
    return result


#: What a case number, or the start of one, looks like: "K-2026", "k-2026-00",
#: "K-2026-0001" (the letter is the kind's ``PREFIX``).
CASE_NUMBER = re.compile(r"([A-Za-z])-(\d{1,4})(-\d{0,4})?")
#: Case numbers put first at most (a prefix like "K-2026" can match many).
MAX_NUMBERED = PAGE_SIZE


def numbered_cases(
    text: str, kinds, scope: Scope, *, status=None, limit=MAX_NUMBERED, **filters
) -> list[tuple[Kind, object]]:
    """The cases the user may see whose number is, or starts with, ``text``
    (a case number or its start), in number order; [] for any other text."""
    match = CASE_NUMBER.fullmatch((text or "").strip())
    if not match:
        return []
    letter = match.group(1).upper()
    status_kind, _sep, state = (status or "").partition(":")
    found: list[tuple[Kind, object]] = []
    for k in kinds:
        if not k.number_prefix or k.number_prefix.upper() != letter:
            continue
        extra = {"state": state} if k.key == status_kind else {}
        queryset = scope.queryset(k, **filters, **extra)
        found.extend(
            (k, obj)
            for obj in queryset.filter(number__istartswith=match.group()).order_by(
                "number"
            )[:limit]
        )
    found.sort(key=lambda item: item[1].number)
    return found[:limit]


def _found_among(pins, parsed, scope, filters, status) -> int:
    """How many of the numbered cases the query itself finds (already counted
    in the total)."""
    status_kind, _sep, state = (status or "").partition(":")
    found = 0
    for k in {k for k, _obj in pins}:
        pks = [obj.pk for kk, obj in pins if kk is k]
        extra = {"state": state} if k.key == status_kind else {}
        queryset = scope.queryset(k, **filters, **extra).filter(pk__in=pks)
        found += safe_count(run_search(parsed.query, queryset))
    return found


def _one_each(items: list[tuple[Kind, object]]) -> list[tuple[Kind, object]]:
    """Each object once, where it first appears (an index holding a document
    twice, or a case number put first, never shows a result twice)."""
    seen: set[tuple[str, object]] = set()
    unique = []
    for k, obj in items:
        if (k.key, obj.pk) not in seen:
            seen.add((k.key, obj.pk))
            unique.append((k, obj))
    return unique


def _top(values: list[FacetValue], selected) -> list[FacetValue]:
    values = sorted(values, key=lambda v: (-v.count, v.label))
    top = values[:FACET_VALUES]
    top.extend(v for v in values[FACET_VALUES:] if v.value == str(selected))
    return top


def _facets(kinds, ranked, year, client):
    """The client facet over the (filtered) hits of ``kinds``."""
    clients: Counter = Counter()
    for k in kinds:
        results = ranked[k.key]
        if k.client_field:
            for value, n in safe_facet(results, k.client_field).items():
                if value is not None:
                    clients[int(value)] += n
        if k.model is Client:
            clients.update(obj.pk for obj in safe_slice(results, 0, CLIENT_HITS))
    names = dict(Client.objects.filter(pk__in=list(clients)).values_list("pk", "name"))
    values = [
        FacetValue(str(pk), names[pk], n, selected=pk == client)
        for pk, n in clients.items()
        if pk in names
    ]
    return _top(values, client)


def _year_facet(kinds, parsed, scope, ranked, counts, *, year, client, status):
    """Hits per calendar year (Europe/Amsterdam), the other filters applied: with
    a year chosen, the other years stay listed to switch to."""
    status_kind, _sep, state = (status or "").partition(":")
    years: Counter = Counter()
    for k in kinds:
        if year is None:
            if not counts[k.key]:
                continue
            results = ranked[k.key]
        else:
            extra = {"state": state} if k.key == status_kind else {}
            queryset = scope.queryset(k, year=None, client=client, **extra)
            results = run_search(parsed.query, queryset)
        by_year = getattr(results, "facet_by_year", None)
        counted = (
            _evaluate(None, by_year, k.date_field, year_start_utc)
            if k.date_is_filter_field and by_year is not None
            else None
        )
        if counted is not None:
            years.update(counted)
        elif k.date_is_filter_field:
            for value, n in safe_facet(results, k.date_field).items():
                if value is not None:
                    years[local_year(value)] += n
        else:  # clients: the date is no filter field; the first hits tell
            years.update(
                local_year(k.date_of(obj))
                for obj in safe_slice(results, 0, CLIENT_HITS)
            )
    if year is not None:
        years[year] += 0  # the chosen year stays visible, to be unchosen
    return [
        FacetValue(str(y), str(y), n, selected=y == year)
        for y, n in sorted(years.items(), reverse=True)[:FACET_YEARS]
        if n or y == year
    ]


def _interleaved(kinds, counts, ranked, start, stop) -> list[tuple[Kind, object]]:
    """The page [start, stop) of the kinds interleaved by rank."""
    slots: list[tuple[Kind, int]] = []
    position = rank = 0
    deepest = max((counts[k.key] for k in kinds), default=0)
    while position < stop and rank < deepest:
        for k in kinds:
            if rank < counts[k.key]:
                if position >= start:
                    slots.append((k, rank))
                position += 1
                if position >= stop:
                    break
        rank += 1
    fetched: dict[tuple[str, int], object] = {}
    for k in kinds:
        ranks = [r for kk, r in slots if kk is k]
        if not ranks:
            continue
        low, high = min(ranks), max(ranks) + 1
        for offset, obj in enumerate(safe_slice(ranked[k.key], low, high)):
            fetched[(k.key, low + offset)] = obj
    # An object deleted between counting and fetching is simply left out.
    return [(k, fetched[(k.key, r)]) for k, r in slots if (k.key, r) in fetched]


def _newest_first(kinds, counts, parsed, scope, filters, status, wanted):
    """The ``wanted`` newest hits of ``kinds`` (each kind sorted by the engine,
    then merged)."""
    status_kind, _sep, state = (status or "").partition(":")
    merged = []
    for k in kinds:
        if not counts[k.key]:
            continue
        extra = {"state": state} if k.key == status_kind else {}
        queryset = date_ordered(k, scope.queryset(k, **filters, **extra))
        results = run_search(parsed.query, queryset, order_by_relevance=False)
        # A kind that shows another date than the one the engine sorts on (a
        # procedure: its version's "geldig vanaf", not its publication) is
        # fetched whole, up to a bound: procedures are few.
        fetch = wanted if k.shown_date is None else max(wanted, SHOWN_DATE_FETCH)
        merged.extend((k, obj) for obj in safe_slice(results, 0, fetch))
    # The order is that of the dates the reader sees on the results.
    merged.sort(
        key=lambda item: _sort_date(item[0].display_date(item[1])), reverse=True
    )
    return merged


def _sort_date(value):
    if value is None:
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(
            value.year, value.month, value.day, tzinfo=datetime.UTC
        )
    return value


def _hit(kind: Kind, obj, parsed: ParsedQuery, user, request) -> Hit:
    client = ""
    if kind.client_field:
        related = getattr(obj, kind.client_field.removesuffix("_id"), None)
        client = str(related) if related is not None else ""
    state = ""
    if kind.state_field:
        state = kind.state_label(getattr(obj, kind.state_field))
    return Hit(
        kind=kind,
        obj=obj,
        title=kind.title(obj),
        url=kind.url(obj, user, request),
        date=kind.display_date(obj),
        state=state,
        client=client,
        snippet=snippet(kind.texts(obj), parsed.highlight_text),
    )


def _case_fields() -> list[tuple[str, str]]:
    """(the evidence file's field naming a case of a kind, that kind's search
    key), for each registered kind of case (cases.kinds)."""
    return [
        (f"{kind.key}_id", kind.search_key or kind.key)
        for kind in case_kinds.all_kinds()
    ]


def _add_cases(hits: list[Hit], scope: Scope) -> None:
    """Name the case a file on the page is kept with, if the user may see that
    case (a dossier grant shows a file, not necessarily the case it belongs to).
    One query per kind of case, whatever the number of files."""
    files = [h for h in hits if h.kind.key == "bestand"]
    for field_name, key in _case_fields():
        ids = {getattr(h.obj, field_name) for h in files} - {None}
        if not ids:
            continue
        kind = kinds_by_key()[key]
        cases = {c.pk: c for c in scope.queryset(kind).filter(pk__in=ids)}
        for hit in files:
            case = cases.get(getattr(hit.obj, field_name))
            if case is not None and not hit.case_url:
                hit.case_title = f"{kind.singular} {case.number}"
                hit.case_url = kind.url(case, scope.user, scope.request)


def snippet(texts: list[str], terms: str) -> SafeString:
    """A highlighted excerpt of the first text that matches ``terms`` (escaped
    HTML with ``<mark>``), or the start of the first text."""
    highlight = _highlighter()
    first = ""
    for text in texts:
        # Leader dots and line breaks go before highlighting, so that fragments
        # are cut from readable text ("Klachten 3", not "Klachten ........ 3").
        # Each text is made readable only when the ones before it did not match.
        text = readable(text[:SNIPPET_TEXT_LIMIT])
        marked = highlight(text, terms, top=2)
        if marked:
            return mark_safe(marked)  # noqa: S308 (highlighters escape the text)
        first = first or text
    return escape(Truncator(first).chars(200)) if first else SafeString("")


def _highlighter():
    """The configured backend's highlighter, which matches words the way its
    index does (stemmed, for Whoosh), or plain word marking for a backend that
    does not highlight (modelsearch's database backends)."""
    return getattr(get_search_backend(), "highlight", None) or highlight_words
