"""The complaint and mediation case pages: only the steps valid now for this
user; refusals keep the input and name the rule; out-of-scope answers 404;
the query count does not grow with the number of events."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Complaint, EvidenceFile, Notary
from cases.services import (
    complaint_escalate,
    complaint_update_handling,
)
from portal.roles import EXTERNAL_MEDIATOR
from tests.cases.conftest import local
from tests.cases.test_complaints import in_progress, qualified_signal, register
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def klant(db):
    return ClientFactory(
        name="Zorggroep Pagina", region="GE", contact_email="k@example.invalid"
    )


def page(client, user, complaint):
    client.force_login(user)
    return client.get(reverse("cases_admin:complaint", args=[complaint.pk]))


def test_register_form_is_prefilled_from_the_signal_and_registers_C1(
    client, people, klant
):
    signal = qualified_signal(people, klant)
    client.force_login(people["office"])
    url = reverse("cases_admin:complaint_register", args=[signal.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "De klant is boos over het rapport." in response.content.decode()
    response = client.post(
        url,
        {
            "client": klant.pk,
            "description": "Rapport te laat.",
            "formal_written": "on",
            "about": "organisation",
            "involved_staff": [people["involved"].pk],
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases_admin:complaint", args=[complaint.pk])
    assert complaint.formal_written


def test_register_form_refused_for_a_core_group_member(client, people, klant):
    signal = qualified_signal(people, klant)
    client.force_login(people["handler"])
    response = client.get(reverse("cases_admin:complaint_register", args=[signal.pk]))
    assert response.status_code in (302, 403)
    assert not Complaint.objects.exists()


def test_register_form_with_empty_description_keeps_the_rest(client, people, klant):
    signal = qualified_signal(people, klant)
    client.force_login(people["office"])
    response = client.post(
        reverse("cases_admin:complaint_register", args=[signal.pk]),
        {
            "client": klant.pk,
            "description": "",
            "about": "organisation",
            "complainant": "Mevrouw Indiener",
        },
    )
    assert response.status_code == 400
    assert "Mevrouw Indiener" in response.content.decode()
    assert not Complaint.objects.exists()


def test_assigning_an_involved_person_shows_the_C2_refusal(client, people, klant):
    complaint = register(people, klant)
    client.force_login(people["qo"])
    response = client.post(
        reverse("cases_admin:complaint", args=[complaint.pk]),
        {"action": "assign_handler", "handler": people["involved"].pk},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "direct betrokken bij de klachtsituatie" in body
    assert "kan hier niet worden gekozen" in body
    complaint.refresh_from_db()
    assert complaint.handler is None
    assert complaint.state == Complaint.State.REGISTERED


def test_case_page_offers_only_valid_steps_per_user(client, people, klant):
    complaint = in_progress(people, klant, formal=False)
    body = page(client, people["handler"], complaint).content.decode()
    assert 'value="update_handling"' in body
    # C8: closing waits for the solution and the satisfaction; it is listed as
    # "nog niet" with the reason, never offered only to be refused.
    assert 'value="close"' not in body
    assert 'id="nog-niet-close"' in body
    assert "Leg eerst de gekozen oplossing vast" in body
    assert 'value="acknowledge"' not in body  # C3: not formal
    assert 'id="stap-acknowledge"' not in body  # nor a link to its letter
    assert 'id="nog-niet-acknowledge"' not in body  # C3: never, not "not yet"
    assert 'value="assign_handler"' not in body  # only the register
    assert 'value="decide_anonymised"' not in body  # only the quality officer
    body = page(client, people["qo"], complaint).content.decode()
    assert 'value="decide_anonymised"' in body
    assert 'value="inform_parties"' not in body  # C9 only
    assert "Nog niet mogelijk" in body


def test_closing_without_satisfaction_shows_C8_and_changes_nothing(
    client, people, klant
):
    complaint = in_progress(people, klant, formal=False)
    complaint_update_handling(complaint=complaint, by=people["handler"], solution="x")
    client.force_login(people["handler"])
    # A page that offered the step before the case changed (the step is not on
    # the page now): the refusal names the step and the reason, and gives back
    # what was typed.
    response = client.post(
        reverse("cases_admin:complaint", args=[complaint.pk]),
        {"action": "close", "note": "Klaar, denk ik."},
        follow=True,
    )
    body = response.content.decode()
    assert "Klacht afsluiten" in body
    assert "tevreden te zijn met de oplossing" in body
    assert "Klaar, denk ik." in body
    assert "close" not in [m.message for m in response.context["messages"]]
    assert Complaint.objects.get().state == Complaint.State.IN_PROGRESS


def test_handler_uploads_evidence_on_the_case_page(client, people, klant):
    complaint = in_progress(people, klant)
    client.force_login(people["handler"])
    response = client.post(
        reverse("cases_admin:complaint_upload", args=[complaint.pk]),
        {
            "files": [SimpleUploadedFile("verslag.txt", b"Gesprek met de klant.")],
            "description": "Gespreksverslag",
        },
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.complaint == complaint
    assert evidence.client == klant
    body = page(client, people["handler"], complaint).content.decode()
    assert "verslag.txt" in body
    assert "Bestand toegevoegd" in body


@pytest.mark.parametrize("role", ["involved", "assessor"])
def test_out_of_scope_users_get_404_everywhere(client, people, klant, role):
    complaint = in_progress(people, klant)
    escalated = complaint_escalate(
        complaint=complaint, by=people["qo"], reason="Geen oplossing."
    )
    client.force_login(people[role])
    for url in (
        reverse("cases_admin:complaint", args=[complaint.pk]),
        reverse("cases_admin:mediation", args=[escalated.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert "Zorggroep Pagina" not in response.content.decode()
    response = client.post(
        reverse("cases_admin:complaint_upload", args=[complaint.pk]),
        {"files": [SimpleUploadedFile("x.txt", b"x")]},
    )
    assert response.status_code in (302, 404)
    assert not EvidenceFile.objects.exists()


def test_complaint_page_query_count_does_not_grow_with_events(client, people, klant):
    complaint = in_progress(people, klant)
    client.force_login(people["qo"])
    url = reverse("cases_admin:complaint", args=[complaint.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(15):
        complaint_update_handling(
            complaint=complaint, by=people["handler"], note=f"Overleg {i}"
        )
        EvidenceFile.objects.create(
            client=klant,
            complaint=complaint,
            original_name=f"f{i}.txt",
            content_type="text/plain",
            size=1,
            sha256="0" * 64,
            uploaded_by=people["handler"],
        )
    UserFactory(roles=["core_group"])  # one more handler candidate is one row
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_mediation_page_shows_E6_warning_and_only_eligible_notaries(
    client, people, klant
):
    complaint = in_progress(people, klant)
    mediation = complaint_escalate(
        complaint=complaint, by=people["qo"], reason="Geen oplossing."
    )
    Notary.objects.create(name="Mr. Gelders", firm="G", region="GE")
    Notary.objects.create(name="Mr. Utrechts", firm="U", region="UT")
    tied = Notary.objects.create(name="Mr. Gebonden", firm="B", region="GE")
    tied.tied_clients.add(klant)
    client.force_login(people["office"])
    body = client.get(
        reverse("cases_admin:mediation", args=[mediation.pk])
    ).content.decode()
    assert "nog niet geïnformeerd over 1 stap." in body
    assert "Mr. Gelders" in body
    assert "Mr. Utrechts" not in body
    assert "Mr. Gebonden" not in body


def test_mediation_page_query_count_does_not_grow_with_events(client, people, klant):
    complaint = in_progress(people, klant)
    mediation = complaint_escalate(
        complaint=complaint, by=people["qo"], reason="Geen oplossing."
    )
    client.force_login(people["office"])
    url = reverse("cases_admin:mediation", args=[mediation.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    from cases.services import mediation_inform_claimant

    for i in range(10):
        mediation_inform_claimant(mediation=mediation, by=people["office"], how=f"{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_notary_sees_the_mediation_only_after_double_consent(client, people, klant):
    from cases.services import mediation_choose, mediation_consent, mediation_propose

    complaint = in_progress(people, klant)
    mediation = complaint_escalate(
        complaint=complaint, by=people["qo"], reason="Geen oplossing."
    )
    notaries = [
        Notary.objects.create(
            name=f"Mr. {i}",
            firm="F",
            region="GE",
            user=UserFactory(roles=[EXTERNAL_MEDIATOR]),
        )
        for i in range(3)
    ]
    mediation_propose(mediation=mediation, notaries=notaries, by=people["office"])
    mediation_choose(mediation=mediation, notary=notaries[0], by=people["office"])
    client.force_login(notaries[0].user)
    dossier = reverse("cases:dossier", args=[klant.pk])
    assert client.get(dossier).status_code == 404
    mediation_consent(
        mediation=mediation,
        by=people["office"],
        claimant_consent_at=local(2026, 11, 10, 9, 0),
        organisation_consent_at=local(2026, 11, 10, 9, 0),
    )
    response = client.get(dossier)
    assert response.status_code == 200
    assert "Zorggroep Pagina" in response.content.decode()


def test_dashboard_shows_each_person_what_to_do_next(client, people, klant):
    signal = qualified_signal(people, klant)
    client.force_login(people["qo"])
    body = client.get("/").content.decode()
    assert signal.number in body
    assert "klacht registreren" in body
    complaint = in_progress(people, klant, at=local(2026, 1, 5, 9, 0))
    client.force_login(people["handler"])
    body = client.get("/").content.decode()
    assert complaint.number in body
    assert "te laat" in body
    client.force_login(people["involved"])
    body = client.get("/").content.decode()
    assert complaint.number not in body


def test_register_escalates_a_contested_decision_to_mediation_E1(client, setup, office):
    from cases.models import Mediation

    client.force_login(office)
    url = reverse("cases_admin:mediation_open")
    assert "Beslissing naar mediation" in client.get("/admin/").content.decode()
    response = client.post(url, {"decision": setup["decision"].pk, "reason": ""})
    assert response.status_code == 400
    assert not Mediation.objects.exists()
    response = client.post(
        url, {"decision": setup["decision"].pk, "reason": "Geen oplossing gevonden."}
    )
    mediation = Mediation.objects.get()
    assert response["Location"] == reverse("cases_admin:mediation", args=[mediation.pk])
    assert mediation.claimant == setup["client"]
    client.force_login(setup["other"])
    assert client.get(url).status_code in (302, 403)
