import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from cases.services import appeal_acknowledge, appeal_assign_decider, signal_record
from cases.services.reminders import reminders_send
from portal.roles import QUALITY_OFFICER
from tests.cases.conftest import local
from tests.cases.test_appeals import lodge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quality_officer():
    return UserFactory(roles=[QUALITY_OFFICER], email="q@example.invalid")


def test_overdue_signal_reminds_the_quality_officer_once_a_day_S3(quality_officer):
    signal_record(
        # The quality officer took the call herself: the 48 hours run from it.
        by=quality_officer,
        channel="phone",
        received_at=local(2026, 11, 2, 9, 0),
        description="Klacht over de planning.",
    )
    now = local(2026, 11, 5, 8, 0)  # 71 hours later: overdue
    assert reminders_send(now=now) == 1
    assert mail.outbox[0].to == ["q@example.invalid"]
    assert "TE LAAT" in mail.outbox[0].body
    assert "over de termijn" in mail.outbox[0].subject
    assert reminders_send(now=now + datetime.timedelta(hours=3)) == 0  # same day
    assert reminders_send(now=now + datetime.timedelta(days=1)) == 1  # next day


def test_signal_far_from_its_deadline_is_not_reminded(quality_officer):
    signal_record(
        # The quality officer took the call herself: the 48 hours run from it.
        by=quality_officer,
        channel="phone",
        received_at=local(2026, 11, 2, 9, 0),
        description="x",
    )
    assert reminders_send(now=local(2026, 11, 2, 10, 0), days=0) == 0
    assert reminders_send(now=local(2026, 11, 2, 10, 0), days=2) == 1


def test_appeal_near_its_target_reminds_the_assigned_decider(setup, office, settings):
    settings.PORTAL_APPEAL_DECISION_DAYS = 10
    appeal = appeal_acknowledge(appeal=lodge(setup, office), by=office)
    decider = setup["other"]
    decider.email = "beslisser@example.invalid"
    decider.save()
    appeal_assign_decider(appeal=appeal, decider=decider, by=office)
    sent = reminders_send(now=local(2026, 2, 19, 9, 0), days=2)  # target 20 Feb 12:00
    assert sent == 1
    assert mail.outbox[0].to == ["beslisser@example.invalid"]
    assert appeal.number in mail.outbox[0].body


def test_command_reports_what_it_sent(quality_officer, capsys):
    call_command("send_reminders", "--days", "1")
    assert "0 herinnering(en) verzonden." in capsys.readouterr().out


def test_complaint_past_one_month_reminds_its_handler_C6(people):
    from cases.services import complaint_assign_handler
    from tests.cases.test_complaints import register
    from tests.factories import ClientFactory

    complaint = register(people, ClientFactory(), at=local(2026, 10, 1, 9, 0))
    before_handler = reminders_send(now=local(2026, 11, 2, 9, 0))
    # No handler yet: those who keep the register are reminded to appoint one.
    assert before_handler >= 1
    assert all(people["handler"].email not in m.to for m in mail.outbox)
    mail.outbox.clear()
    complaint_assign_handler(
        complaint=complaint, handler=people["handler"], by=people["qo"]
    )
    assert reminders_send(now=local(2026, 11, 3, 9, 0)) == 1
    assert mail.outbox[0].to == [people["handler"].email]
    assert complaint.number in mail.outbox[0].body
    assert "TE LAAT" in mail.outbox[0].body


def test_complaint_with_a_month_to_go_is_not_reminded_C6(people):
    from tests.cases.test_complaints import register
    from tests.factories import ClientFactory

    register(people, ClientFactory(), at=local(2026, 11, 2, 9, 0))
    assert reminders_send(now=local(2026, 11, 3, 9, 0), days=2) == 0
