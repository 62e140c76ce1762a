"""What a person may see of the core-group meetings (C11, C5).

A meeting is read by the roles of `insights.permissions.can_view_meetings`. What
it shows of each case follows the case's own scoping (``cases.selectors``): a
complaint the quality officer decided to discuss anonymised (C5) shows its
anonymised summary only; any other case shows its texts to those who may see the
case, and to others only its kind, month and status (never its number, C4).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet
from django.urls import reverse

from cases import kinds
from cases.selectors_agenda import (
    agenda_details,
    case_url_of,
    closed_agenda_cases,
    visible_case_ids,
)
from cases.selectors_figures import first_year as first_case_year

from .models import CoreGroupMeeting, MeetingCase
from .permissions import can_view_meetings


def meetings_visible_to(user) -> QuerySet[CoreGroupMeeting]:
    if not can_view_meetings(user):
        return CoreGroupMeeting.objects.none()
    return CoreGroupMeeting.objects.all()


def previous_meeting(held_on, *, exclude_pk=None) -> CoreGroupMeeting | None:
    qs = CoreGroupMeeting.objects.filter(held_on__lt=held_on)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-held_on", "-pk").first()


@dataclass
class AgendaItem:
    """One case on a meeting's agenda as ``user`` may see it."""

    item: MeetingCase
    kind: kinds.CaseKind
    visible: bool  # the user may open the case
    anonymised: bool  # C5: only the anonymised summary is shown
    details: dict = field(default_factory=dict)

    @property
    def number(self) -> str:
        return self.item.number if self.visible or self.anonymised else ""

    @property
    def url(self) -> str:
        return case_url_of(self.kind.key, self.item.case_id) if self.visible else ""

    @property
    def client(self) -> str:
        if self.anonymised or not self.visible:
            return ""
        return self.details.get("client_name") or ""

    def text(self, name: str) -> str:
        if self.anonymised:
            return ""
        return (self.details.get(name) or "") if self.visible else ""

    @property
    def summary(self) -> str:
        return self.text("summary")

    @property
    def outcome(self) -> str:
        return self.text("outcome")

    @property
    def measures(self) -> str:
        return self.text("measures")

    @property
    def lessons(self) -> str:
        return self.text("lessons")

    @property
    def anonymised_summary(self) -> str:
        return self.details.get("anonymised_summary") or "" if self.anonymised else ""

    @property
    def received(self):
        return self.details.get("received")

    @property
    def closed(self):
        return self.details.get("closed_on")

    @property
    def state_label(self) -> str:
        return self.details.get("state_label", "")


@dataclass
class AgendaGroup:
    kind: kinds.CaseKind
    section: str
    section_label: str
    items: list[AgendaItem]


SECTION_ORDER = ("received", "open", "closed")


def agenda_for(user, meeting: CoreGroupMeeting) -> list[AgendaGroup]:
    """The meeting's cases as ``user`` may see them, grouped per kind and section
    (received, still open, closed). Queries: one for the items and two per kind
    (details, visibility), whatever the number of cases."""
    items = list(meeting.items.all())
    by_kind: dict[str, list[MeetingCase]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    groups: list[AgendaGroup] = []
    labels = dict(MeetingCase.Section.choices)
    for spec in kinds.all_kinds():
        own = by_kind.get(spec.key)
        if not own:
            continue
        pks = [i.case_id for i in own]
        details = agenda_details(spec.key, pks)
        visible = visible_case_ids(user, spec.key, pks)
        for section in SECTION_ORDER:
            rows = [
                AgendaItem(
                    item=i,
                    kind=spec,
                    visible=i.case_id in visible,
                    anonymised=bool(details.get(i.case_id, {}).get("anonymised")),
                    details=details.get(i.case_id, {}),
                )
                for i in own
                if i.section == section
            ]
            if rows:
                groups.append(AgendaGroup(spec, section, str(labels[section]), rows))
    return groups


def discussed_on(user, cases) -> list[tuple[tuple[str, int], tuple]]:
    """For the hook ``portal.hooks.CASE_DISCUSSED``: when each of ``cases``
    (``(kind key, pk)`` pairs) was last discussed in a core-group meeting, and
    that meeting's page ("" for a user who may not read the meetings). One query
    for the dates, one more for the meetings' pages when any was discussed."""
    match = Q()
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, pk in cases:
        by_kind[kind].append(pk)
    for kind, pks in by_kind.items():
        match |= Q(kind=kind, case_id__in=pks)
    rows = (
        MeetingCase.objects.filter(match, discussed=True)
        .values("kind", "case_id")
        .annotate(last=Max("meeting__held_on"))
        .order_by()
    )
    last = {(r["kind"], r["case_id"]): r["last"] for r in rows}
    if not last:
        return []
    if not can_view_meetings(user):
        return [(key, (day, "")) for key, day in last.items()]
    meetings = dict(
        CoreGroupMeeting.objects.filter(held_on__in=set(last.values()))
        .order_by("held_on", "pk")
        .values_list("held_on", "pk")
    )
    return [
        (key, (day, reverse("insights_admin:meeting", args=[meetings[day]])))
        for key, day in last.items()
        if day in meetings
    ]


def closed_not_discussed(limit: int = 10):
    """C11: closed complaints, appeals and mediations no core-group meeting has
    discussed yet: ``(count, [AgendaCase, ...])``, the most recently closed
    first."""
    closed = closed_agenda_cases()
    discussed = set(
        MeetingCase.objects.filter(discussed=True).values_list("kind", "case_id")
    )
    left = [c for c in closed if (c.kind, c.pk) not in discussed]
    return len(left), left[:limit]


def review_years(this_year: int) -> list[int]:
    """The years a review can be opened for: from the first year with a case (or
    this year) up to this year."""
    first = first_case_year() or this_year
    return list(range(min(first, this_year), this_year + 1))
