"""Issue 17, item 1: the procedure's readers never see rule ids ("(C2)", "A7").
Every demo role's start page and admin dashboard, and the case pages of each
kind (a signal, a complaint, an appeal found inadmissible, a mediation) and the
register are rendered and their visible text searched for a rule id. Rule ids
stay in code, tests, commit messages and log data."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from portal.demo import DEMO_USERS

from .screen_text import bad_dates, rule_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(demo):
    from cases.models import Audit, Complaint, Signal
    from cases.services import appeal_lodge, complaint_escalate

    User = get_user_model()
    office = User.objects.get(username="office")
    audit = Audit.objects.get(client__name="Zorggroep De Linde")
    decision = audit.decisions.get()
    # Long after the term: found inadmissible as late at registration.
    late = appeal_lodge(
        decision=decision,
        appellant=audit.client,
        channel="email",
        received_at=timezone.now() - datetime.timedelta(hours=1),
        motivation="De bevinding is onjuist.",
        by=office,
    )
    complaint = Complaint.objects.get()
    mediation = complaint_escalate(
        complaint=complaint,
        by=User.objects.get(username="kwaliteit"),
        reason="Geen oplossing die voor beide partijen aanvaardbaar is.",
    )
    return {
        "appeal": late,
        "complaint": Complaint.objects.get(),
        "mediation": mediation,
        "signals": list(Signal.objects.all()),
    }


@pytest.mark.parametrize("username", [u.username for u in DEMO_USERS])
def test_no_rule_ids_on_the_start_page_and_admin_dashboard(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    for url in ("/", "/admin/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert rule_ids(response) == [], url


def test_no_rule_ids_on_the_case_pages_and_the_register(client, cases):
    client.force_login(get_user_model().objects.get(username="kwaliteit"))
    assert cases["appeal"].inadmissible_reason == "late"
    urls = [
        reverse("cases_admin:appeal", args=[cases["appeal"].pk]),
        reverse("cases_admin:complaint", args=[cases["complaint"].pk]),
        reverse("cases_admin:mediation", args=[cases["mediation"].pk]),
        reverse("cases_admin:register"),
        reverse("cases_admin:appeal_lodge"),
        reverse("cases:signal_new"),
        *(reverse("cases:signal", args=[s.pk]) for s in cases["signals"]),
    ]
    found, dates = {}, {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if rule_ids(response):
            found[url] = rule_ids(response)
        if bad_dates(response):
            dates[url] = bad_dates(response)
    assert found == {}
    # One date style (issue 17, item 2): "5 oktober", never "5 Okt" or 05-10-2026.
    assert dates == {}
