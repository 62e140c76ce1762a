"""The register's rows: every kind of case the user may see, as one UNION of
per-kind value rows (joins and logbook counts done in SQL), so a page costs the
same number of queries whatever the number of cases and events (C4, E4)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Q,
    Value,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import kinds
from ..deadlines import LOCAL
from ..links import case_url
from ..selectors import visible_to

PER_PAGE = 50
SOON = datetime.timedelta(days=7)


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
)


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
        for spec in registered_kinds().values()
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
