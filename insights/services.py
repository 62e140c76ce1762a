"""Every write of the core-group meetings (C11).

A meeting is planned with its date and the period it looks back on; planning it
compiles its agenda from the register (``cases.selectors_agenda``): every
complaint, appeal and mediation received in the period, still open at its end or
closed in it. The meeting then records, per case, that it was discussed and what
was concluded, and its own decisions; fixing the minutes makes it read-only.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors_agenda import cases_for_meeting
from portal.formatting import format_date

from .figures import annual_figures
from .models import CoreGroupMeeting, ManagementReview, MeetingCase
from .permissions import can_edit_review, can_keep_meetings
from .selectors import previous_meeting

# The first meeting looks back this far when no period is given.
FIRST_PERIOD = datetime.timedelta(days=91)


def default_period_start(held_on: datetime.date) -> datetime.date:
    """The day after the previous meeting, or three months back for the first."""
    before = previous_meeting(held_on)
    if before is not None:
        return before.held_on + datetime.timedelta(days=1)
    return held_on - FIRST_PERIOD


def _check_keeper(user) -> None:
    if not can_keep_meetings(user):
        raise ValidationError(
            _(
                "Alleen de kerngroep en wie het register bijhoudt leggen "
                "bijeenkomsten vast."
            )
        )


def _check_period(held_on, period_start) -> None:
    if period_start and period_start > held_on:
        raise ValidationError(
            {
                "period_start": _(
                    "Het begin van de besproken periode ligt na de datum van de "
                    "bijeenkomst (%(day)s). Kies een eerdere dag."
                )
                % {"day": format_date(held_on, year=True)}
            }
        )


def _compile(meeting: CoreGroupMeeting) -> int:
    """Add the cases of the meeting's period not on its agenda yet (C11); the
    items already there, with what was recorded, stay as they are."""
    have = set(meeting.items.values_list("kind", "case_id"))
    new = [
        MeetingCase(
            meeting=meeting,
            kind=c.kind,
            case_id=c.pk,
            number=c.number,
            section=c.section,
        )
        for c in cases_for_meeting(meeting.period_start, meeting.held_on)
        if (c.kind, c.pk) not in have
    ]
    MeetingCase.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def meeting_plan(
    *,
    by,
    held_on: datetime.date,
    period_start: datetime.date | None = None,
    location: str = "",
    attendees=(),
) -> CoreGroupMeeting:
    """C11: plan a core-group meeting and compile its agenda item
    "Klanttevredenheid"."""
    _check_keeper(by)
    if period_start is None:
        period_start = default_period_start(held_on)
    _check_period(held_on, period_start)
    meeting = CoreGroupMeeting.objects.create(
        held_on=held_on,
        period_start=period_start,
        location=location,
        created_by=by,
    )
    meeting.attendees.set(attendees)
    _compile(meeting)
    return meeting


def _check_open(meeting: CoreGroupMeeting) -> None:
    if meeting.minutes_fixed_at is not None:
        raise ValidationError(
            _(
                "De notulen van deze bijeenkomst zijn vastgesteld op %(day)s en "
                "kunnen niet meer worden gewijzigd."
            )
            % {"day": format_date(meeting.minutes_fixed_at, year=True)}
        )


@transaction.atomic
def meeting_recompile(*, meeting: CoreGroupMeeting, by) -> int:
    """Add cases that came in since the agenda was compiled (the recorded items
    stay); the number added."""
    _check_keeper(by)
    meeting = CoreGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(meeting)
    return _compile(meeting)


@transaction.atomic
def meeting_record(
    *,
    meeting: CoreGroupMeeting,
    by,
    items: dict[int, tuple[bool, str]],
    satisfaction_notes: str | None = None,
    decisions: str | None = None,
    location: str | None = None,
    attendees=None,
) -> CoreGroupMeeting:
    """Record what the meeting did: per agenda item (by its pk) whether it was
    discussed and the conclusion, and the meeting's own texts (C11)."""
    _check_keeper(by)
    meeting = CoreGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(meeting)
    own = {i.pk: i for i in meeting.items.all()}
    changed = []
    for pk, (discussed, conclusion) in items.items():
        item = own.get(pk)
        if item is None:
            continue
        conclusion = (conclusion or "").strip()
        if conclusion and not discussed:
            # A conclusion is only drawn about a case that was discussed.
            discussed = True
        if item.discussed != discussed or item.conclusion != conclusion:
            item.discussed, item.conclusion = discussed, conclusion
            changed.append(item)
    MeetingCase.objects.bulk_update(changed, ["discussed", "conclusion"])
    fields = []
    for name, value in (
        ("satisfaction_notes", satisfaction_notes),
        ("decisions", decisions),
        ("location", location),
    ):
        if value is not None:
            setattr(meeting, name, value.strip())
            fields.append(name)
    if fields:
        meeting.save(update_fields=fields)
    if attendees is not None:
        meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def meeting_fix_minutes(*, meeting: CoreGroupMeeting, by, now=None) -> CoreGroupMeeting:
    """Fix the minutes: from now on the meeting is read-only. Not before the day
    of the meeting, and not while no case on the agenda was discussed."""
    _check_keeper(by)
    now = now or timezone.now()
    meeting = CoreGroupMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(meeting)
    if timezone.localdate(now) < meeting.held_on:
        raise ValidationError(
            _(
                "De bijeenkomst is op %(day)s; de notulen kunnen vanaf die dag "
                "worden vastgesteld."
            )
            % {"day": format_date(meeting.held_on, year=True)}
        )
    if meeting.items.exists() and not meeting.items.filter(discussed=True).exists():
        raise ValidationError(
            _(
                "Er is nog geen zaak als besproken aangevinkt. Vink aan wat de "
                "bijeenkomst heeft besproken en sla op; stel daarna de notulen vast."
            )
        )
    meeting.minutes_fixed_at = now
    meeting.save(update_fields=["minutes_fixed_at"])
    return meeting


# -- the annual management review -------------------------------------------------


def review_for_year(year: int) -> ManagementReview:
    """The review of ``year``, created (empty, a draft) on first use."""
    review, _created = ManagementReview.objects.get_or_create(year=year)
    return review


def _check_editor(user) -> None:
    if not can_edit_review(user):
        raise ValidationError(
            _("Alleen de directie schrijft en keurt de directiebeoordeling goed.")
        )


def _check_draft(review: ManagementReview) -> None:
    if review.approved:
        raise ValidationError(
            _(
                "Deze directiebeoordeling is op %(day)s goedgekeurd en vastgesteld; "
                "zij kan niet meer worden gewijzigd."
            )
            % {"day": format_date(review.approved_at, year=True)}
        )


@transaction.atomic
def review_write(
    *, review: ManagementReview, by, reflection: str, decisions: str
) -> ManagementReview:
    """C11: management's reflection on the year's complaints and appeals, and
    its decisions."""
    _check_editor(by)
    review = ManagementReview.objects.select_for_update().get(pk=review.pk)
    _check_draft(review)
    review.reflection = reflection.strip()
    review.decisions = decisions.strip()
    review.save(update_fields=["reflection", "decisions", "updated_at"])
    return review


@transaction.atomic
def review_approve(
    *, review: ManagementReview, by, render_pdf, now=None
) -> ManagementReview:
    """C11: approve the review: its figures are frozen as they are now (later
    edits of cases do not change it) and its PDF is kept. Refused while the year
    is not over or while management has not written its reflection."""
    _check_editor(by)
    now = now or timezone.now()
    review = ManagementReview.objects.select_for_update().get(pk=review.pk)
    _check_draft(review)
    if timezone.localdate(now).year <= review.year:
        raise ValidationError(
            _(
                "Het jaar %(year)s is nog niet voorbij; de directiebeoordeling "
                "kan vanaf 1 januari %(next)s worden goedgekeurd."
            )
            % {"year": review.year, "next": review.year + 1}
        )
    if not review.reflection.strip():
        raise ValidationError(
            _(
                "Schrijf eerst de reflectie van de directie op de klachten en "
                "beroepen van dit jaar, en sla die op."
            )
        )
    review.frozen_figures = annual_figures(review.year, now=now)
    review.approved_by = by
    review.approved_at = now
    review.pdf.save(
        f"directiebeoordeling-{review.year}.pdf",
        ContentFile(render_pdf(review)),
        save=False,
    )
    review.save()
    return review
