"""The case page's steps (issue 16, item 6): only steps that can succeed now are
offered, the others are listed as "nog niet" with the reason; a refused step
returns to its form with a banner at the top; success says what happened; a
step lost to a concurrent change is named by its Dutch label."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import CaseEvent, Complaint
from cases.services import (
    complaint_close,
    complaint_record_satisfaction,
    complaint_update_handling,
)
from cases.transitions import COMPLAINT_TRANSITIONS, steps_not_yet, transition_apply
from tests.cases.test_complaints import in_progress, register
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def klant(db):
    return ClientFactory(name="Zorggroep Stap", contact_email="k@example.invalid")


def url(complaint):
    return reverse("cases_admin:complaint", args=[complaint.pk])


def messages_of(response):
    return [str(m.message) for m in response.context["messages"]]


def test_formal_outcome_letter_waits_for_the_solution_C7(client, people, klant):
    complaint = in_progress(people, klant, formal=True)
    client.force_login(people["handler"])
    body = client.get(url(complaint)).content.decode()
    assert 'value="send_outcome_letter"' not in body
    assert 'id="nog-niet-send_outcome_letter"' in body
    complaint_update_handling(
        complaint=complaint, by=people["handler"], solution="Nieuw rapport."
    )
    not_yet = {
        t.action
        for t, _reason in steps_not_yet(
            COMPLAINT_TRANSITIONS, Complaint.objects.get(), people["handler"]
        )
    }
    assert "send_outcome_letter" not in not_yet
    assert "close" in not_yet  # C8: the satisfaction is still missing
    # Offered now, as the way to the letter's preview (nothing is sent yet).
    body = client.get(url(complaint)).content.decode()
    preview = reverse(
        "cases_admin:complaint_letter", args=[complaint.pk, "send_outcome_letter"]
    )
    assert f'href="{preview}"' in body


def test_close_is_offered_once_it_can_succeed_C8(client, people, klant):
    complaint = in_progress(people, klant, formal=False)
    complaint_update_handling(complaint=complaint, by=people["handler"], solution="x")
    complaint_record_satisfaction(
        complaint=complaint, by=people["handler"], note="Tevreden."
    )
    client.force_login(people["handler"])
    body = client.get(url(complaint)).content.decode()
    assert 'value="close"' in body
    assert 'id="nog-niet-close"' not in body


def test_not_yet_lists_only_steps_this_user_may_take(client, people, klant):
    complaint = in_progress(people, klant, formal=False)
    # An assessor without a role in the case is not told what others may do.
    not_yet = steps_not_yet(COMPLAINT_TRANSITIONS, complaint, people["assessor"])
    assert not_yet == []


def test_success_names_what_happened(client, people, klant):
    complaint = register(people, klant)
    client.force_login(people["office"])
    response = client.post(
        url(complaint),
        {"action": "assign_handler", "handler": people["handler"].pk},
        follow=True,
    )
    (message,) = messages_of(response)
    assert "Behandelaar aangewezen" in message
    assert complaint.number in message
    assert "Stap vastgelegd" not in message


def test_a_refused_form_returns_to_its_step_with_a_banner_and_the_input(
    client, people, klant
):
    complaint = in_progress(people, klant, formal=False)
    client.force_login(people["handler"])
    response = client.post(
        url(complaint),
        {"action": "escalate", "reason": ""},
    )
    # The office manager escalates; the handler may not: not offered, refused.
    assert response.status_code == 302
    client.force_login(people["office"])
    response = client.post(url(complaint), {"action": "escalate", "reason": ""})
    assert response.status_code == 400
    body = response.content.decode()
    banner = messages_of(response)[-1]
    assert "Voorleggen aan mediation" in banner
    assert 'href="#stap-escalate"' in body
    assert 'id="stap-escalate" open' in body
    assert Complaint.objects.get().state == Complaint.State.IN_PROGRESS


def test_a_step_lost_to_a_concurrent_change_is_named_in_dutch(client, people, klant):
    complaint = in_progress(people, klant, formal=False)
    complaint_update_handling(complaint=complaint, by=people["handler"], solution="x")
    complaint_record_satisfaction(complaint=complaint, by=people["handler"], note="Ja")
    complaint_close(complaint=complaint, by=people["qo"])
    events = CaseEvent.objects.count()
    # The handler's page still showed "Klacht afsluiten".
    client.force_login(people["handler"])
    response = client.post(
        url(complaint),
        {"action": "close", "note": "Afgerond met de klant."},
        follow=True,
    )
    (message,) = messages_of(response)
    assert "Klacht afsluiten" in message
    assert "'close'" not in message
    assert "Afgerond met de klant." in message
    assert CaseEvent.objects.count() == events


def test_the_engine_names_a_stale_step_by_its_label(people, klant):
    complaint = in_progress(people, klant, formal=False)
    Complaint.objects.filter(pk=complaint.pk).update(state=Complaint.State.CLOSED)
    complaint.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        transition_apply(case=complaint, action="escalate", by=people["office"])
    text = " ".join(refused.value.messages)
    assert "Voorleggen aan mediation" in text
    assert "escalate" not in text
