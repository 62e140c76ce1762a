"""Issue 16, item 8: the smaller things a user met in the first week. The
proposal with a duplicate notary (E2), attachments refused when a signal is filed
(S1/S5: the signal is kept, the refusal is an error, the file can be added on the
signal's page), and the import page's advice on publishing (C10: management
approves, the quality officer cannot publish). The 48 hours of S3 are tested in
test_signals.py; two appeals against one decision in test_appeal_decider_facts.py.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import EvidenceFile, Signal
from cases.services import mediation_propose
from portal.roles import ASSESSOR, QUALITY_OFFICER
from tests.cases.test_mediations import escalated, klant, notary, snapshot, three
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

__all__ = ["escalated", "klant", "three"]  # fixtures used by name

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


# -- E2: a proposal naming one notary twice ---------------------------------------


def test_E2_a_duplicate_notary_is_named_not_counted(people, escalated, three):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        mediation_propose(
            mediation=escalated,
            notaries=[three[0], three[0], three[1]],
            by=people["office"],
        )
    message = " ".join(refused.value.messages)
    assert "Mr. A. Arnhem" in message
    assert "meer dan eens" in message
    assert "u koos er 2" not in message
    assert "(E2)" not in message
    assert snapshot() == before


def test_E2_too_few_different_notaries_still_says_how_many(people, escalated, three):
    with pytest.raises(ValidationError, match="u koos er 2"):
        mediation_propose(mediation=escalated, notaries=three[:2], by=people["office"])


def test_E2_refusals_name_no_rule_id(people, escalated, three):
    far = notary("Mr. Z. Zwolle", region="OV")
    with pytest.raises(ValidationError) as refused:
        mediation_propose(
            mediation=escalated, notaries=[*three[:2], far], by=people["office"]
        )
    assert "(E2)" not in " ".join(refused.value.messages)


# -- S1/S5: a refused attachment keeps the signal and says so ----------------------


@pytest.fixture
def assessor(db):
    return UserFactory(roles=[ASSESSOR])


def _file_signal(client, klant, *files):
    return client.post(
        reverse("cases:signal_new"),
        {
            "client": klant.pk,
            "channel": "email",
            "received_at": "2026-11-02T16:00",
            "description": "Klant mailde over de planning.",
            "attachments": list(files),
        },
    )


def test_a_refused_attachment_keeps_the_signal_and_is_reported_as_an_error(
    client, assessor
):
    klant = ClientFactory()
    client.force_login(assessor)
    response = _file_signal(
        client,
        klant,
        SimpleUploadedFile("mail.txt", b"Van: klant"),
        SimpleUploadedFile("programma.exe", EXE),
    )
    signal = Signal.objects.get()
    # Straight to the signal's page, where the file can be added again.
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:signal", args=[signal.pk])
    sent = list(get_messages(response.wsgi_request))
    assert [m.level_tag for m in sent] == ["error"]
    assert "programma.exe" in sent[0].message
    assert signal.number in sent[0].message
    # The good file is kept, the refused one is not.
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == [
        "mail.txt"
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Bijlage toevoegen" in page


def test_the_reporter_adds_the_file_on_the_signal_page(client, assessor):
    klant = ClientFactory()
    client.force_login(assessor)
    _file_signal(client, klant, SimpleUploadedFile("programma.exe", EXE))
    signal = Signal.objects.get()
    assert not EvidenceFile.objects.exists()
    url = reverse("cases:signal", args=[signal.pk])
    response = client.post(
        url,
        {"action": "attach", "attachments": [SimpleUploadedFile("foto.txt", b"ok")]},
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert (evidence.signal, evidence.client) == (signal, klant)
    assert "foto.txt" in client.get(url).content.decode()
    # The signal was not qualified by the upload.
    signal.refresh_from_db()
    assert signal.state == Signal.State.RECEIVED


def test_a_refused_file_on_the_signal_page_is_an_error_at_the_field(client, assessor):
    klant = ClientFactory()
    client.force_login(assessor)
    _file_signal(client, klant)
    signal = Signal.objects.get()
    response = client.post(
        reverse("cases:signal", args=[signal.pk]),
        {"action": "attach", "attachments": [SimpleUploadedFile("x.exe", EXE)]},
    )
    assert response.status_code == 400
    assert "x.exe" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_attaching_without_a_file_asks_for_one(client, assessor):
    klant = ClientFactory()
    client.force_login(assessor)
    _file_signal(client, klant)
    signal = Signal.objects.get()
    response = client.post(
        reverse("cases:signal", args=[signal.pk]), {"action": "attach"}
    )
    assert response.status_code == 400
    assert "Kies een bestand" in response.content.decode()


def test_another_assessor_cannot_attach_to_a_signal_not_theirs(client, assessor):
    klant = ClientFactory()
    client.force_login(assessor)
    _file_signal(client, klant)
    signal = Signal.objects.get()
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.post(
        reverse("cases:signal", args=[signal.pk]),
        {"action": "attach", "attachments": [SimpleUploadedFile("a.txt", b"x")]},
    )
    assert response.status_code == 404
    assert not EvidenceFile.objects.exists()


def test_no_attach_form_for_a_signal_without_a_client(client, assessor):
    client.force_login(assessor)
    client.post(
        reverse("cases:signal_new"),
        {
            "channel": "phone",
            "received_at": "2026-11-02T16:00",
            "description": "Telefoontje zonder klantnaam.",
        },
    )
    signal = Signal.objects.get()
    url = reverse("cases:signal", args=[signal.pk])
    assert "Bijlage toevoegen" not in client.get(url).content.decode()
    response = client.post(
        url, {"action": "attach", "attachments": [SimpleUploadedFile("a.txt", b"x")]}
    )
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


# -- C10: the import page does not tell the quality officer to publish ---------------


def test_the_import_page_says_management_approves_not_publish_yourself(client):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    response = client.get(reverse("documents_procedure_import"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "publiceer het daarna zelf" not in body
    assert "goedkeuring door de directie" in body
