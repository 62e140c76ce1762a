"""A new kind of case is one model, one life cycle and one registry entry
(issue 12, item 2).

A throwaway kind ("vraag", an inquiry) is made here, in the test alone: a model on
the abstract case, a two-row transition table, an opening and a `CaseKind`. No
module of the portal is touched, yet it opens with its first logbook event,
moves through transition_apply, shows in the register listing and its logbook
export, is scoped by its selector, takes part in the search page's kinds and is
reminded of. Its table is created for this module and dropped after it.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from wagtail.search import index

from cases import kinds
from cases.models import Case, CaseEvent
from cases.models.base import case_search_fields
from cases.permissions import can_keep_register, has_register_access
from cases.selectors import due_items, visible_to
from cases.transitions import Opening, Transition, case_open, transition_apply
from portal.roles import ASSESSOR, OFFICE_MANAGER
from search.scoping import kinds_by_key, scoped_queryset
from tests.factories import ClientFactory, UserFactory

# In the register's app, as a real kind would be (content types find it there).
APP_LABEL = "cases"


def _make_model():
    class Inquiry(Case):
        PREFIX = "V"
        search_auto_update = False  # no index of its own in this test

        class State(models.TextChoices):
            OPEN = "open", "open"
            ANSWERED = "answered", "beantwoord"

        client = models.ForeignKey(
            "cases.Client", on_delete=models.PROTECT, related_name="+"
        )
        state = models.CharField(max_length=20, default=State.OPEN)
        received_at = models.DateTimeField()
        answer_by = models.DateTimeField()
        question = models.TextField()
        handled_by = models.ForeignKey(
            "portal.User", on_delete=models.PROTECT, related_name="+"
        )

        search_fields = case_search_fields(
            index.SearchField("question"), filters=("client", "received_at")
        )

        class Meta:
            app_label = APP_LABEL

        def __str__(self):
            return self.number

    return Inquiry


@pytest.fixture(scope="module")
def inquiry_kind(django_db_setup, django_db_blocker):
    model = _make_model()
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(model)
    kind = kinds.register(
        kinds.CaseKind(
            key="inquiry",
            model=model,
            transitions=(
                Transition(
                    "open",
                    "answer",
                    "answered",
                    "Beantwoorden",
                    lambda user, case: case.handled_by_id == user.pk,
                    "X2",
                ),
            ),
            opening=Opening(
                "ask", ("open",), "Vraag registreren", can_keep_register, "X1"
            ),
            selector=lambda user: (
                model.objects.all()
                if has_register_access(user)
                else model.objects.none()
            ),
            route="cases:signal",
            client_field="client",
            date_field="received_at",
            deadline_field="answer_by",
            deadline_states=("open",),
            responsible=lambda case: [case.handled_by],
            responsible_field="handled_by",
            label="vraag",
            plural="vragen",
            title="Vraag",
            search_key="vraag",
        )
    )
    yield kind
    kinds.unregister("inquiry")
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.delete_model(model)
    del apps.all_models[APP_LABEL]["inquiry"]
    apps.clear_cache()
    ContentType.objects.clear_cache()


@pytest.fixture
def opened(inquiry_kind, db):
    # Its content type is made in each test's transaction and rolled back with
    # it: the cache must not remember the row.
    ContentType.objects.clear_cache()
    office = UserFactory(roles=[OFFICE_MANAGER])
    client = ClientFactory(name="Vragensteller BV")
    now = timezone.now()
    case = case_open(
        case=inquiry_kind.model(
            client=client,
            received_at=now - datetime.timedelta(days=1),
            answer_by=now + datetime.timedelta(hours=5),
            question="Hoe lang duurt een vervolgonderzoek?",
            handled_by=office,
        ),
        by=office,
        year=now.year,
        note="Vraag binnengekomen.",
    )
    return {"case": case, "office": office, "kind": inquiry_kind}


def test_a_new_kind_opens_and_moves_with_its_logbook(opened):
    case, office = opened["case"], opened["office"]
    assert case.number == f"V-{timezone.localdate().year}-0001"
    transition_apply(case=case, action="answer", by=office, note="Beantwoord.")
    events = list(case.events.order_by("at", "pk"))
    assert [e.action for e in events] == ["ask", "answer"]
    assert events[1].case == case
    assert events[1].to_state_label == "beantwoord"
    assert CaseEvent.objects.filter(inquiry=case).count() == 2


def test_a_new_kind_is_scoped_by_its_selector(opened):
    case = opened["case"]
    assert list(visible_to(opened["office"], type(case))) == [case]
    assert not visible_to(UserFactory(roles=[ASSESSOR]), type(case)).exists()


def test_a_new_kind_shows_in_the_register_listing_and_its_logbook_export(
    opened, client
):
    case = opened["case"]
    client.force_login(opened["office"])
    listing = client.get(reverse("cases_admin:register"))
    assert listing.status_code == 200
    assert case.number in listing.content.decode()
    only_this_kind = client.get(reverse("cases_admin:register"), {"kind": "inquiry"})
    assert case.number in only_this_kind.content.decode()
    export = client.get(
        reverse("cases_admin:logbook_export", args=["inquiry", case.pk])
    )
    assert export.status_code == 200
    assert "Vraag binnengekomen." in export.content.decode("utf-8-sig")


def test_a_new_kind_takes_part_in_the_search_scoping(opened):
    search_kind = kinds_by_key()["vraag"]
    assert search_kind.model is type(opened["case"])
    assert "question" in search_kind.text_fields
    office, assessor = opened["office"], UserFactory(roles=[ASSESSOR])
    assert list(scoped_queryset(search_kind, office)) == [opened["case"]]
    assert not scoped_queryset(search_kind, assessor).exists()


def test_a_new_kind_is_reminded_of(opened):
    items = due_items(now=timezone.now(), within=datetime.timedelta(days=1))
    assert (opened["office"], opened["case"], opened["case"].answer_by) in items
