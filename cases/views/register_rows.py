"""The register's rows: every kind of case the user may see, as one UNION of
per-kind value rows (joins and logbook counts done in SQL), so a page costs the
same number of queries whatever the number of cases and events (C4, E4).

Besides its own columns a row carries what a clerk reads across kinds (issue
16, item 7): when the case was closed and its lead time, where it came from (a
complaint's signal) and what it became (the signal's complaint), each with
whether the user may open that other case. All of it is derived from the
registry (``cases.kinds``) and the models, never from a list of kinds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.formatting import format_date, format_moment

from .. import kinds
from ..deadlines import LOCAL
from ..links import case_url
from ..models import CaseEvent
from ..selectors import visible_to
from ..selectors_figures import closing_moment

PER_PAGE = 50
SOON = datetime.timedelta(days=7)
# A term this short is counted to the hour, and its deadline shown with the time.
SHORT_TERM = datetime.timedelta(days=3)


def registered_kinds() -> dict[str, kinds.CaseKind]:
    """The registered kinds of case (cases.kinds), by key, in the register."""
    return {kind.key: kind for kind in kinds.all_kinds()}


# The UNION's columns, in this order for every kind. Prefixed so that they never
# clash with a model field of the same name (an annotation may not).
COLUMNS = (
    "row_kind",
    "row_pk",
    "row_number",
    "row_client",
    "row_date",
    "row_state",
    "row_resp_first",
    "row_resp_last",
    "row_resp_username",
    "row_deadline",
    "row_events",
    "uninformed_steps",
    "row_kind_rank",
    "row_state_rank",
    "row_closed",
    "row_lead",
    "row_origin_kind",
    "row_origin_pk",
    "row_origin_number",
    "row_origin_visible",
    "row_result_kind",
    "row_result_pk",
    "row_result_number",
    "row_result_visible",
)

# ?sort=<key> (or -<key>): the register's columns a clerk sorts on, each as the
# UNION columns it orders by. Nulls (an open case's closing date) go last.
SORTS = {
    "nummer": ("row_number",),
    "soort": ("row_kind_rank",),
    "klant": ("row_client",),
    "ontvangen": ("row_date",),
    "status": ("row_kind_rank", "row_state_rank"),
    "afgesloten": ("row_closed",),
    "doorlooptijd": ("row_lead",),
}
DEFAULT_ORDER = ("-row_date", "-row_number")


def parse_sort(value) -> tuple[str, bool] | None:
    """``(key, descending)`` of a ``?sort=`` value, or None for anything unknown
    (ignored: the default order applies)."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.removeprefix("-")
    return (key, descending) if key in SORTS else None


def _ordering(sort: tuple[str, bool] | None) -> list:
    if sort is None:
        return list(DEFAULT_ORDER)
    key, descending = sort
    columns = [
        F(column).desc(nulls_last=True)
        if descending
        else F(column).asc(nulls_last=True)
        for column in SORTS[key]
    ]
    return [*columns, *DEFAULT_ORDER]


# -- what the registry says of a kind -----------------------------------------------


def closed_states(spec: kinds.CaseKind) -> tuple[str, ...]:
    """The states in which a case of ``spec`` is done (``CaseKind.closed_states``)."""
    return spec.closed_states()


def _case_kind_of(model) -> kinds.CaseKind | None:
    return kinds.kind_of(model) if kinds.is_case_model(model) else None


def origin_relation(spec: kinds.CaseKind):
    """(field, kind): the case ``spec``'s cases came from (a complaint's signal,
    a mediation's complaint), or None."""
    for f in spec.model._meta.get_fields():
        if f.concrete and (f.many_to_one or f.one_to_one) and f.related_model:
            other = _case_kind_of(f.related_model)
            if other is not None and other.key != spec.key:
                return f, other
    return None


def result_relation(spec: kinds.CaseKind):
    """(reverse one-to-one, kind): the one case a case of ``spec`` became (a
    signal's complaint), or None."""
    for f in spec.model._meta.get_fields():
        if f.one_to_one and not f.concrete and f.related_model:
            other = _case_kind_of(f.related_model)
            if other is not None and other.key != spec.key:
                return f, other
    return None


def _rank(values, field: str) -> Case | Value:
    whens = [When(**{field: v}, then=Value(i)) for i, v in enumerate(values)]
    if not whens:
        return Value(0, output_field=IntegerField())
    return Case(*whens, default=Value(len(whens)), output_field=IntegerField())


def _links(spec: kinds.CaseKind, user) -> dict:
    """The origin and result columns: the other case's kind, pk, number and
    whether ``user`` may see it (the number is shown only then: C4)."""
    none = {
        "kind": Value("", output_field=CharField()),
        "pk": Value(None, output_field=IntegerField()),
        "number": Value("", output_field=CharField()),
        "visible": Value(False, output_field=BooleanField()),
    }
    columns = {}
    origin = origin_relation(spec)
    if origin is None:
        columns.update({f"row_origin_{k}": v for k, v in none.items()})
    else:
        f, other = origin
        columns.update(
            row_origin_kind=Value(other.key, output_field=CharField()),
            row_origin_pk=F(f.attname),
            row_origin_number=F(f"{f.name}__number"),
            row_origin_visible=Exists(
                other.selector(user).filter(pk=OuterRef(f.attname))
            ),
        )
    result = result_relation(spec)
    if result is None:
        columns.update({f"row_result_{k}": v for k, v in none.items()})
    else:
        f, other = result
        columns.update(
            row_result_kind=Value(other.key, output_field=CharField()),
            row_result_pk=F(f"{f.name}__pk"),
            row_result_number=F(f"{f.name}__number"),
            row_result_visible=Exists(
                other.selector(user).filter(**{f.field.name: OuterRef("pk")})
            ),
        )
    return columns


# -- rows --------------------------------------------------------------------


def _logbook(spec: kinds.CaseKind):
    """The logbook rows of the outer case (``OuterRef("pk")``), read on the
    logbook's own index (no join back to the case)."""
    return CaseEvent.objects.filter(
        case_type=ContentType.objects.get_for_model(spec.model),
        case_id=OuterRef("pk"),
    ).order_by()


def _closing(spec: kinds.CaseKind):
    """When a closed case was closed (``selectors_figures.closing_moment``), read
    on the logbook's own index: a subquery, so that it is read only for the rows
    it is asked for."""
    return closing_moment(spec, _logbook(spec))


def _event_count(spec: kinds.CaseKind):
    counted = _logbook(spec).values("case_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _filtered(spec: kinds.CaseKind, user, filters: dict, now: datetime.datetime):
    """The cases of one kind ``user`` may see under ``filters``, without any of
    the register's columns; None when the filters exclude the kind."""
    if filters.get("kind", spec.key) != spec.key:
        return None
    qs = visible_to(user, spec.model)
    if status := filters.get("status"):
        status_kind, _sep, state = status.partition(":")
        if status_kind != spec.key:
            return None
        qs = qs.filter(state=state)
    if client := filters.get("client"):
        qs = qs.filter(**{spec.client_field: client})
    if handler := filters.get("handler"):
        if spec.responsible_field is None:
            return None
        qs = qs.filter(**{spec.responsible_field: handler})
    if filters.get("overdue"):
        if spec.deadline_field is None:
            return None
        qs = qs.filter(
            state__in=spec.deadline_states, **{f"{spec.deadline_field}__lt": now}
        )
    if year := filters.get("year"):
        # The year of receipt in local time (a case received on 31 December at
        # 23:30 belongs to that year), as a range so an index can serve it.
        qs = qs.filter(
            **{
                f"{spec.date_field}__gte": datetime.datetime(year, 1, 1, tzinfo=LOCAL),
                f"{spec.date_field}__lt": datetime.datetime(
                    year + 1, 1, 1, tzinfo=LOCAL
                ),
            }
        )
    closed = closed_states(spec)
    if stage := filters.get("stage"):
        qs = (
            qs.filter(state__in=closed)
            if stage == "closed"
            else qs.exclude(state__in=closed)
        )
    if q := filters.get("q", "").strip():
        qs = qs.filter(
            Q(number__icontains=q) | Q(**{f"{spec.client_field}__name__icontains": q})
        )
    if year := filters.get("closed_year"):
        qs = qs.alias(row_closed_at=_closing(spec)).filter(
            row_closed_at__gte=datetime.datetime(year, 1, 1, tzinfo=LOCAL),
            row_closed_at__lt=datetime.datetime(year + 1, 1, 1, tzinfo=LOCAL),
        )
    return qs.order_by()


def _kind_rows(
    spec: kinds.CaseKind,
    user,
    filters: dict,
    now: datetime.datetime,
    *,
    sort: tuple[str, bool] | None = None,
    texts: tuple[str, ...] = (),
):
    """The value rows of one kind, filtered, with all the register's columns
    (and the ``texts`` fields as ``row_text_<field>``, empty where the kind has
    no such field); None when the filters exclude it."""
    qs = _filtered(spec, user, filters, now)
    if qs is None:
        return None
    if spec.register_annotate is not None:
        # The kind's own columns (a mediation: its notary, its uninformed steps).
        qs, responsible = spec.register_annotate(qs)
    else:
        qs = qs.annotate(uninformed_steps=Value(0, output_field=IntegerField()))
        if spec.responsible_field:
            responsible = {
                "row_resp_first": F(f"{spec.responsible_field}__first_name"),
                "row_resp_last": F(f"{spec.responsible_field}__last_name"),
                "row_resp_username": F(f"{spec.responsible_field}__username"),
            }
        else:
            responsible = {
                name: Value("", output_field=CharField())
                for name in ("row_resp_first", "row_resp_last", "row_resp_username")
            }
    qs = qs.annotate(
        row_kind=Value(spec.key, output_field=CharField()),
        row_pk=F("pk"),
        row_number=F("number"),
        row_client=F(f"{spec.client_field}__name"),
        row_date=F(spec.date_field),
        row_state=F("state"),
        **responsible,
        row_deadline=(
            F(spec.deadline_field)
            if spec.deadline_field
            else Value(None, output_field=DateTimeField())
        ),
        row_events=_event_count(spec),
        row_kind_rank=Value(kinds.keys().index(spec.key), output_field=IntegerField()),
        row_state_rank=_rank(spec.model.State.values, "state"),
        # The same moment the figures count (cases.selectors_figures).
        row_closed=_closing(spec),
        **_links(spec, user),
    )
    # The lead time only to sort on (a row shows it from its dates): otherwise
    # the closing subquery would be read twice for every row.
    qs = qs.annotate(
        row_lead=(
            ExpressionWrapper(
                F("row_closed") - F("row_date"), output_field=DurationField()
            )
            if sort is not None and "row_lead" in SORTS[sort[0]]
            else Value(None, output_field=DurationField())
        )
    )
    own = {f.name for f in spec.model._meta.concrete_fields}
    qs = qs.annotate(
        **{
            f"row_text_{name}": (
                F(name) if name in own else Value("", output_field=CharField())
            )
            for name in texts
        }
    )
    return qs.order_by().values(*COLUMNS, *(f"row_text_{name}" for name in texts))


def _kind_keys(
    spec: kinds.CaseKind,
    user,
    filters: dict,
    now: datetime.datetime,
    sort: tuple[str, bool] | None,
):
    """The pks of one kind in the register's order, with only the columns that
    order needs (the closing moment only when sorting on it); None when the
    filters exclude the kind."""
    qs = _filtered(spec, user, filters, now)
    if qs is None:
        return None
    columns = {
        "row_pk": F("pk"),
        "row_number": F("number"),
        "row_date": F(spec.date_field),
    }
    wanted = set(SORTS[sort[0]]) if sort else set()
    if "row_client" in wanted:
        columns["row_client"] = F(f"{spec.client_field}__name")
    if "row_kind_rank" in wanted:
        columns["row_kind_rank"] = Value(
            kinds.keys().index(spec.key), output_field=IntegerField()
        )
    if "row_state_rank" in wanted:
        columns["row_state_rank"] = _rank(spec.model.State.values, "state")
    if wanted & {"row_closed", "row_lead"}:
        columns["row_closed"] = _closing(spec)
    qs = qs.annotate(**columns)
    if "row_lead" in wanted:
        qs = qs.annotate(
            row_lead=ExpressionWrapper(
                F("row_closed") - F("row_date"), output_field=DurationField()
            )
        )
    # A column that is one constant for the whole kind (its rank among the
    # kinds, the rank of a kind's only state) orders nothing within the kind,
    # and PostgreSQL reads a constant in ORDER BY as a column position.
    constant = {name for name, value in columns.items() if isinstance(value, Value)}
    return qs.order_by(
        *(o for o in _ordering(sort) if _ordered_column(o) not in constant)
    )


def _ordered_column(order) -> str:
    if isinstance(order, str):
        return order.lstrip("-")
    return getattr(order.expression, "name", "")


def _union(parts: list):
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


class RegisterRows:
    """All register rows ``user`` may see under ``filters``, in the order of
    ``sort``: what the paginator and the exports read.

    The logbook counts, closing moments and links cost a pass over the logbook,
    so they are computed only for the rows read: ``count()`` is a COUNT of the
    filtered pks without any column, and a page (``rows[a:b]``) is one UNION
    whose every kind takes only its first ``b`` pks in the register's order
    (an index-served subquery; only a sort on the closing date or lead time
    computes the closing moment of every case to order them). ``export()``
    reads every row, as a queryset to iterate in chunks."""

    ordered = True  # for the paginator: the order is the register's, never none

    def __init__(self, user, filters: dict, *, now, sort=None):
        self.user, self.filters, self.now, self.sort = user, filters, now, sort
        self.specs = [
            spec
            for spec in registered_kinds().values()
            if _filtered(spec, user, filters, now) is not None
        ]
        self._count = None

    def count(self) -> int:
        if self._count is None:
            parts = [
                _filtered(spec, self.user, self.filters, self.now).values("pk")
                for spec in self.specs
            ]
            self._count = _union(parts).count() if parts else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _rows(self, *, first: int | None = None, texts: tuple[str, ...] = ()):
        parts = []
        for spec in self.specs:
            rows = _kind_rows(
                spec, self.user, self.filters, self.now, sort=self.sort, texts=texts
            )
            if first is not None:
                keys = _kind_keys(spec, self.user, self.filters, self.now, self.sort)
                rows = rows.filter(pk__in=keys.values("pk")[:first])
            parts.append(rows)
        return _union(parts).order_by(*_ordering(self.sort)) if parts else None

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RegisterRows takes a slice: rows[start:stop]")
        start, stop = index.start or 0, index.stop
        if stop is None or start < 0 or stop < start:
            raise ValueError("RegisterRows takes a bounded slice")
        if stop == start or not self.specs:
            return []
        return list(self._rows(first=stop)[start:stop])

    def export(self, *, texts: tuple[str, ...] = ()):
        """Every row, with the ``texts`` fields as ``row_text_<field>``: a lazy
        queryset of dicts (iterate it with ``.iterator()``), or an empty list."""
        rows = self._rows(texts=texts)
        return [] if rows is None else rows


def register_rows(
    user,
    filters: dict,
    *,
    now: datetime.datetime | None = None,
    sort: tuple[str, bool] | None = None,
) -> RegisterRows:
    """All register rows ``user`` may see under ``filters``, newest first or in
    the order of ``sort`` (`parse_sort`): a `RegisterRows` to page or export."""
    return RegisterRows(user, filters, now=now or timezone.now(), sort=sort)


@dataclass(frozen=True)
class CaseLink:
    """Another case a row is tied to: its kind, and its number and page only when
    the user may see it (C4: a number out of scope is never shown)."""

    spec: kinds.CaseKind
    pk: int
    number: str
    visible: bool

    @classmethod
    def from_values(cls, values: dict, side: str) -> CaseLink | None:
        key, pk = values[f"row_{side}_kind"], values[f"row_{side}_pk"]
        if not key or pk is None or key not in kinds.keys():  # noqa: SIM118 (a function)
            return None
        visible = bool(values[f"row_{side}_visible"])
        return cls(
            spec=kinds.by_key(key),
            pk=pk,
            number=values[f"row_{side}_number"] if visible else "",
            visible=visible,
        )

    @property
    def url(self) -> str:
        return case_url(self.spec.model(pk=self.pk)) if self.visible else ""


@dataclass
class RegisterRow:
    spec: kinds.CaseKind
    pk: int
    number: str
    client: str
    date: datetime.datetime
    state: str
    responsible: str
    deadline: datetime.datetime | None
    events: int
    uninformed: int
    now: datetime.datetime
    closed: datetime.datetime | None = None
    origin: CaseLink | None = None
    result: CaseLink | None = None
    # (date, meeting url) when the core group last discussed it (C11).
    discussed: tuple | None = None

    @classmethod
    def from_values(cls, values: dict, now: datetime.datetime) -> RegisterRow:
        spec = kinds.by_key(values["row_kind"])
        first = values["row_resp_first"] or ""
        last = values["row_resp_last"] or ""
        responsible = f"{first} {last}".strip() or values["row_resp_username"] or ""
        if responsible:
            responsible = str(spec.responsible_format) % {"name": responsible}
        return cls(
            spec=spec,
            pk=values["row_pk"],
            number=values["row_number"],
            client=values["row_client"] or "",
            date=values["row_date"],
            state=values["row_state"],
            responsible=responsible,
            deadline=values["row_deadline"],
            events=values["row_events"] or 0,
            uninformed=values["uninformed_steps"] or 0,
            now=now,
            closed=values["row_closed"],
            origin=CaseLink.from_values(values, "origin"),
            result=CaseLink.from_values(values, "result"),
        )

    @property
    def kind_label(self) -> str:
        return str(self.spec.title)

    @property
    def state_label(self) -> str:
        states = self.spec.model.State
        return str(states(self.state).label) if self.state in states.values else ""

    @property
    def local_date(self) -> datetime.date:
        return timezone.localtime(self.date).date()

    @property
    def open_deadline(self) -> datetime.datetime | None:
        """The deadline still running (or run out); None once the step is done."""
        if self.deadline is None or self.state not in self.spec.deadline_states:
            return None
        return self.deadline

    @property
    def deadline_display(self) -> str:
        """The open deadline in the one date style: with its time only for a term
        counted in hours (a signal's 48 hours), a day for a term of weeks."""
        deadline = self.open_deadline
        if deadline is None:
            return ""
        if deadline - self.date <= SHORT_TERM:
            return format_moment(deadline)
        return format_date(deadline)

    @property
    def deadline_status(self) -> str:
        """'overdue', 'soon' (within 7 days) or '' (neutral, or no open deadline)."""
        deadline = self.open_deadline
        if deadline is None:
            return ""
        if self.now > deadline:
            return "overdue"
        if deadline - self.now <= SOON:
            return "soon"
        return ""

    @property
    def deadline_text(self) -> str:
        status = self.deadline_status
        if status == "overdue":
            return _("te laat")
        if status == "soon":
            days = (
                timezone.localdate(self.deadline) - timezone.localdate(self.now)
            ).days
            if days <= 0:
                return _("vandaag")
            return ngettext("nog %(n)d dag", "nog %(n)d dagen", days) % {"n": days}
        return ""

    @property
    def e6_warning(self) -> str:
        if not self.uninformed:
            return ""
        return ngettext(
            "Eiser niet geïnformeerd over %(n)d stap",
            "Eiser niet geïnformeerd over %(n)d stappen",
            self.uninformed,
        ) % {"n": self.uninformed}

    @property
    def closed_date(self) -> datetime.date | None:
        """The day the case was closed (local), None while it is open."""
        return timezone.localtime(self.closed).date() if self.closed else None

    @property
    def lead_days(self) -> int | None:
        """Doorlooptijd: calendar days from receipt to closing; None while open."""
        closed = self.closed_date
        return (closed - self.local_date).days if closed else None

    @property
    def origin_text(self) -> str:
        if self.origin is None:
            return ""
        if self.origin.number:
            return _("uit %(kind)s %(number)s") % {
                "kind": self.origin.spec.label,
                "number": self.origin.number,
            }
        return _("uit een %(kind)s") % {"kind": self.origin.spec.label}

    @property
    def result_text(self) -> str:
        if self.result is None:
            return ""
        if self.result.number:
            return _("omgezet in %(kind)s %(number)s") % {
                "kind": self.result.spec.label,
                "number": self.result.number,
            }
        return _("omgezet in een %(kind)s") % {"kind": self.result.spec.label}

    @property
    def url(self) -> str:
        return case_url(self.spec.model(pk=self.pk))

    @property
    def logbook_url(self) -> str:
        return reverse("cases_admin:logbook", args=[self.spec.key, self.pk])
