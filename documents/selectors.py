"""Reads of quality documents."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from wagtail.models import PageViewRestriction, TaskState

from cases.selectors import procedure_codes_named_for
from portal.roles import ASSESSOR, ROLES_BY_CODE, is_external_notary

from .models import ChangeRequest, HandbookPage, ProcedurePage, ReadAcknowledgement


def public_procedures():
    """Live procedures marked public: what an anonymous visitor may read."""
    return ProcedurePage.objects.live().filter(is_public=True).order_by("code")


def current_procedures():
    """Live procedures, most recently published first (dashboard, handbook)."""
    return ProcedurePage.objects.live().order_by("-last_published_at", "code")


def handbook():
    """The (first) live quality handbook, or None."""

    return HandbookPage.objects.live().order_by("path").first()


def procedure_choices() -> list[tuple[str, str]]:
    """(code, "code title") of every live procedure, by code: what a case may
    name as applying to it (E4, ``portal.hooks.PROCEDURE_CHOICES``)."""
    return [
        (code, f"{code} {title}")
        for code, title in ProcedurePage.objects.live()
        .order_by("code")
        .values_list("code", "title")
    ]


def live_version_of(code: str) -> str:
    """e.g. "P-07 versie 2305": the live version of procedure ``code``, or ""."""
    page = ProcedurePage.objects.live().filter(code=code).only("version_label").first()
    if page is None:
        return ""
    return f"{code} versie {page.version_label}".strip() if page.version_label else code


class _ReadTask:
    """A read acknowledgement (C10) in the shape of a case for the reminder mail."""

    def __init__(self, ack):
        self.number = f"{ack.version.page.code} versie {ack.version.version_label}"
        self.client = f"{ack.version.title} — lezen en bevestigen"


def acknowledgements_due(horizon: datetime.datetime) -> list[tuple]:
    """(user, task, deadline) for every unread version due by ``horizon``; the
    deadline is the end of the due day, local time."""
    local = ZoneInfo(settings.TIME_ZONE)
    due = ReadAcknowledgement.objects.filter(
        acknowledged_at__isnull=True,
        due_on__lte=timezone.localdate(horizon),
        user__is_active=True,
    ).select_related("version__page", "user")
    return [
        (
            a.user,
            _ReadTask(a),
            datetime.datetime.combine(a.due_on, datetime.time.max, tzinfo=local),
        )
        for a in due
    ]


# -- the quality system's lists (the admin's "Kwaliteitssysteem") ---------------


def pending_acknowledgements(user):
    """The versions ``user`` still has to read and acknowledge (C10)."""
    return (
        ReadAcknowledgement.objects.filter(user=user, acknowledged_at__isnull=True)
        .select_related("version__page")
        .order_by("due_on", "pk")
    )


def procedures_with_versions():
    """Procedures with a published version: read tasks exist for those only, so
    a draft that was never published (nor its title) shows nowhere here."""
    return (
        ProcedurePage.objects.filter(versions__isnull=False).distinct().order_by("code")
    )


def acknowledgement_rows(*, status: str = "", procedure=None):
    """Read acknowledgements for the report: ``status`` "open", "overdue" or
    "done" ("" for all), of one ``procedure`` or all."""
    rows = ReadAcknowledgement.objects.select_related("version__page", "user").order_by(
        "version__page__code", "-version__published_at", "user__last_name", "pk"
    )
    today = timezone.localdate()
    if status == "open":
        rows = rows.filter(acknowledged_at__isnull=True)
    elif status == "overdue":
        rows = rows.filter(acknowledged_at__isnull=True, due_on__lt=today)
    elif status == "done":
        rows = rows.filter(acknowledged_at__isnull=False)
    if procedure:
        rows = rows.filter(version__page=procedure)
    return rows


def acknowledgement_totals() -> dict:
    today = timezone.localdate()
    return ReadAcknowledgement.objects.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        overdue=Count("pk", filter=Q(acknowledged_at__isnull=True, due_on__lt=today)),
    )


def procedures_due_for_review(horizon: datetime.date):
    """Live procedures whose periodic review falls on or before ``horizon``."""
    return (
        ProcedurePage.objects.filter(live=True, review_date__lte=horizon)
        .order_by("review_date", "code")
        .prefetch_related("reviews")
    )


def procedures_review_overdue(today: datetime.date | None = None):
    """Live procedures whose periodic review date has passed, longest overdue
    first."""
    today = today or timezone.localdate()
    return ProcedurePage.objects.filter(live=True, review_date__lt=today).order_by(
        "review_date", "code"
    )


# -- the approval of a revision (the workflow "Wijziging kwaliteitsdocument") ----


def review_task_state(page: ProcedurePage, user):
    """The task state awaiting ``user``'s approval on ``page``, or None: the
    current task of the page's workflow in progress, when its task offers
    ``user`` the action "approve" (Wagtail's own test, ``Task.get_actions``)."""
    if user is None or not user.is_authenticated:
        return None
    task_state = page.current_workflow_task_state
    if task_state is None or task_state.status != TaskState.STATUS_IN_PROGRESS:
        return None
    actions = task_state.task.specific.get_actions(page, user)
    if not any(name == "approve" for name, _label, _modal in actions):
        return None
    return task_state


def revisions_awaiting_review(user) -> list[tuple[ProcedurePage, object]]:
    """(procedure, task state) for every revision awaiting ``user``'s approval,
    oldest submission first."""
    if user is None or not user.is_authenticated:
        return []
    if not user.has_perm("wagtailadmin.access_admin"):
        return []  # approving happens in the admin; readers are spared the queries
    states = (
        TaskState.objects.reviewable_by(user)
        .filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state__requested_by")
        .order_by("started_at", "pk")
    )
    page_ids = {}
    for state in states:
        if state.workflow_state.status == state.workflow_state.STATUS_IN_PROGRESS:
            page_ids.setdefault(int(state.workflow_state.object_id), state)
    pages = ProcedurePage.objects.filter(pk__in=page_ids).in_bulk()
    return [(pages[pk], state) for pk, state in page_ids.items() if pk in pages]


def change_requests():
    """Every change request (complaint -> revision, C10), open ones first."""
    return (
        ChangeRequest.objects.select_related("complaint", "opened_by")
        .prefetch_related("procedures", "versions__page")
        .order_by("state", "-opened_at")
    )


def informed_users(page: ProcedurePage):
    """Who is told of a new version and gets a read task: the assessors and the
    members of the groups chosen on the procedure."""
    groups = [
        ROLES_BY_CODE[ASSESSOR].name,
        *page.notify_groups.values_list("name", flat=True),
    ]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=groups)
        .distinct()
        .order_by("pk")
    )


def procedures_visible_to(user, request=None) -> QuerySet[ProcedurePage]:
    """Live procedures the user may read: every signed-in member of staff reads
    the whole handbook (portal.wagtail_hooks), except sections under a Wagtail
    view restriction the user does not pass. An external notary reads only the
    procedures that apply to the dispute she mediates (E4): the complaints and
    appeals procedure and those her consented mediations name. Drafts are never
    searched."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ProcedurePage.objects.none()
    pages = ProcedurePage.objects.live()
    if is_external_notary(user):
        codes = {settings.PORTAL_COMPLAINTS_PROCEDURE_CODE}
        pages = pages.filter(code__in=codes | procedure_codes_named_for(user))
    for restriction in PageViewRestriction.objects.select_related("page"):
        if request is not None:
            passes = restriction.accept_request(request)
        else:
            passes = restriction.restriction_type == restriction.LOGIN or (
                restriction.restriction_type == restriction.GROUPS
                and (
                    user.is_superuser or restriction.groups.filter(user=user).exists()  # type: ignore[misc]
                )
            )
        if not passes:
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages
