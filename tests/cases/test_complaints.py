"""Complaints (C1–C10), one test per rule including its refusal paths. Every
refusal leaves the database unchanged and names the rule in Dutch."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Audit, CaseEvent, Complaint, EvidenceFile, Signal
from cases.selectors import (
    complaint_lessons,
    complaints_visible_to,
    dossiers_visible_to,
)
from cases.services import (
    complaint_acknowledge,
    complaint_assign_handler,
    complaint_close,
    complaint_decide_anonymised,
    complaint_decide_follow_up,
    complaint_inform_parties,
    complaint_record_satisfaction,
    complaint_register,
    complaint_send_outcome,
    complaint_update_handling,
    evidence_upload,
    signal_qualify,
    signal_record,
)
from portal.roles import (
    ASSESSOR,
    CORE_GROUP,
)
from tests.cases.conftest import local
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def klant(db):
    return ClientFactory(name="Zorggroep Klacht", contact_email="klant@example.invalid")


def qualified_signal(people, client, *, holder=False, at=None):
    signal = signal_record(
        by=people["assessor"],
        client=client,
        channel="email",
        received_at=at or local(2026, 11, 2, 10, 0),
        description="De klant is boos over het rapport.",
        about_certificate_holder=holder,
    )
    return signal_qualify(
        signal=signal, by=people["qo"], is_complaint=True, ground="a", reason="Mail."
    )


def register(people, client, *, formal=True, holder=False, at=None):
    signal = qualified_signal(people, client, holder=holder, at=at)
    complaint = complaint_register(
        signal=signal,
        by=people["office"],
        description="Rapport te laat en onvolledig.",
        formal_written=formal,
        involved_staff=[people["involved"]],
    )
    return complaint


def in_progress(people, client, **kw):
    complaint = register(people, client, **kw)
    return complaint_assign_handler(
        complaint=complaint, handler=people["handler"], by=people["qo"]
    )


def snapshot():
    return (
        CaseEvent.objects.count(),
        list(Complaint.objects.values()),
        Audit.objects.count(),
        EvidenceFile.objects.count(),
    )


# -- C1 ---------------------------------------------------------------------


def test_C1_register_from_a_qualified_signal_with_the_c1_data(people, klant):
    complaint = register(people, klant)
    assert complaint.number == "K-2026-0001"
    assert complaint.client == klant
    assert complaint.received_at == local(2026, 11, 2, 10, 0)
    assert complaint.state == Complaint.State.REGISTERED
    assert complaint.events.get().action == "register"
    assert list(complaint.involved_staff.all()) == [people["involved"]]


def test_C1_refused_for_a_signal_not_qualified_as_complaint(people, klant):
    signal = signal_record(
        by=people["assessor"],
        client=klant,
        channel="phone",
        received_at=local(2026, 11, 2, 10, 0),
        description="x",
    )
    with pytest.raises(ValidationError, match="niet als klacht gekwalificeerd"):
        complaint_register(
            signal=signal, by=people["qo"], description="x", formal_written=False
        )
    signal_qualify(signal=signal, by=people["qo"], is_complaint=False, reason="Nee.")
    with pytest.raises(ValidationError, match="niet als klacht gekwalificeerd"):
        complaint_register(
            signal=signal, by=people["qo"], description="x", formal_written=False
        )
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("role", ["handler", "assessor", "management"])
def test_C1_only_quality_officer_or_office_manager_registers(people, klant, role):
    signal = qualified_signal(people, klant)
    with pytest.raises(
        PermissionDenied, match="Alleen de portefeuillehouder Q of de officemanager"
    ):
        complaint_register(
            signal=signal, by=people[role], description="x", formal_written=True
        )
    assert not Complaint.objects.exists()


def test_C1_a_signal_is_registered_once(people, klant):
    complaint = register(people, klant)
    with pytest.raises(ValidationError, match="al als klacht"):
        complaint_register(
            signal=complaint.signal,
            by=people["qo"],
            description="x",
            formal_written=True,
        )
    assert Complaint.objects.count() == 1


def test_C1_without_client_is_refused(people):
    signal = signal_record(
        by=people["assessor"],
        channel="phone",
        received_at=local(2026, 11, 2, 10, 0),
        description="x",
    )
    signal = signal_qualify(
        signal=signal, by=people["qo"], is_complaint=True, ground="b", reason="b"
    )
    with pytest.raises(ValidationError) as exc:
        complaint_register(
            signal=signal, by=people["qo"], description="x", formal_written=False
        )
    assert "client" in exc.value.error_dict
    assert Signal.objects.get().state == "complaint"


# -- C2 ---------------------------------------------------------------------


def test_C2_refuses_an_involved_core_group_member(people, klant):
    complaint = register(people, klant)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        complaint_assign_handler(
            complaint=complaint, handler=people["involved"], by=people["qo"]
        )
    assert "direct betrokken" in str(exc.value)
    assert "direct betrokken" in str(exc.value)
    assert "(C2)" not in str(exc.value)
    assert snapshot() == before
    assert not dossiers_visible_to(people["involved"]).exists()


@pytest.mark.parametrize("role", ["assessor", "office", "management"])
def test_C2_refuses_someone_not_in_the_core_group(people, klant, role):
    complaint = register(people, klant)
    before = snapshot()
    with pytest.raises(ValidationError, match="geen kerngroeplid"):
        complaint_assign_handler(
            complaint=complaint, handler=people[role], by=people["qo"]
        )
    assert snapshot() == before


def test_C2_handler_sees_the_case_and_the_dossier_and_a_replaced_one_not(people, klant):
    complaint = in_progress(people, klant)
    assert complaint.state == Complaint.State.IN_PROGRESS
    assert complaints_visible_to(people["handler"]).filter(pk=complaint.pk).exists()
    assert dossiers_visible_to(people["handler"]).filter(pk=klant.pk).exists()
    other = UserFactory(roles=[CORE_GROUP])
    complaint_assign_handler(complaint=complaint, handler=other, by=people["office"])
    assert not complaints_visible_to(people["handler"]).exists()
    assert not dossiers_visible_to(people["handler"]).exists()
    assert complaints_visible_to(other).filter(pk=complaint.pk).exists()


def test_C2_staff_involved_do_not_see_the_complaint(people, klant):
    in_progress(people, klant)
    assert not complaints_visible_to(people["involved"]).exists()


def test_C2_the_handler_cannot_later_be_marked_involved(people, klant):
    complaint = in_progress(people, klant)
    with pytest.raises(ValidationError, match="kan niet tegelijk direct betrokken"):
        complaint_update_handling(
            complaint=complaint,
            by=people["office"],
            involved_staff=[people["handler"]],
        )
    assert list(complaint.involved_staff.all()) == [people["involved"]]


# -- C3 / C7 ----------------------------------------------------------------


def test_C3_formal_written_complaint_gets_an_acknowledgement_letter(
    people, klant, django_capture_on_commit_callbacks
):
    complaint = register(people, klant, formal=True)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_acknowledge(complaint=complaint, by=people["office"])
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is not None
    assert mail.outbox[-1].to == ["klant@example.invalid"]
    assert mail.outbox[-1].attachments[0][2] == "application/pdf"
    letter = EvidenceFile.objects.get(complaint=complaint)
    assert letter.client == klant
    event = complaint.events.get(action="acknowledge")
    assert event.data["letter"] == str(letter.uuid)
    assert event.claimant_informed_at is not None


def test_C3_no_acknowledgement_for_an_informal_complaint(people, klant):
    complaint = register(people, klant, formal=False)
    before = snapshot()
    with pytest.raises(ValidationError, match="formeel schriftelijk"):
        complaint_acknowledge(complaint=complaint, by=people["office"])
    assert snapshot() == before
    assert mail.outbox == []


def test_C3_acknowledged_once(people, klant):
    complaint = register(people, klant, formal=True)
    complaint_acknowledge(complaint=complaint, by=people["office"])
    with pytest.raises(ValidationError, match="al bevestigd"):
        complaint_acknowledge(complaint=complaint, by=people["office"])


def test_C7_outcome_letter_only_for_formal_complaints(people, klant):
    complaint = in_progress(people, klant, formal=False)
    complaint_update_handling(
        complaint=complaint, by=people["handler"], solution="Rapport herschreven."
    )
    before = snapshot()
    with pytest.raises(ValidationError, match="formeel schriftelijk"):
        complaint_send_outcome(complaint=complaint, by=people["handler"])
    assert snapshot() == before


def test_C7_outcome_letter_needs_the_solution_and_is_sent(
    people, klant, django_capture_on_commit_callbacks
):
    complaint = in_progress(people, klant, formal=True)
    with pytest.raises(ValidationError, match="Leg eerst de gekozen oplossing"):
        complaint_send_outcome(complaint=complaint, by=people["handler"])
    complaint_update_handling(
        complaint=complaint, by=people["handler"], solution="Rapport herschreven."
    )
    with django_capture_on_commit_callbacks(execute=True):
        complaint_send_outcome(complaint=complaint, by=people["handler"])
    complaint.refresh_from_db()
    assert complaint.outcome_sent_at is not None
    assert len(mail.outbox) == 1


# -- C5 ---------------------------------------------------------------------


def test_C5_quality_officer_decides_anonymised_and_assessors_read_only_that(
    people, klant
):
    complaint = in_progress(people, klant)
    with pytest.raises(ValidationError, match="geanonimiseerde samenvatting"):
        complaint_decide_anonymised(
            complaint=complaint, by=people["qo"], anonymised=True, summary=""
        )
    with pytest.raises(ValidationError, match="bij naam"):
        complaint_decide_anonymised(
            complaint=complaint,
            by=people["qo"],
            anonymised=True,
            summary="Zorggroep Klacht kreeg het rapport te laat.",
        )
    with pytest.raises(PermissionDenied):
        complaint_decide_anonymised(
            complaint=complaint, by=people["office"], anonymised=False
        )
    complaint_decide_anonymised(
        complaint=complaint,
        by=people["qo"],
        anonymised=True,
        summary="Een klant kreeg het rapport drie weken te laat.",
    )
    lessons = list(complaint_lessons(people["assessor"]))
    assert lessons[0]["anonymised_summary"].startswith("Een klant")
    assert set(lessons[0]) == {"pk", "anonymised_summary", "received_at"}
    assert not complaints_visible_to(people["assessor"]).exists()


# -- C6 ---------------------------------------------------------------------


def test_C6_handling_deadline_is_one_month_from_receipt(people, klant):
    complaint = register(people, klant, at=local(2026, 1, 31, 10, 0))
    assert complaint.handle_by == local(2026, 2, 28, 10, 0)
    assert not complaint.is_overdue(now=local(2026, 2, 28, 10, 0))
    assert complaint.is_overdue(now=local(2026, 2, 28, 10, 1))


def test_C6_a_closed_complaint_is_not_overdue(people, klant):
    complaint = in_progress(people, klant)
    complaint_update_handling(complaint=complaint, by=people["handler"], solution="x")
    complaint_record_satisfaction(
        complaint=complaint, by=people["handler"], note="Telefonisch tevreden."
    )
    complaint_send_outcome(complaint=complaint, by=people["handler"])
    complaint = complaint_close(complaint=complaint, by=people["handler"])
    assert not complaint.is_overdue(now=local(2030, 1, 1, 0, 0))


# -- C8 ---------------------------------------------------------------------


def test_C8_closing_without_recorded_satisfaction_is_refused(people, klant):
    complaint = in_progress(people, klant, formal=False)
    complaint_update_handling(
        complaint=complaint, by=people["handler"], solution="Excuses en herstel."
    )
    before = snapshot()
    with pytest.raises(ValidationError, match="tevreden te zijn met de oplossing"):
        complaint_close(complaint=complaint, by=people["handler"])
    assert snapshot() == before
    assert Complaint.objects.get().state == Complaint.State.IN_PROGRESS


def test_C8_satisfaction_needs_a_note(people, klant):
    complaint = in_progress(people, klant)
    with pytest.raises(ValidationError, match="tevreden te zijn"):
        complaint_record_satisfaction(
            complaint=complaint, by=people["handler"], note=""
        )


def test_C8_closes_when_satisfied_and_keeps_the_evidence(people, klant):
    complaint = in_progress(people, klant, formal=False)
    evidence = evidence_upload(
        client=klant,
        uploaded_file=SimpleUploadedFile("mail-klant.txt", b"Ik ben tevreden."),
        by=people["handler"],
        case=complaint,
    )
    assert complaint.events.filter(action="upload").count() == 1
    complaint_update_handling(
        complaint=complaint,
        by=people["handler"],
        solution="Excuses en herstel.",
        measures="Planning rapporten bewaakt.",
        lessons_learned="Eerder bellen.",
    )
    complaint_record_satisfaction(
        complaint=complaint,
        by=people["handler"],
        note="E-mail van de klant: tevreden.",
        at=local(2026, 11, 20, 9, 0),
    )
    complaint = complaint_close(complaint=complaint, by=people["handler"])
    assert complaint.state == Complaint.State.CLOSED
    assert complaint.closed_at is not None
    assert complaint.satisfied_at == local(2026, 11, 20, 9, 0)
    evidence.refresh_from_db()
    assert not evidence.is_deleted
    assert evidence.complaint == complaint


def test_C8_formal_complaint_closes_only_after_the_outcome_letter_C7(people, klant):
    complaint = in_progress(people, klant, formal=True)
    complaint_update_handling(complaint=complaint, by=people["handler"], solution="x")
    complaint_record_satisfaction(
        complaint=complaint, by=people["handler"], note="Tevreden."
    )
    with pytest.raises(ValidationError, match="Deel de klant eerst de uitkomst mee"):
        complaint_close(complaint=complaint, by=people["handler"])


def test_C8_an_outsider_cannot_take_steps(people, klant):
    complaint = in_progress(people, klant)
    with pytest.raises(PermissionDenied):
        complaint_record_satisfaction(
            complaint=complaint, by=people["involved"], note="x"
        )


# -- C9 ---------------------------------------------------------------------


def test_C9_management_informs_holder_and_team_leader(people, klant):
    complaint = register(people, klant, holder=True)
    assert complaint.about == Complaint.About.CERTIFICATE_HOLDER
    with pytest.raises(
        ValidationError, match="zowel de certificaathouder als de teamleider"
    ):
        complaint_inform_parties(
            complaint=complaint,
            by=people["management"],
            holder_informed_at=local(2026, 11, 3, 9, 0),
            team_leader_informed_at=None,
        )
    with pytest.raises(PermissionDenied):
        complaint_inform_parties(
            complaint=complaint,
            by=people["qo"],
            holder_informed_at=local(2026, 11, 3, 9, 0),
            team_leader_informed_at=local(2026, 11, 3, 9, 0),
        )
    complaint = complaint_inform_parties(
        complaint=complaint,
        by=people["management"],
        holder_informed_at=local(2026, 11, 3, 9, 0),
        team_leader_informed_at=local(2026, 11, 3, 10, 0),
    )
    assert complaint.team_leader_informed_at == local(2026, 11, 3, 10, 0)


def test_C9_steps_refused_for_a_complaint_about_the_organisation(people, klant):
    complaint = register(people, klant, holder=False)
    before = snapshot()
    with pytest.raises(ValidationError, match="klacht over een certificaathouder"):
        complaint_decide_follow_up(
            complaint=complaint,
            by=people["management"],
            follow_up="next_regular",
            motivation="x",
        )
    assert snapshot() == before


def test_C9_special_audit_creates_an_audit_of_kind_special(people, klant):
    leader = UserFactory(roles=[ASSESSOR])
    Audit.objects.create(
        client=klant,
        kind=Audit.Kind.FOLLOW_UP,
        start_date=datetime.date(2026, 3, 1),
        team_leader=leader,
    )
    complaint = register(people, klant, holder=True)
    complaint = complaint_decide_follow_up(
        complaint=complaint,
        by=people["management"],
        follow_up="special_audit",
        motivation="Ernstige klacht van een derde.",
        special_audit_start=datetime.date(2026, 12, 7),
    )
    audit = complaint.special_audit
    assert audit.kind == Audit.Kind.SPECIAL
    assert audit.client == klant
    assert audit.team_leader == leader
    assert complaint.number in audit.notes
    with pytest.raises(ValidationError, match="al besloten"):
        complaint_decide_follow_up(
            complaint=complaint,
            by=people["management"],
            follow_up="next_regular",
            motivation="x",
        )


def test_C9_next_regular_audit_creates_no_audit(people, klant):
    complaint = register(people, klant, holder=True)
    complaint = complaint_decide_follow_up(
        complaint=complaint,
        by=people["management"],
        follow_up="next_regular",
        motivation="Meenemen in het vervolgonderzoek.",
    )
    assert complaint.follow_up == "next_regular"
    assert not Audit.objects.filter(kind=Audit.Kind.SPECIAL).exists()


# -- C10 --------------------------------------------------------------------


def test_C10_leads_to_change_needs_a_description(people, klant):
    complaint = in_progress(people, klant)
    with pytest.raises(
        ValidationError, match="welke wijziging van het kwaliteitssysteem"
    ):
        complaint_update_handling(
            complaint=complaint, by=people["handler"], leads_to_change=True
        )
    complaint = complaint_update_handling(
        complaint=complaint,
        by=people["handler"],
        leads_to_change=True,
        change_note="P-05: rapporttermijn toevoegen.",
    )
    assert complaint.leads_to_change
    event = complaint.events.filter(action="update_handling").last()
    assert set(event.data["changed"]) == {"leads_to_change", "change_note"}


def test_update_without_any_change_is_refused(people, klant):
    complaint = in_progress(people, klant)
    with pytest.raises(ValidationError, match="niets gewijzigd"):
        complaint_update_handling(complaint=complaint, by=people["handler"])


def test_procedure_version_is_recorded_when_the_procedure_is_live(people, klant):
    from documents.models import ProcedurePage
    from portal.services import site_structure_ensure

    site_structure_ensure()
    home = ProcedurePage.get_first_root_node().get_children().first()
    home.add_child(
        instance=ProcedurePage(
            title="Klachten en beroep", code="P-07", version_label="2305", body=[]
        )
    )
    complaint = register(people, klant)
    assert complaint.procedure_version == "P-07 versie 2305"


def test_C5_assessors_read_the_anonymised_summary_on_their_dashboard(
    client, people, klant
):
    complaint = in_progress(people, klant)
    complaint_update_handling(
        complaint=complaint,
        by=people["handler"],
        cause_analysis="Geheime oorzaak ZORGVULDIG-VERBORGEN.",
    )
    reader = UserFactory(roles=[ASSESSOR])  # not the one who reported the signal
    client.force_login(reader)
    assert "Geleerd uit klachten" not in client.get("/").content.decode()
    complaint_decide_anonymised(
        complaint=complaint,
        by=people["qo"],
        anonymised=True,
        summary="Rapporten op tijd sturen; bel bij vertraging.",
    )
    body = client.get("/").content.decode()
    assert "Rapporten op tijd sturen" in body
    assert "Zorggroep Klacht" not in body
    assert "ZORGVULDIG-VERBORGEN" not in body
    assert complaint.number not in body
