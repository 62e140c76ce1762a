"""What the quality officer monitors on "Mijn werk" (C11, issue 13 item 4)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.selectors_monitor import appeals_with_letter_unsent, running_deadlines
from cases.services import (
    appeal_acknowledge,
    appeal_assign_decider,
    appeal_decide,
    appeal_lodge,
    appeal_send_outcome,
)
from tests.cases.conftest import local
from tests.insights.conftest import complaint

pytestmark = pytest.mark.django_db


def test_the_quality_officer_sees_the_running_deadlines_nearest_first_C6_C11(
    people, client
):
    late = complaint(people, "Klant Te Laat", local(2026, 6, 2, 9))
    year = timezone.localdate().year
    fresh = complaint(people, "Klant Vers", timezone.localtime().replace(year=year))
    count, rows = running_deadlines()
    numbers = [r["number"] for r in rows]
    assert numbers.index(late.number) < numbers.index(fresh.number)
    assert next(r for r in rows if r["number"] == late.number)["overdue"]
    assert count >= 2
    client.force_login(people["qo"])
    home = client.get("/").content.decode()
    assert "Wat u bewaakt" in home
    assert "Klant Te Laat" in home
    assert "te laat sinds" in home


@pytest.mark.parametrize("who", ["management", "member", "office", "assessor"])
def test_only_the_quality_officer_gets_the_watch_list_C11(people, client, who):
    complaint(people, "Klant Te Laat", local(2026, 6, 2, 9))
    client.force_login(people[who])
    home = client.get("/").content.decode()
    assert "Wat u bewaakt" not in home


def test_a_decided_appeal_is_listed_until_its_outcome_letter_is_sent_A9_C11(
    setup, office, people, client
):
    appeal = appeal_lodge(
        decision=setup["decision"],
        appellant=setup["client"],
        channel="email",
        received_at=local(2026, 2, 10, 12, 0),
        motivation="Het rapport mist de verbeterplannen die wij hebben ingeleverd.",
        by=office,
    )
    appeal = appeal_acknowledge(appeal=appeal, by=office)
    appeal = appeal_assign_decider(appeal=appeal, decider=setup["other"], by=office)
    assert appeals_with_letter_unsent() == []  # not decided yet
    appeal = appeal_decide(
        appeal=appeal,
        outcome="upheld",
        motivation="De beslissing is juist.",
        by=setup["other"],
        non_discrimination_confirmed=True,
    )
    assert [a.pk for a in appeals_with_letter_unsent()] == [appeal.pk]
    client.force_login(people["qo"])
    home = client.get("/").content.decode()
    assert "uitkomst nog niet verzonden" in home
    assert appeal.number in home
    appeal_send_outcome(appeal=appeal, by=office)
    assert appeals_with_letter_unsent() == []
