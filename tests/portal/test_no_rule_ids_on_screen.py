"""Issue 17, item 1: the procedure's readers never see rule ids ("(C2)", "A7").
Every demo role's start page and admin dashboard, and the case pages of each
kind (a signal, a complaint, an appeal found inadmissible, a mediation) and the
register are rendered and their visible text searched for a rule id. Rule ids
stay in code, tests, commit messages and log data."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from portal.demo import DEMO_USERS

pytestmark = pytest.mark.django_db

RULE_ID = re.compile(r"\b[SCEA](?:1[0-2]|[1-9])\b")
HIDDEN = re.compile(
    r"<(script|style|template)\b.*?</\1>|<!--.*?-->|<[^>]+>", re.S | re.I
)


def visible_text(response) -> str:
    return HIDDEN.sub(" ", response.content.decode())


def rule_ids(response) -> list[str]:
    text = visible_text(response)
    return [
        text[max(0, m.start() - 40) : m.end() + 10].strip()
        for m in RULE_ID.finditer(text)
    ]


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
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if rule_ids(response):
            found[url] = rule_ids(response)
    assert found == {}
