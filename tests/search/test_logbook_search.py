"""Logbook text is part of its case's search document (issue 6, item 3).

A word written only in a case's logbook (``CaseEvent.note``: the handler's note
on a step, a reason for withdrawal, a session note) finds the case, for every
kind of case, for those who may see the case and for nobody else. A note added
without the case itself being saved still reaches the index at once.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from cases.models import Appeal, CaseEvent
from cases.services import appeal_lodge, mediation_open
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
)
from tests.factories import ClientFactory, UserFactory
from tests.search.test_search_page import SEARCH, make_complaint, make_signal
from tests.search.test_search_security import _decision

pytestmark = pytest.mark.django_db

WORDS = {
    "signal": "ijsbeerwals",
    "complaint": "walrussnor",
    "appeal": "zeehondkuil",
    "mediation": "narwalhoorn",
}


@pytest.fixture
def cases():
    office = UserFactory(roles=[OFFICE_MANAGER])
    quality = UserFactory(roles=[QUALITY_OFFICER])
    handler = UserFactory(roles=[CORE_GROUP])
    client = ClientFactory()
    decision = _decision(
        client,
        leader=UserFactory(roles=[ASSESSOR]),
        decider=UserFactory(roles=[CERTIFICATION_DECIDER]),
        office=office,
    )
    found = {
        "signal": make_signal(client, "Telefonische melding.", by=office),
        "complaint": make_complaint(
            client, "Klacht over de planning.", office=office, quality=quality
        ),
        "appeal": appeal_lodge(
            decision=decision,
            appellant=client,
            channel=Appeal.Channel.EMAIL,
            received_at=timezone.now() - datetime.timedelta(days=2),
            motivation="Wij zijn het niet eens met het besluit.",
            by=office,
        ),
        "mediation": mediation_open(
            by=office, claimant=client, reason="Geschil.", decision=decision
        ),
    }
    return {
        "office": office,
        "quality": quality,
        "handler": handler,
        "assessor": UserFactory(roles=[ASSESSOR]),
        **found,
    }


def _titles(user, word) -> list[str]:
    http = HttpClient()
    http.force_login(user)
    response = http.get(SEARCH, {"q": word})
    assert response.status_code == 200
    return [hit.title for hit in response.context["result"].hits]


def _note(case, kind, text, by):
    """A logbook row only: the case itself is not saved."""
    CaseEvent.objects.create(case=case, action="note", actor=by, note=text)


@pytest.mark.parametrize("kind", list(WORDS))
def test_a_word_only_in_the_logbook_finds_the_case(cases, kind):
    case = cases[kind]
    word = WORDS[kind]
    assert _titles(cases["quality"], word) == []
    _note(case, kind, f"Gebeld met de klant over de {word}.", cases["office"])
    assert _titles(cases["quality"], word) == [str(case)]
    assert _titles(cases["office"], word) == [str(case)]


@pytest.mark.parametrize("kind", list(WORDS))
def test_the_logbook_is_as_confidential_as_its_case(cases, kind):
    _note(cases[kind], kind, f"Notitie {WORDS[kind]}.", cases["office"])
    # An assessor and a core-group member without a role in the case.
    for user in (cases["assessor"], cases["handler"]):
        assert _titles(user, WORDS[kind]) == [], (kind, user)


def test_a_complaint_handler_finds_the_logbook_of_their_complaint(cases):
    complaint = cases["complaint"]
    _note(complaint, "complaint", "Afspraak walrussnor.", cases["office"])
    assert _titles(cases["handler"], "walrussnor") == []
    from cases.services import complaint_assign_handler

    complaint_assign_handler(
        complaint=complaint, handler=cases["handler"], by=cases["quality"]
    )
    assert _titles(cases["handler"], "walrussnor") == [str(complaint)]
