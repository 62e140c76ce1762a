"""Controlled documents carry their approval (issue 17, item 7): who approved a
revision, when and with what comment, on the page and in the controlled PDF with
its revision table; publication sets "geldig vanaf" and moves the periodic
review on; an overdue review is shown; the approver decides on a review screen."""

import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import WorkflowState

from documents import pdf
from documents.models import (
    ChangeRequest,
    HandbookPage,
    ProcedurePage,
    ProcedureVersion,
)
from documents.services import effective_date_for
from portal.formatting import format_date
from portal.roles import ASSESSOR, MANAGEMENT, QUALITY_OFFICER
from portal.services import site_structure_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD_EFFECTIVE = datetime.date(2023, 9, 1)
OLD_REVIEW = datetime.date(2024, 9, 1)


def _section(heading, text):
    return (
        "section",
        {"heading": heading, "content": [("paragraph", f"<p>{text}</p>")]},
    )


@pytest.fixture
def people(db):
    site_structure_ensure()
    return {
        "qo": UserFactory(roles=[QUALITY_OFFICER], first_name="Q", last_name="Smit"),
        "management": UserFactory(
            roles=[MANAGEMENT], first_name="Marieke", last_name="Jansen"
        ),
        "assessor": UserFactory(roles=[ASSESSOR]),
    }


@pytest.fixture
def procedure(people):
    """P-03 as the user found it: version 2309, valid from 1 September 2023, its
    next review a year later (long past)."""
    handbook = HandbookPage.objects.get()
    page = ProcedurePage(
        title="Uitvoering van onderzoeken",
        code="P-03",
        version_label="2309",
        effective_date=OLD_EFFECTIVE,
        review_date=OLD_REVIEW,
        body=[_section("Voorbereiding", "De teamleider stelt het plan op.")],
        change_summary="Eerste versie.",
    )
    handbook.add_child(instance=page)
    page.save_revision(user=people["qo"]).publish()
    ProcedurePage.objects.filter(pk=page.pk).update(review_date=OLD_REVIEW)
    mail.outbox.clear()
    return ProcedurePage.objects.get(pk=page.pk)


def submit_revision(page, qo, *, summary="Plan twee weken vooraf.", **fields):
    draft = page.get_latest_revision_as_object()
    draft.body = [
        _section("Voorbereiding", "De teamleider stelt het plan twee weken vooraf op.")
    ]
    draft.change_summary = summary
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save_revision(user=qo)
    page = ProcedurePage.objects.get(pk=page.pk)
    page.get_workflow().start(page, qo)
    return ProcedurePage.objects.get(pk=page.pk)


def review_url(page):
    return reverse("documents_admin:revision_review", args=[page.pk])


def latest_version(page):
    return page.versions.order_by("-published_at", "-pk").first()


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


# -- 1 and 2: the approval on the version, the page and the PDF -----------------


def test_approval_on_the_review_screen_is_recorded_shown_and_printed(
    client, people, procedure
):
    page = submit_revision(procedure, people["qo"])
    client.force_login(people["management"])
    response = client.post(
        review_url(page),
        {"action": "approve", "comment": "Akkoord; termijn is haalbaar."},
    )
    assert response.status_code == 302
    version = latest_version(page)
    assert version.version_label != "2309"
    assert version.approved_by == people["management"]
    assert version.approved_by_name == "Marieke Jansen"
    assert version.approved_at is not None
    assert version.approval_comment == "Akkoord; termijn is haalbaar."

    client.force_login(people["assessor"])
    body = client.get(ProcedurePage.objects.get(pk=page.pk).url).content.decode()
    today = format_date(timezone.localdate())
    assert "Goedgekeurd" in body
    assert f"{today} door Marieke Jansen" in body
    assert "Akkoord; termijn is haalbaar." in body

    text = pdf_text(pdf.procedure_pdf(version))
    assert "Goedgekeurd door" in text
    assert "Marieke Jansen" in text
    assert format_date(timezone.localdate(), year=True) in text
    assert "Akkoord; termijn is haalbaar." in text
    # The revision table: both versions, what changed, approver and date.
    assert "Versiegeschiedenis" in text
    assert "2309" in text
    assert version.version_label in text
    assert "Plan twee weken vooraf." in text
    assert "Eerste versie." in text


def test_approval_through_wagtail_itself_is_recorded_too(people, procedure):
    page = submit_revision(procedure, people["qo"])
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(
        task_state, people["management"], "approve", comment="Prima."
    )
    version = latest_version(page)
    assert version.approved_by == people["management"]
    assert version.approval_comment == "Prima."


def test_a_public_procedures_pdf_keeps_the_approval_comment_inside(
    client, people, procedure
):
    ProcedurePage.objects.filter(pk=procedure.pk).update(is_public=True)
    page = submit_revision(procedure, people["qo"], is_public=True)
    client.force_login(people["management"])
    client.post(review_url(page), {"action": "approve", "comment": "Intern akkoord."})
    text = pdf_text(pdf.procedure_pdf(latest_version(page)))
    assert "Marieke Jansen" in text
    assert "Intern akkoord." not in text


# -- 3: geldig vanaf and the next review --------------------------------------


def test_publishing_a_revision_is_valid_from_the_publication_date_and_moves_review(
    client, people, procedure
):
    page = submit_revision(procedure, people["qo"])
    client.force_login(people["management"])
    client.post(review_url(page), {"action": "approve", "comment": ""})
    today = timezone.localdate()
    version = latest_version(page)
    assert version.effective_date == today  # not 1 September 2023
    page = ProcedurePage.objects.get(pk=page.pk)
    assert page.effective_date == today
    assert page.review_date == today + relativedelta(months=12)
    assert not page.review_overdue()


def test_a_later_date_the_editor_chose_is_kept(people, procedure):
    chosen = timezone.localdate() + datetime.timedelta(days=30)
    page = submit_revision(procedure, people["qo"], effective_date=chosen)
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, people["management"], "approve")
    assert latest_version(page).effective_date == chosen
    assert ProcedurePage.objects.get(pk=page.pk).effective_date == chosen


def test_effective_date_rule():
    previous = ProcedureVersion(effective_date=datetime.date(2026, 1, 1))
    published = datetime.date(2026, 12, 5)
    page = ProcedurePage(effective_date=datetime.date(2025, 6, 1))
    assert effective_date_for(page, previous, published) == published
    page.effective_date = datetime.date(2026, 1, 1)
    assert effective_date_for(page, previous, published) == published
    page.effective_date = datetime.date(2026, 3, 1)
    assert effective_date_for(page, previous, published) == datetime.date(2026, 3, 1)
    page.effective_date = datetime.date(2023, 5, 1)  # an imported first version
    assert effective_date_for(page, None, published) == datetime.date(2023, 5, 1)


def test_the_editor_starts_from_an_empty_geldig_vanaf_and_the_current_review_date(
    client, people, procedure
):
    moved = timezone.localdate() + relativedelta(months=12)
    ProcedurePage.objects.filter(pk=procedure.pk).update(review_date=moved)
    client.force_login(people["qo"])
    body = client.get(
        reverse("wagtailadmin_pages:edit", args=[procedure.pk])
    ).content.decode()
    assert 'name="effective_date" value=""' in body or (
        'name="effective_date"' in body and 'value="2023-09-01"' not in body
    )
    assert moved.isoformat() in body
    assert "Leeg laten: de datum waarop de herziening wordt gepubliceerd" in body


# -- 4: an overdue review is shown ---------------------------------------------


def test_an_overdue_review_is_shown_to_readers_and_to_the_quality_officer(
    client, people, procedure
):
    client.force_login(people["assessor"])
    body = client.get(procedure.url).content.decode()
    assert (
        "De periodieke beoordeling van dit document is sinds 1 september 2024 "
        "te laat." in body
    )
    client.force_login(people["qo"])
    body = client.get(procedure.url).content.decode()
    assert reverse("documents_admin:reviews") in body
    dashboard = client.get("/").content.decode()
    assert "Te laat: periodieke beoordeling" in dashboard
    assert "beoordeling te laat sinds 1 september 2024" in dashboard
    reviews = client.get(reverse("documents_admin:reviews")).content.decode()
    assert "P-03" in reviews
    assert "te laat" in reviews


def test_no_overdue_notice_when_the_review_is_not_due(client, people, procedure):
    ProcedurePage.objects.filter(pk=procedure.pk).update(
        review_date=timezone.localdate() + datetime.timedelta(days=10)
    )
    client.force_login(people["assessor"])
    body = client.get(procedure.url).content.decode()
    assert "te laat" not in body
    client.force_login(people["qo"])
    assert "Te laat: periodieke beoordeling" not in client.get("/").content.decode()


# -- 5: the approver's review screen -------------------------------------------


def test_the_approver_is_sent_from_the_editor_and_the_dashboard_to_the_review_screen(
    client, people, procedure
):
    page = submit_revision(procedure, people["qo"])
    # The workflow's e-mail to the approvers links to the review screen; the
    # editor, reached any other way, sends them there too.
    to_approver = [m for m in mail.outbox if people["management"].email in m.to]
    assert to_approver
    assert review_url(page) in to_approver[0].body
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    client.force_login(people["management"])
    response = client.get(edit_url)
    assert response.status_code == 302
    assert response["Location"] == review_url(page)
    dashboard = client.get("/").content.decode()
    assert "Te beoordelen: herziene procedures" in dashboard
    assert review_url(page) in dashboard
    body = client.get(review_url(page)).content.decode()
    assert "Herziening beoordelen" in body
    assert "Plan twee weken vooraf." in body
    assert "<ins>twee weken vooraf</ins>" in body  # compared with version 2309
    assert "Goedkeuren en publiceren" in body
    assert "Wijzigingen vragen" in body
    # The quality officer who drafted it keeps her editor.
    client.force_login(people["qo"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200


def test_the_review_screen_names_the_complaint_behind_the_revision(
    client, people, procedure
):
    from tests.documents.test_revision_workflow import _complaint_leading_to_change

    complaint = _complaint_leading_to_change()
    request = ChangeRequest.objects.create(
        complaint=complaint, reason="Plan te laat bij de klant.", opened_by=people["qo"]
    )
    request.procedures.add(procedure)
    page = submit_revision(procedure, people["qo"], change_request=request)
    client.force_login(people["management"])
    body = client.get(review_url(page)).content.decode()
    assert complaint.number in body
    assert "Plan te laat bij de klant." in body
    assert reverse("cases_admin:complaint", args=[complaint.pk]) in body


def test_rejecting_needs_a_comment_and_sends_the_revision_back(
    client, people, procedure
):
    page = submit_revision(procedure, people["qo"])
    client.force_login(people["management"])
    response = client.post(review_url(page), {"action": "reject", "comment": " "})
    assert response.status_code == 400
    assert "Schrijf op wat er moet veranderen" in response.content.decode()
    response = client.post(
        review_url(page), {"action": "reject", "comment": "Termijn onhaalbaar."}
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "Termijn onhaalbaar."
    assert page.versions.count() == 1  # nothing published
    # Nothing more to decide: back to the dashboard with a message, not an error.
    response = client.get(review_url(page), follow=True)
    assert response.status_code == 200
    assert "Er wacht geen herziening van P-03 op uw goedkeuring" in (
        response.content.decode()
    )


def test_someone_without_the_approval_task_is_refused(client, people, procedure):
    page = submit_revision(procedure, people["qo"])
    client.force_login(people["qo"])
    response = client.post(review_url(page), {"action": "approve"}, follow=True)
    assert response.status_code == 200
    assert "Er wacht geen herziening van P-03 op uw goedkeuring" in (
        response.content.decode()
    )
    assert page.versions.count() == 1
    client.force_login(people["assessor"])  # no admin access at all
    response = client.post(review_url(page), {"action": "approve"})
    assert response.status_code in (302, 403)
    assert page.versions.count() == 1
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_IN_PROGRESS
    client.force_login(people["management"])
    missing = reverse("documents_admin:revision_review", args=[999999])
    assert client.get(missing).status_code == 404


def test_the_draft_pdf_says_valid_from_publication_and_is_not_yet_approved(
    people, procedure
):
    page = submit_revision(procedure, people["qo"])
    text = pdf_text(pdf.draft_pdf(page))
    assert "Geldig vanaf de dag van publicatie" in text.replace("\n", " ")
    assert "nog niet goedgekeurd" in text
    assert "1 september 2023" in text  # version 2309 in the revision table


def test_the_workflow_emails_carry_the_summary_the_complaint_and_the_review_screen(
    client, people, procedure
):
    """Issue 17, item 3: the approver's e-mail says what changed and why, and
    leads to the review screen, not to the editor; the author hears the same on
    approval."""
    from tests.documents.test_revision_workflow import _complaint_leading_to_change

    complaint = _complaint_leading_to_change()
    request = ChangeRequest.objects.create(
        complaint=complaint, reason="Plan te laat bij de klant.", opened_by=people["qo"]
    )
    request.procedures.add(procedure)
    mail.outbox.clear()
    page = submit_revision(procedure, people["qo"], change_request=request)
    to_approver = [m for m in mail.outbox if people["management"].email in m.to]
    assert len(to_approver) == 1, [(m.to, m.subject) for m in mail.outbox]
    body = to_approver[0].body
    assert "Wat is er gewijzigd: Plan twee weken vooraf." in body
    assert f"Naar aanleiding van klacht {complaint.number}." in body
    assert review_url(page) in body
    assert f"/admin/pages/{page.pk}/edit/" not in body
    # Nothing of the complaint beyond its number leaves the portal.
    assert complaint.description not in body

    mail.outbox.clear()
    client.force_login(people["management"])
    client.post(review_url(page), {"action": "approve", "comment": "Akkoord."})
    to_author = [m for m in mail.outbox if people["qo"].email in m.to]
    assert to_author, [(m.to, m.subject) for m in mail.outbox]
    assert any(
        "Wat is er gewijzigd: Plan twee weken vooraf." in m.body for m in to_author
    )
