"""The case register (Casusregister) in the admin: one listing of signals,
complaints, appeals and mediations with filters, its CSV and XLSX export, and the
logbook export of one case.

Every row comes from the scoping selectors: the listing, its filter options and
the exports show exactly the cases the user may see (C4, E4). The four kinds are
read as one UNION of per-kind rows (joins and logbook counts done in SQL), so a
page costs the same number of queries whatever the number of cases and events."""

from __future__ import annotations

import csv
import datetime
import io
import operator
from dataclasses import dataclass
from functools import reduce

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET
from wagtail.admin.auth import require_admin_access
from wagtail.admin.paginator import WagtailPaginator

from .. import kinds
from ..deadlines import LOCAL
from ..links import case_url
from ..models import Client
from ..permissions import has_register_access
from ..selectors import get_visible_or_404, visible_to

PER_PAGE = 50
SOON = datetime.timedelta(days=7)


def _kinds() -> dict[str, kinds.CaseKind]:
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
)


# -- filters -----------------------------------------------------------------


def _status_choices(kind: str) -> list:
    def states(spec):
        return [(f"{spec.key}:{v}", label) for v, label in spec.model.State.choices]

    empty = ("", gettext_lazy("Alle statussen"))
    every = _kinds()
    if kind in every:
        return [empty, *states(every[kind])]
    return [empty, *[(spec.title, states(spec)) for spec in every.values()]]


def responsible_people(user) -> QuerySet:
    """Handlers and deciders of the cases ``user`` may see (the handler filter)."""
    return (
        get_user_model()
        .objects.filter(
            reduce(
                operator.or_,
                (
                    Q(pk__in=kind.selector(user).values(kind.responsible_field))
                    for kind in kinds.all_kinds()
                    if kind.responsible_field
                ),
                Q(pk__in=[]),
            )
        )
        .order_by("last_name", "first_name", "username")
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Zoeken"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("nummer of klantnaam")}
        ),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Soort"),
        required=False,
        choices=[
            ("", gettext_lazy("Alle soorten")),
            *[(spec.key, spec.title) for spec in _kinds().values()],
        ],
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    client = forms.ModelChoiceField(
        label=gettext_lazy("Klant"),
        required=False,
        queryset=Client.objects.none(),
        empty_label=gettext_lazy("Alle klanten"),
    )
    handler = forms.ModelChoiceField(
        label=gettext_lazy("Behandelaar"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=gettext_lazy("Iedereen"),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Jaar van ontvangst"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": gettext_lazy("bijv. 2026")}),
    )
    overdue = forms.BooleanField(
        label=gettext_lazy("Alleen termijn verstreken"), required=False
    )

    def __init__(self, data, *, user):
        data = data.copy()
        kind = data.get("kind", "")
        # A status of another kind is left over from an earlier choice of kind:
        # the kind wins, the status is dropped instead of refused.
        status = data.get("status", "")
        if kind in _kinds() and status and not status.startswith(f"{kind}:"):
            data.pop("status")
        super().__init__(data)
        self.fields["status"].choices = _status_choices(kind)
        self.fields["client"].queryset = visible_to(user, Client).order_by("name")
        self.fields["handler"].queryset = responsible_people(user)

    def filters(self) -> dict:
        """The valid filters only: an invalid value narrows nothing (and the
        scope holds regardless)."""
        self.is_valid()
        return {
            k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)
        }


# -- rows --------------------------------------------------------------------


def _kind_rows(spec: kinds.CaseKind, user, filters: dict, now: datetime.datetime):
    """The value rows of one kind, filtered; None when the filters exclude it."""
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
    if q := filters.get("q", "").strip():
        qs = qs.filter(
            Q(number__icontains=q) | Q(**{f"{spec.client_field}__name__icontains": q})
        )

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
        # The same join as with_uninformed_steps: one pass over the logbook.
        row_events=Count("events"),
    )
    return qs.order_by().values(*COLUMNS)


def register_rows(user, filters: dict, *, now: datetime.datetime | None = None):
    """All register rows ``user`` may see under ``filters``, newest first, as one
    lazy queryset of dicts (the UNION of the four kinds), or an empty list."""
    now = now or timezone.now()
    parts = [
        rows
        for spec in _kinds().values()
        if (rows := _kind_rows(spec, user, filters, now)) is not None
    ]
    if not parts:
        return []
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-row_date", "-row_number")


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
            "Eiser niet geïnformeerd over %(n)d stap (E6)",
            "Eiser niet geïnformeerd over %(n)d stappen (E6)",
            self.uninformed,
        ) % {"n": self.uninformed}

    @property
    def url(self) -> str:
        return case_url(self.spec.model(pk=self.pk))

    @property
    def logbook_url(self) -> str:
        return reverse("cases_admin:logbook_export", args=[self.spec.key, self.pk])


# -- views -------------------------------------------------------------------


class RegisterPaginator(WagtailPaginator):
    verbose_name = gettext_lazy("zaak")
    verbose_name_plural = gettext_lazy("zaken")


@require_admin_access
@require_GET
def register_list(request):
    user = request.user
    form = RegisterFilterForm(request.GET, user=user)
    filters = form.filters()
    now = timezone.now()
    rows = register_rows(user, filters, now=now)
    export = request.GET.get("format")
    if export == "csv":
        return _csv_response(_export_rows(rows, now))
    if export == "xlsx":
        return _xlsx_response(_export_rows(rows, now))

    paginator = RegisterPaginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    query = request.GET.copy()
    for key in ("p", "format"):
        query.pop(key, None)
    return render(
        request,
        "cases/admin/register.html",
        {
            "form": form,
            "page": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "rows": [RegisterRow.from_values(v, now) for v in page.object_list],
            "filtered": bool(filters),
            "full_register": has_register_access(user),
            "query": query.urlencode(),
        },
    )


@require_admin_access
@require_GET
def logbook_export(request, kind, pk):
    spec = _kinds().get(kind)
    if spec is None:
        raise Http404
    case = get_visible_or_404(request.user, spec.model, pk=pk)
    events = case.events.select_related("actor").order_by("at", "pk")
    header = [
        _("tijdstip"),
        _("stap"),
        _("van"),
        _("naar"),
        _("door"),
        _("toelichting"),
        _("eiser geïnformeerd op"),
    ]
    body = [
        [
            _local_text(e.at),
            e.action_label,
            e.from_state_label if e.from_state else "",
            e.to_state_label if e.to_state else "",
            str(e.actor) if e.actor_id else _("systeem"),
            e.note,
            _local_text(e.claimant_informed_at),
        ]
        for e in events
    ]
    return _csv_response([header, *body], filename=f"logboek-{case.number}.csv")


# -- export ------------------------------------------------------------------


def _export_rows(rows, now) -> list[list]:
    header = [
        _("Nummer"),
        _("Soort"),
        _("Klant"),
        _("Ontvangen op"),
        _("Status"),
        _("Behandelaar"),
        _("Termijn"),
        _("Termijnstatus"),
        _("Logboekregels"),
        _("Waarschuwing"),
    ]
    body = []
    for values in rows:
        row = RegisterRow.from_values(values, now)
        deadline = row.open_deadline
        body.append(
            [
                row.number,
                row.kind_label,
                row.client,
                row.local_date,
                row.state_label,
                row.responsible,
                timezone.localtime(deadline) if deadline else None,
                row.deadline_text,
                row.events,
                row.e6_warning,
            ]
        )
    return [header, *body]


def _local_text(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else ""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    text = str(value)
    # A typed note starting like a formula must stay text in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _filename(ext: str) -> str:
    return f"casusregister-{timezone.localdate():%Y-%m-%d}.{ext}"


def _csv_response(table: list[list], *, filename: str | None = None) -> HttpResponse:
    # A BOM and ';': Excel in a Dutch locale opens the file with the right
    # characters and columns by double-clicking it.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{filename or _filename("csv")}"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    for line in table:
        writer.writerow([_cell_text(v) for v in line])
    return response


def _xlsx_response(table: list[list]) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("Casusregister")
    widths: dict[int, int] = {}
    for r, line in enumerate(table, start=1):
        for c, value in enumerate(line, start=1):
            if isinstance(value, datetime.datetime):
                value = value.replace(tzinfo=None)  # Excel has no time zones
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if r == 1:
                cell.font = Font(bold=True)
            elif isinstance(value, datetime.datetime):
                cell.number_format = "DD-MM-YYYY HH:MM"
            elif isinstance(value, datetime.date):
                cell.number_format = "DD-MM-YYYY"
            shown = len(_cell_text(value)) if value is not None else 0
            widths[c] = max(widths.get(c, 0), shown)
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
