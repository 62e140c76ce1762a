import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Signal
from cases.services import signal_qualify, signal_record
from portal.roles import ASSESSOR, CORE_GROUP, QUALITY_OFFICER
from tests.cases.conftest import local
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor():
    return UserFactory(roles=[ASSESSOR])


@pytest.fixture
def quality_officer():
    return UserFactory(roles=[QUALITY_OFFICER])


def record(by, **kw):
    params = {
        "channel": "in_person",
        "received_at": local(2026, 11, 2, 16, 0),
        "description": "De klant vond de planning van de onderzoeksdag rommelig.",
        "client": ClientFactory(),
    }
    params.update(kw)
    return signal_record(by=by, **params)


def test_any_staff_member_records_a_signal_with_a_48_hour_deadline_S1_S3(assessor):
    received = timezone.now() - datetime.timedelta(minutes=10)
    before = timezone.now()
    signal = record(assessor, received_at=received)
    assert signal.number == f"S-{timezone.localdate().year}-0001"
    # S3: from when it reaches the quality officer (passed on now), not from
    # when the client spoke ten minutes ago.
    assert before + datetime.timedelta(hours=48) <= signal.decide_by
    assert signal.decide_by <= timezone.now() + datetime.timedelta(hours=48)
    assert signal.events.get().action == "record"


def test_a_signal_passed_on_late_gets_48_hours_from_reaching_the_quality_officer_S3(
    assessor,
):
    """A colleague passes on a remark from an audit day a month ago: the 48 hours
    run from now, so it is not overdue on arrival."""
    signal = record(assessor, received_at=local(2026, 11, 2, 16, 0))
    assert not signal.is_overdue()
    assert not signal.is_overdue(now=timezone.now() + datetime.timedelta(hours=47))
    assert signal.is_overdue(now=timezone.now() + datetime.timedelta(hours=49))


def test_a_signal_the_quality_officer_heard_herself_runs_from_receipt_S3(
    quality_officer,
):
    signal = record(quality_officer)
    assert signal.decide_by == local(2026, 11, 4, 16, 0)


def test_signal_is_overdue_after_48_hours_not_before_S3(quality_officer):
    signal = record(quality_officer)
    assert not signal.is_overdue(now=local(2026, 11, 4, 16, 0))
    assert signal.is_overdue(now=local(2026, 11, 4, 16, 1))


def test_a_qualified_signal_is_never_overdue_S3(assessor, quality_officer):
    signal = record(assessor)
    signal_qualify(
        signal=signal, by=quality_officer, is_complaint=False, reason="Geen."
    )
    assert not signal.is_overdue(now=local(2027, 1, 1, 0, 0))


def test_quality_officer_qualifies_as_complaint_with_ground_and_reason_S2_S3(
    assessor, quality_officer
):
    signal = record(assessor)
    signal_qualify(
        signal=signal,
        by=quality_officer,
        is_complaint=True,
        ground="b",
        reason="Mondeling ongenoegen over de uitvoering.",
    )
    assert (signal.state, signal.ground) == ("complaint", "b")
    assert signal.qualified_by == quality_officer
    assert signal.qualified_at is not None
    assert signal.events.filter(action="qualify_complaint").count() == 1


def test_complaint_without_ground_is_refused_and_changes_nothing_S2(
    assessor, quality_officer
):
    signal = record(assessor)
    with pytest.raises(ValidationError, match="grond"):
        signal_qualify(signal=signal, by=quality_officer, is_complaint=True, reason="x")
    signal.refresh_from_db()
    assert (signal.state, signal.events.count()) == ("received", 1)


def test_only_the_quality_officer_qualifies_S3(assessor):
    signal = record(assessor)
    with pytest.raises(PermissionDenied):
        signal_qualify(
            signal=signal,
            by=UserFactory(roles=[CORE_GROUP]),
            is_complaint=False,
            reason="x",
        )
    signal.refresh_from_db()
    assert signal.state == "received"


def test_user_without_a_role_cannot_record():
    with pytest.raises(PermissionDenied):
        record(UserFactory())
    assert not Signal.objects.exists()


def test_future_receipt_and_empty_description_are_refused(assessor):
    with pytest.raises(ValidationError, match="toekomst"):
        record(assessor, received_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="Beschrijf"):
        record(assessor, description="  ")
    assert not Signal.objects.exists()


# -- front-end ---------------------------------------------------------------------


def test_assessor_files_a_signal_from_the_front_end(client, assessor):
    org = ClientFactory(name="Stichting Signaal")
    client.force_login(assessor)
    assert client.get(reverse("cases:signal_new")).status_code == 200
    response = client.post(
        reverse("cases:signal_new"),
        {
            "client": org.pk,
            "channel": "in_person",
            "received_at": "2026-11-02T16:00",
            "description": "Klant was ontevreden over de terugkoppeling.",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "S-2026-0001" in body
    assert "binnen 48 uur" in body
    assert Signal.objects.get().reported_by == assessor


def test_bad_signal_input_keeps_what_was_typed(client, assessor):
    client.force_login(assessor)
    response = client.post(
        reverse("cases:signal_new"),
        {"channel": "phone", "received_at": "gisteren", "description": "Mijn notitie"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vul datum en tijd in" in body
    assert "Mijn notitie" in body
    assert not Signal.objects.exists()


def test_quality_officer_sees_overdue_signal_on_the_dashboard_and_qualifies_it(
    client, demo, assessor, quality_officer
):
    old = record(
        quality_officer, received_at=timezone.now() - datetime.timedelta(hours=49)
    )
    client.force_login(quality_officer)
    body = client.get("/").content.decode()
    assert "Te kwalificeren signalen" in body
    assert old.number in body
    assert "te laat" in body
    response = client.post(
        reverse("cases:signal", args=[old.pk]),
        {"is_complaint": "1", "ground": "b", "reason": "Duidelijk ongenoegen."},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.state == "complaint"


def test_reporter_sees_own_signal_but_not_others_and_cannot_qualify(client, assessor):
    mine = record(assessor)
    other = record(UserFactory(roles=[ASSESSOR]))
    client.force_login(assessor)
    assert client.get(reverse("cases:signal", args=[mine.pk])).status_code == 200
    response = client.get(reverse("cases:signal", args=[other.pk]))
    assert response.status_code == 404
    assert other.description not in response.content.decode()
    refused = client.post(
        reverse("cases:signal", args=[mine.pk]),
        {"is_complaint": "0", "reason": "zelf beslist"},
    )
    assert refused.status_code == 403
    mine.refresh_from_db()
    assert mine.state == "received"


def test_assessor_attaches_files_to_a_signal_kept_in_the_dossier_S1(client, assessor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import EvidenceFile

    klant = ClientFactory()
    client.force_login(assessor)
    response = client.post(
        reverse("cases:signal_new"),
        {
            "client": klant.pk,
            "channel": "email",
            "received_at": "2026-11-02T16:00",
            "description": "Klant mailde over de planning.",
            "attachments": [SimpleUploadedFile("mail.txt", b"Van: klant")],
        },
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    evidence = EvidenceFile.objects.get()
    assert evidence.signal == signal
    assert evidence.client == klant
    body = client.get(reverse("cases:signal", args=[signal.pk])).content.decode()
    assert "mail.txt" in body
    assert (
        client.get(reverse("cases:evidence_download", args=[evidence.uuid])).status_code
        == 200
    )


def test_attachments_without_a_client_are_refused_and_nothing_is_lost(client, assessor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(assessor)
    response = client.post(
        reverse("cases:signal_new"),
        {
            "channel": "phone",
            "received_at": "2026-11-02T16:00",
            "description": "Mijn uitgebreide beschrijving",
            "attachments": [SimpleUploadedFile("mail.txt", b"x")],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kies de klant" in body
    assert "Mijn uitgebreide beschrijving" in body
    assert not Signal.objects.exists()
