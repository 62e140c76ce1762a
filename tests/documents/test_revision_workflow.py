"""Revising a procedure (issue 5, items 5–8): the workflow "Wijziging
kwaliteitsdocument" completes with management's approval; publication records the
version (YYMM), notifies the assessors and creates their read tasks (C10); change
requests link a complaint to the revision; periodic review."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Workflow

from documents.models import (
    ChangeRequest,
    HandbookPage,
    ProcedurePage,
    ProcedureVersion,
    ReadAcknowledgement,
)
from documents.services import (
    acknowledgement_record,
    change_request_open,
    review_record_no_change,
)
from documents.workflow import WORKFLOW_NAME, revision_workflow_ensure
from portal.roles import ASSESSOR, MANAGEMENT, QUALITY_OFFICER
from portal.services import site_structure_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _section(heading, text):
    return (
        "section",
        {"heading": heading, "content": [("paragraph", f"<p>{text}</p>")]},
    )


@pytest.fixture
def people(db):
    site_structure_ensure()
    return {
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "management": UserFactory(roles=[MANAGEMENT]),
        "assessor": UserFactory(roles=[ASSESSOR]),
        "assessor2": UserFactory(roles=[ASSESSOR]),
    }


@pytest.fixture
def procedure(people):
    handbook = HandbookPage.objects.get()
    page = ProcedurePage(
        title="Klachten en beroep",
        code="P-07",
        version_label="2305",
        body=[_section("Klachten", "Elke klacht wordt geregistreerd.")],
        change_summary="Eerste versie.",
    )
    handbook.add_child(instance=page)
    page.save_revision(user=people["qo"]).publish()
    # The first version was read by nobody yet: start each test from a clean slate.
    ReadAcknowledgement.objects.all().delete()
    mail.outbox.clear()
    return ProcedurePage.objects.get(pk=page.pk)


def version_mails():
    # Wagtail's own workflow notifications go out too; these are ours.
    return [m for m in mail.outbox if m.subject.startswith("Nieuwe versie")]


def revise(page, user, *, summary, change_request=None):
    draft = page.get_latest_revision_as_object()
    draft.body = [
        _section("Klachten", "Elke klacht wordt binnen één werkdag geregistreerd.")
    ]
    draft.change_summary = summary
    draft.change_request = change_request
    return draft.save_revision(user=user)


def approve_through_workflow(page, qo, manager):
    workflow = page.get_workflow()
    state = workflow.start(page, qo)
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, manager, "approve")
    return ProcedurePage.objects.get(pk=page.pk)


def test_workflow_is_on_the_handbook_with_a_management_approval(people, procedure):
    workflow = procedure.get_workflow()
    assert workflow is not None
    assert workflow.name == WORKFLOW_NAME
    task = workflow.tasks.get().specific
    assert [g.name for g in task.groups.all()] == ["Directie"]
    assert revision_workflow_ensure().pk == workflow.pk  # idempotent
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1


def test_quality_officer_cannot_publish_alone_management_can(people, procedure):
    assert not procedure.permissions_for_user(people["qo"]).can_publish()
    assert procedure.permissions_for_user(people["qo"]).can_edit()
    assert procedure.permissions_for_user(people["qo"]).can_submit_for_moderation()
    assert procedure.permissions_for_user(people["management"]).can_publish()


def test_first_publication_keeps_the_given_label(procedure):
    version = procedure.versions.get()
    assert version.version_label == "2305"
    assert procedure.version_label == "2305"


def test_approval_publishes_with_a_yymm_label_and_informs_the_assessors(
    people, procedure, django_capture_on_commit_callbacks
):
    revise(procedure, people["qo"], summary="Registratie binnen één werkdag.")
    with django_capture_on_commit_callbacks(execute=True):
        page = approve_through_workflow(procedure, people["qo"], people["management"])
    label = timezone.localtime().strftime("%y%m")
    version = page.versions.order_by("-published_at").first()
    assert version.version_label == label
    assert page.version_label == label
    assert version.change_summary == "Registratie binnen één werkdag."
    assert "één werkdag" in page.body[0].value["content"][0].value.source
    recipients = sorted(m.to[0] for m in version_mails())
    assert recipients == sorted([people["assessor"].email, people["assessor2"].email])
    assert f"versie {label}" in version_mails()[0].subject
    tasks = ReadAcknowledgement.objects.filter(version=version)
    assert {t.user for t in tasks} == {people["assessor"], people["assessor2"]}
    assert {t.due_on for t in tasks} == {
        timezone.localdate() + datetime.timedelta(days=14)
    }


def test_a_second_publication_in_the_same_month_gets_a_unique_label(people, procedure):
    revise(procedure, people["qo"], summary="Eerste herziening.")
    approve_through_workflow(procedure, people["qo"], people["management"])
    page = ProcedurePage.objects.get(pk=procedure.pk)
    revise(page, people["qo"], summary="Tweede herziening.")
    approve_through_workflow(page, people["qo"], people["management"])
    labels = list(
        ProcedureVersion.objects.filter(page=procedure).values_list(
            "version_label", flat=True
        )
    )
    base = timezone.localtime().strftime("%y%m")
    assert sorted(labels) == sorted(["2305", base, f"{base}-2"])


def test_rejection_publishes_nothing(people, procedure):
    revise(procedure, people["qo"], summary="Iets.")
    state = procedure.get_workflow().start(procedure, people["qo"])
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, people["management"], "reject")
    assert ProcedureVersion.objects.filter(page=procedure).count() == 1
    assert not ReadAcknowledgement.objects.exists()


def test_submitting_a_revision_without_a_new_change_summary_is_refused(
    client, people, procedure
):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    client.force_login(people["qo"])
    url = reverse("wagtailadmin_pages:edit", args=[procedure.pk])

    def post(summary):
        data = nested_form_data(
            {
                "title": procedure.title,
                "slug": procedure.slug,
                "code": procedure.code,
                "owner_role": procedure.owner_role,
                "effective_date": "2026-12-01",
                "review_date": "2027-12-01",
                "summary": "",
                "body": streamfield(
                    [
                        (
                            "section",
                            {
                                "heading": "Klachten",
                                "content": streamfield(
                                    [("paragraph", rich_text("<p>Nieuw.</p>"))]
                                ),
                            },
                        )
                    ]
                ),
                "attachments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
                "change_summary": summary,
                "acknowledge_within_days": 14,
                "action-submit": "Ter goedkeuring",
            }
        )
        return client.post(url, data)

    response = post("Eerste versie.")  # the old summary, unchanged
    assert response.status_code == 200
    assert "Beschrijf wat er in deze herziening is gewijzigd" in (
        response.content.decode()
    )
    assert procedure.get_workflow().workflow_states.count() == 0
    response = post("Registratie binnen één werkdag.")
    assert response.status_code == 302
    page = ProcedurePage.objects.get(pk=procedure.pk)
    assert page.workflow_in_progress


# -- C10: complaint -> change request -> revision -> publication -------------


def _complaint_leading_to_change():
    from cases.services import complaint_update_handling
    from tests.cases.test_complaints import in_progress
    from tests.factories import ClientFactory

    cases_people = {
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "office": UserFactory(roles=["office_manager"]),
        "handler": UserFactory(roles=["core_group"]),
        "involved": UserFactory(roles=["core_group"]),
        "assessor": UserFactory(roles=[ASSESSOR]),
    }
    complaint = in_progress(cases_people, ClientFactory(contact_email="k@x.invalid"))
    complaint_update_handling(
        complaint=complaint,
        by=cases_people["handler"],
        leads_to_change=True,
        change_note="P-07: registratietermijn vastleggen.",
    )
    complaint.refresh_from_db()
    return complaint


def test_change_request_chain_is_visible_from_both_ends(client, people, procedure):
    complaint = _complaint_leading_to_change()
    request = change_request_open(
        complaint=complaint,
        procedures=[procedure],
        reason="Termijn ontbreekt.",
        by=people["qo"],
    )
    revise(
        procedure,
        people["qo"],
        summary="Registratie binnen één werkdag.",
        change_request=request,
    )
    page = approve_through_workflow(procedure, people["qo"], people["management"])
    version = page.versions.order_by("-published_at").first()
    assert version.change_request == request
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.CLOSED
    client.force_login(people["qo"])
    body = client.get(
        reverse("cases_admin:complaint", args=[complaint.pk])
    ).content.decode()
    assert f"→ P-07 versie {version.version_label}" in body
    # A later revision of the same page does not resolve it again.
    revise(page, people["qo"], summary="Taalfout.")
    page = approve_through_workflow(page, people["qo"], people["management"])
    assert request.versions.count() == 1


def test_change_request_needs_a_complaint_marked_leads_to_change(people, procedure):
    from django.core.exceptions import PermissionDenied, ValidationError

    complaint = _complaint_leading_to_change()
    with pytest.raises(PermissionDenied, match="Alleen de portefeuillehouder Q"):
        change_request_open(
            complaint=complaint,
            procedures=[procedure],
            reason="x",
            by=people["management"],
        )
    type(complaint).objects.filter(pk=complaint.pk).update(leads_to_change=False)
    complaint.refresh_from_db()
    with pytest.raises(ValidationError, match="niet gemarkeerd als"):
        change_request_open(
            complaint=complaint, procedures=[procedure], reason="x", by=people["qo"]
        )
    assert not ChangeRequest.objects.exists()


def test_change_request_closes_only_when_all_named_procedures_are_published(
    people, procedure
):
    handbook = HandbookPage.objects.get()
    other = ProcedurePage(
        title="Uitvoering onderzoek", code="P-03", body=[_section("A", "b")]
    )
    handbook.add_child(instance=other)
    other.save_revision(user=people["qo"]).publish()
    complaint = _complaint_leading_to_change()
    request = change_request_open(
        complaint=complaint,
        procedures=[procedure, other],
        reason="Beide.",
        by=people["qo"],
    )
    revise(procedure, people["qo"], summary="Eén.", change_request=request)
    approve_through_workflow(procedure, people["qo"], people["management"])
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.OPEN
    other = ProcedurePage.objects.get(pk=other.pk)
    revise(other, people["qo"], summary="Twee.", change_request=request)
    approve_through_workflow(other, people["qo"], people["management"])
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.CLOSED


# -- acknowledgements ---------------------------------------------------------


def test_acknowledging_records_per_user_and_version_and_leaves_the_dashboard(
    client, people, procedure
):
    revise(procedure, people["qo"], summary="Nieuw.")
    page = approve_through_workflow(procedure, people["qo"], people["management"])
    version = page.versions.order_by("-published_at").first()
    client.force_login(people["assessor"])
    body = client.get("/").content.decode()
    assert "Te lezen: nieuwe procedureversies" in body
    response = client.post(
        reverse("documents_quality:acknowledge", args=["P-07", version.version_label])
    )
    assert response.status_code == 302
    ack = ReadAcknowledgement.objects.get(user=people["assessor"], version=version)
    assert ack.acknowledged_at is not None
    assert "Te lezen: nieuwe procedureversies" not in client.get("/").content.decode()
    again = acknowledgement_record(version=version, user=people["assessor"])
    assert again.acknowledged_at == ack.acknowledged_at  # once


def test_acknowledgement_report_and_export_for_the_quality_officer(
    client, people, procedure
):
    revise(procedure, people["qo"], summary="Nieuw.")
    page = approve_through_workflow(procedure, people["qo"], people["management"])
    version = page.versions.order_by("-published_at").first()
    acknowledgement_record(version=version, user=people["assessor"])
    ReadAcknowledgement.objects.filter(user=people["assessor2"]).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(people["qo"])
    url = reverse("documents_admin:acknowledgements")
    body = client.get(url).content.decode()
    assert "1 van 2 bevestigd; 1 te laat." in body
    csv = client.get(url, {"format": "csv", "status": "overdue"}).content.decode(
        "utf-8-sig"
    )
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Procedure;Versie;Medewerker")
    assert len(lines) == 2
    assert "te laat" in lines[1]
    client.force_login(people["assessor"])
    assert client.get(url).status_code in (302, 403)


def test_overdue_acknowledgement_is_reminded_once_a_day(people, procedure):
    from cases.services.reminders import reminders_send

    revise(procedure, people["qo"], summary="Nieuw.")
    approve_through_workflow(procedure, people["qo"], people["management"])
    mail.outbox.clear()
    ReadAcknowledgement.objects.filter(user=people["assessor"]).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    ReadAcknowledgement.objects.filter(user=people["assessor2"]).update(
        acknowledged_at=timezone.now()
    )
    assert reminders_send(days=0) == 1
    assert mail.outbox[-1].to == [people["assessor"].email]
    assert "P-07 versie" in mail.outbox[-1].body
    assert reminders_send(days=0) == 0


# -- periodic review ------------------------------------------------------------


def test_no_change_needed_records_the_review_and_moves_the_date(
    client, people, procedure
):
    ProcedurePage.objects.filter(pk=procedure.pk).update(
        review_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    client.force_login(people["qo"])
    url = reverse("documents_admin:reviews")
    body = client.get(url).content.decode()
    assert "P-07" in body
    assert "te laat" in body
    response = client.post(url, {"page": procedure.pk, "note": "Nog actueel."})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.review_date > timezone.localdate() + datetime.timedelta(days=300)
    review = procedure.reviews.get()
    assert review.note == "Nog actueel."
    assert procedure.versions.count() == 1  # no new version, no approval needed


def test_review_refused_for_someone_else(people, procedure):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        review_record_no_change(page=procedure, by=people["assessor"])


def test_pages_published_before_versions_existed_get_their_first_version(
    people, procedure
):
    from documents.services import versions_backfill

    ProcedureVersion.objects.all().delete()
    assert versions_backfill() == 1
    version = ProcedureVersion.objects.get()
    assert version.version_label == "2305"
    assert version.revision == procedure.live_revision
    assert not ReadAcknowledgement.objects.exists()
    assert versions_backfill() == 0


def test_a_new_version_replaces_unread_tasks_of_the_older_one(people, procedure):
    revise(procedure, people["qo"], summary="Eerste herziening.")
    page = approve_through_workflow(procedure, people["qo"], people["management"])
    first = page.versions.order_by("-published_at").first()
    acknowledgement_record(version=first, user=people["assessor2"])
    revise(page, people["qo"], summary="Tweede herziening.")
    page = approve_through_workflow(page, people["qo"], people["management"])
    latest = page.versions.order_by("-published_at").first()
    pending = ReadAcknowledgement.objects.filter(acknowledged_at__isnull=True)
    assert {(a.user, a.version) for a in pending} == {
        (people["assessor"], latest),
        (people["assessor2"], latest),
    }
    assert ReadAcknowledgement.objects.filter(
        user=people["assessor2"], version=first, acknowledged_at__isnull=False
    ).exists()
