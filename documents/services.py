"""Writes of the quality documents: what happens when a procedure version is
published (C10), read acknowledgements, change requests and periodic reviews."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import TaskState

from files import extraction

from .models import (
    ChangeRequest,
    ProcedurePage,
    ProcedureReview,
    ProcedureVersion,
    ReadAcknowledgement,
)
from .permissions import can_manage_quality_system, can_review_procedure
from .selectors import informed_users, review_task_state

logger = logging.getLogger(__name__)


def version_label_for(page: ProcedurePage, moment: datetime.datetime) -> str:
    """The organisation's YYMM label ("versie 2305" = May 2023) of a publication at
    ``moment``, unique per document: a second publication in the same month gets
    "-2", "-3", ... A label given beforehand (an imported historical version, the
    first version of an existing document) is kept when it is still free."""
    used = set(page.versions.values_list("version_label", flat=True))
    preset = (page.version_label or "").strip()
    if preset and preset not in used and not page.versions.exists():
        return preset
    base = timezone.localtime(moment).strftime("%y%m")
    label, n = base, 1
    while label in used:
        n += 1
        label = f"{base}-{n}"
    return label


def effective_date_for(
    page: ProcedurePage, previous: ProcedureVersion | None, published_on: datetime.date
) -> datetime.date:
    """ "Geldig vanaf" of a version published on ``published_on``: a date the
    editor set later than the previous version's is kept (a revision that takes
    effect on a chosen day); otherwise the publication date, so a revision never
    inherits its predecessor's date. The first version keeps the date it was given
    (an imported document carries its own history)."""
    chosen = page.effective_date
    if previous is None:
        return chosen or published_on
    if chosen and chosen > previous.effective_date:
        return chosen
    return published_on


def review_date_after_publication(
    page: ProcedurePage, published_on: datetime.date
) -> datetime.date:
    """A published revision counts as a review: the next one falls one review
    interval after publication, or later when the editor chose a later date."""
    moved = published_on + page.review_interval
    if page.review_date and page.review_date > moved:
        return page.review_date
    return moved


def approval_for(page: ProcedurePage, *, since=None):
    """The approved task state of the workflow that let the revision go live: the
    last approval of ``page`` finished after ``since`` (the previous version's
    publication), or None when the revision was published without one."""
    states = TaskState.objects.for_instance(page).filter(
        status=TaskState.STATUS_APPROVED, finished_at__isnull=False
    )
    if since is not None:
        states = states.filter(finished_at__gte=since)
    return states.select_related("finished_by").order_by("-finished_at", "-pk").first()


def version_publish_record(
    *, page: ProcedurePage, revision, by=None
) -> ProcedureVersion:
    """Called when a procedure revision goes live: record the version with its YYMM
    label, its "geldig vanaf" (``effective_date_for``) and who approved it (the
    workflow's task state), move the next periodic review on, render and keep its
    controlled PDF, close what a change request asked for, create a
    read-acknowledgement task for each informed person and tell them by e-mail.
    Idempotent per revision."""
    existing = ProcedureVersion.objects.filter(revision=revision).first()
    if existing is not None:
        return existing
    published_at = timezone.now()
    published_on = timezone.localdate(published_at)
    with transaction.atomic():
        page = ProcedurePage.objects.select_for_update().get(pk=page.pk)
        previous = page.versions.order_by("-published_at", "-pk").first()
        label = version_label_for(page, published_at)
        effective = effective_date_for(page, previous, published_on)
        next_review = review_date_after_publication(page, published_on)
        approval = approval_for(page, since=previous.published_at if previous else None)
        approver = approval.finished_by if approval else None
        change_request = page.change_request
        if change_request is not None and (
            change_request.state != ChangeRequest.State.OPEN
            or change_request.versions.filter(page=page).exists()
            or not change_request.procedures.filter(pk=page.pk).exists()
        ):
            change_request = None  # carried over from an earlier revision
        version = ProcedureVersion.objects.create(
            page=page,
            revision=revision,
            version_label=label,
            title=page.title,
            effective_date=effective,
            change_summary=page.change_summary,
            change_request=change_request,
            published_at=published_at,
            published_by=by,
            approved_by=approver,
            approved_by_name=_person_name(approver),
            approved_at=approval.finished_at if approval else None,
            approval_comment=(approval.comment or "").strip() if approval else "",
        )
        # Document metadata, not content: kept on the live row (as the periodic
        # review does); the editor's form starts from these (ProcedurePageForm).
        ProcedurePage.objects.filter(pk=page.pk).update(
            version_label=label, effective_date=effective, review_date=next_review
        )
        if change_request is not None:
            change_request_resolve_if_done(change_request)
        due = published_on + datetime.timedelta(days=page.acknowledge_within_days)
        people = list(informed_users(page))
        # An unread older version need not be read any more: the new one replaces
        # it (the report then shows the task for the version in force).
        ReadAcknowledgement.objects.filter(
            version__page=page, acknowledged_at__isnull=True
        ).exclude(version=version).delete()
        ReadAcknowledgement.objects.bulk_create(
            [ReadAcknowledgement(version=version, user=u, due_on=due) for u in people],
            ignore_conflicts=True,
        )
        transaction.on_commit(lambda: _notify(version, people, due))
    _render_pdf_soft(version)
    return version


def _person_name(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:150]


def _render_pdf_soft(version: ProcedureVersion) -> None:
    try:
        from .pdf import procedure_pdf
    except ImportError:  # pragma: no cover - the PDF module is optional here
        return
    try:
        procedure_pdf(version)
    except Exception:
        # The version is published; the PDF is rendered again on first download.
        logger.exception("Controlled PDF of %s could not be rendered", version)


def _notify(version: ProcedureVersion, people, due) -> None:
    subject = _("Nieuwe versie: %(code)s %(title)s (versie %(v)s)") % {
        "code": version.page.code,
        "title": version.title,
        "v": version.version_label,
    }
    for user in people:
        if not user.email:
            continue
        body = render_to_string(
            "documents/email/new_version.txt",
            {
                "user": user,
                "version": version,
                "due": due,
                "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + version.page.url,
            },
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def acknowledgement_record(*, version: ProcedureVersion, user) -> ReadAcknowledgement:
    """ "Gelezen en begrepen": recorded per user and version. Someone without a task
    may acknowledge too (it is then recorded, due today)."""
    if not user.is_authenticated:
        raise PermissionDenied
    ack, _created = ReadAcknowledgement.objects.get_or_create(
        version=version, user=user, defaults={"due_on": timezone.localdate()}
    )
    if ack.acknowledged_at is None:
        ack.acknowledged_at = timezone.now()
        ack.save(update_fields=["acknowledged_at"])
    return ack


def change_request_open(*, complaint, procedures, reason: str, by) -> ChangeRequest:
    """C10: the quality officer opens a change request from a complaint marked
    "leads to a change", naming the procedures to change and why."""
    if not can_manage_quality_system(by):
        raise PermissionDenied(
            _("Alleen de portefeuillehouder Q opent een wijzigingsverzoek.")
        )
    if not complaint.leads_to_change:
        raise ValidationError(
            _(
                "Klacht %(n)s is niet gemarkeerd als 'leidt tot wijziging van het "
                "kwaliteitssysteem'. Leg dat eerst vast bij de klacht."
            )
            % {"n": complaint.number}
        )
    procedures = list(procedures)
    if not procedures:
        raise ValidationError(
            {"procedures": _("Kies de procedure(s) die moeten veranderen.")}
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Beschrijf wat er moet veranderen en waarom.")}
        )
    with transaction.atomic():
        request = ChangeRequest.objects.create(
            complaint=complaint, reason=reason, opened_by=by
        )
        request.procedures.set(procedures)
    return request


def change_request_resolve_if_done(request: ChangeRequest) -> bool:
    """Close the request once every named procedure has a version published for it."""
    remaining = request.procedures.exclude(
        pk__in=request.versions.values("page_id")
    ).exists()
    if remaining or request.state == ChangeRequest.State.CLOSED:
        return False
    request.state = ChangeRequest.State.CLOSED
    request.closed_at = timezone.now()
    request.save(update_fields=["state", "closed_at"])
    return True


def review_record_no_change(
    *, page: ProcedurePage, by, note: str = ""
) -> ProcedureReview:
    """Periodic review: "geen wijziging nodig" records the review and moves the next
    review date twelve months on (from today)."""
    if not can_review_procedure(by, page):
        raise PermissionDenied(
            _("Alleen de portefeuillehouder Q of de eigenaar beoordeelt de procedure.")
        )
    next_date = timezone.localdate() + page.review_interval
    with transaction.atomic():
        review = ProcedureReview.objects.create(
            page=page, reviewed_by=by, note=note, next_review_date=next_date
        )
        # The review date is document metadata, not content: moving it on must not
        # need a new revision and approval.
        ProcedurePage.objects.filter(pk=page.pk).update(review_date=next_date)
    return review


def revision_decide(
    *, page: ProcedurePage, by, action: str, comment: str = ""
) -> TaskState:
    """Management's decision on a revision submitted for approval (C10: the quality
    system changes only with that approval): ``action`` "approve" publishes it
    (the workflow finishes), "reject" sends it back to the quality officer with
    ``comment`` saying what must change. Drives Wagtail's own task action, as its
    admin does; raises PermissionDenied when ``by`` has no such task on the
    page (or may not publish), ValidationError for a rejection without comment."""
    if action not in ("approve", "reject"):
        raise ValidationError(_("Kies goedkeuren of wijzigingen vragen."))
    task_state = review_task_state(page, by)
    if task_state is None:
        raise PermissionDenied(
            _(
                "Er wacht geen herziening van %(code)s op uw goedkeuring; misschien "
                "heeft een collega haar al beoordeeld."
            )
            % {"code": page.code}
        )
    if action == "approve" and not page.permissions_for_user(by).can_publish():
        # Approval publishes: without publish permission Wagtail would refuse at
        # the end (DESIGN.md, pitfalls), after the task had been marked approved.
        raise PermissionDenied(
            _("U mag deze procedure niet publiceren en dus niet goedkeuren.")
        )
    comment = (comment or "").strip()
    if action == "reject" and not comment:
        raise ValidationError(
            {"comment": _("Schrijf op wat er moet veranderen voordat u afwijst.")}
        )
    with transaction.atomic():
        task_state.task.specific.on_action(task_state, by, action, comment=comment)
    task_state.refresh_from_db()
    return task_state


def versions_backfill() -> int:
    """Give every live procedure published before versions were recorded its first
    version row (from its live revision; no notifications, no read tasks; the PDF
    is rendered on first download). Idempotent; returns the number created."""
    created = 0
    for page in ProcedurePage.objects.live().filter(versions__isnull=True):
        revision = page.live_revision or page.latest_revision
        if revision is None:
            continue
        moment = page.last_published_at or timezone.now()
        label = (page.version_label or "").strip() or timezone.localtime(
            moment
        ).strftime("%y%m")
        ProcedureVersion.objects.get_or_create(
            revision=revision,
            defaults={
                "page": page,
                "version_label": label,
                "title": page.title,
                "effective_date": page.effective_date,
                "change_summary": page.change_summary,
                "published_at": moment,
            },
        )
        if page.version_label != label:
            ProcedurePage.objects.filter(pk=page.pk).update(version_label=label)
        created += 1
    return created


# -- attachments' text (issue 6, items 3 and 4) ----------------------------------


def document_extract_text(*, document) -> None:
    """Extract and store the text of a procedure attachment, once per file.

    Fails soft like evidence extraction: the document stays usable and the error
    is recorded (shown in its admin form and, to editors, on the procedure
    page). The procedures that use the document are reindexed, so its words
    find them from now on."""
    from wagtail.search import index

    from .models import PortalDocument, ProcedurePage

    if not document.file:
        return
    try:
        with document.open_file() as handle:
            result = extraction.extract_text_bounded(
                handle,
                content_type="application/octet-stream",  # by the file extension
                filename=document.file.name,
            )
        text, error = result.text, result.error
    except OSError:
        logger.exception("Document %s could not be read for extraction", document.pk)
        text, error = "", _("Het bestand kon niet worden gelezen.")
    PortalDocument.objects.filter(pk=document.pk).update(
        extracted_text=text,
        extraction_error=error,
        extracted_file_hash=document.file_hash,
        extracted_at=timezone.now(),
    )
    for page in ProcedurePage.objects.filter(attachments__document=document).distinct():
        index.insert_or_update_object(page)
