"""Every admin create and edit form of the cases app, walked with every invalid
choice: a key that does not exist, a key that is no number, a related object the
form does not offer, a person the rule does not allow, a bogus choice. Each must
come back as the form with an error on that field (200/400), never a server
error, and nothing may be created or changed.

The views are found from Wagtail's snippet registry, not listed by hand: a new
viewset of the cases app is walked as soon as it is registered. A person field
(a key to a user) must have its rule below, so a new one cannot slip through.
"""

import contextlib
import datetime

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, reverse
from wagtail.snippets.models import get_snippet_models

from cases.models import (
    Audit,
    Certificate,
    CertificationDecision,
    Client,
    Notary,
)
from cases.services import certificate_issue, decision_record
from portal.roles import (
    ASSESSOR,
    CERTIFICATION_DECIDER,
    CORE_GROUP,
    EXTERNAL_MEDIATOR,
    OFFICE_MANAGER,
    QUALITY_OFFICER,
)
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def _roles(user) -> set[str]:
    return set(user.role_codes)


# Who the rule allows in each person field of the admin (DOMAIN.md): a certification
# decider who did not evaluate the audit; an assessor or core-group member who did
# not decide on the audit; an external notary's own account.
PERSON_RULES = {
    (CertificationDecision, "decider"): lambda user, world: (
        CERTIFICATION_DECIDER in _roles(user)
        and user not in (world["audit"].team_leader, world["assessor"])
    ),
    (Audit, "team_leader"): lambda user, world: (
        bool(_roles(user) & {ASSESSOR, CORE_GROUP}) and user != world["decider"]
    ),
    (Audit, "assessors"): lambda user, world: (
        bool(_roles(user) & {ASSESSOR, CORE_GROUP}) and user != world["decider"]
    ),
    (Notary, "user"): lambda user, world: _roles(user) == {EXTERNAL_MEDIATOR},
}


@pytest.fixture
def world(db):
    office = UserFactory(roles=[OFFICE_MANAGER])
    boss = UserFactory(roles=[])
    boss.is_superuser = True
    boss.save()
    leader = UserFactory(roles=[ASSESSOR, CERTIFICATION_DECIDER])
    assessor = UserFactory(roles=[ASSESSOR])
    decider = UserFactory(roles=[CERTIFICATION_DECIDER])
    client = ClientFactory()
    audit = Audit.objects.create(
        client=client,
        kind=Audit.Kind.INTERIM,
        start_date=datetime.date(2026, 1, 5),
        team_leader=leader,
    )
    audit.assessors.add(assessor)
    decision = decision_record(
        audit=audit,
        decider=decider,
        outcome="continued",
        motivation="Voldoet.",
        by=office,
    )
    certificate_issue(
        client=client,
        number="C-1",
        scope="Zorg",
        valid_from=datetime.date(2026, 2, 1),
        valid_until=datetime.date(2029, 2, 1),
        decision=decision,
        by=office,
    )
    Notary.objects.create(
        name="mr. N. Notaris", firm="Notariaat", region="UT", city="Utrecht"
    )
    return {
        "office": office,
        "superuser": boss,
        "audit": audit,
        "assessor": assessor,
        "decider": decider,
        "decision": decision,
        "people": [
            office,
            boss,
            leader,
            assessor,
            decider,
            UserFactory(roles=[QUALITY_OFFICER]),
            UserFactory(roles=[CORE_GROUP]),
            UserFactory(roles=[EXTERNAL_MEDIATOR]),
        ],
        # Out of the office manager's sight, no: she sees the whole register. A
        # second client gives the "not offered" values of scoped fields.
        "other_client": ClientFactory(),
    }


def _viewsets():
    seen = []
    for model in get_snippet_models():
        if model._meta.app_label == "cases":
            seen.append(model.snippet_viewset)
    return seen


def _wire(value, widget):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_wire(v, widget) for v in value]
    if isinstance(value, datetime.date):
        return widget.format_value(value)
    return value


def _baseline(form) -> dict:
    """What the browser would post for this form as it stands: the starting point
    that each invalid choice changes in one field only."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value in (None, "", []):
            continue
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        data[name] = _wire(value, field.widget)
    return data


def _invalid_values(model, name, field, world):
    """(what, value) pairs that the field must refuse."""
    values = [("bestaat niet", "999999"), ("geen getal", "x1")]
    if isinstance(field, forms.ModelChoiceField):
        related = field.queryset.model
        if related is User:
            rule = PERSON_RULES[(model, name)]
            for person in world["people"]:
                if not rule(person, world):
                    values.append((f"niet toegestaan: {person}", str(person.pk)))
        else:
            offered = field.queryset.values("pk")
            for obj in related._default_manager.exclude(pk__in=offered)[:3]:
                values.append((f"niet aangeboden: {obj}", str(obj.pk)))
    elif isinstance(field, forms.ChoiceField):
        values = [("onzin", "onzin-keuze")]
    return values


def _walked_fields(form):
    for name, field in form.fields.items():
        if field.disabled:
            continue  # ignored when posted, by design
        if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
            yield name, field


def _state(model, instance):
    if instance is None:
        return model._default_manager.count()
    instance = model._default_manager.get(pk=instance.pk)
    return model_to_dict(instance)


def _form(http, url):
    """The form of ``url``, or None when the view is switched off or refused for
    this object or user (never a server error)."""
    response = http.get(url)
    if response.status_code != 200:
        assert response.status_code in (302, 403, 404), (url, response.status_code)
        return None
    return response.context["form"]


def _walk(http, url, model, instance, world, baseline) -> int:
    form = _form(http, url)
    if form is None:
        return 0
    baseline = {**_baseline(form), **baseline}
    walked = 0
    for name, field in _walked_fields(form):
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        for what, value in _invalid_values(model, name, field, world):
            data = {**baseline, name: [value] if multiple else value}
            before = _state(model, instance)
            response = http.post(url, data)
            assert response.status_code in (200, 400), (url, name, what)
            errors = response.context["form"].errors
            assert name in errors or "__all__" in errors, (url, name, what, errors)
            assert _state(model, instance) == before, (url, name, what)
            walked += 1
    return walked


@pytest.mark.parametrize("who", ["superuser", "office"])
def test_every_admin_form_of_the_cases_app_refuses_every_invalid_choice_with_a_form_error(  # noqa: E501
    client, world, who
):
    client.force_login(world[who])
    walked = {}
    for viewset in _viewsets():
        model = viewset.model
        instance = model._default_manager.order_by("pk").first()
        urls = []
        # An existing object's values make the add form valid but for the one
        # field changed, so that a refusal by the service is reached as well.
        existing = {}
        if instance is not None:
            edit = reverse(viewset.get_url_name("edit"), args=[instance.pk])
            urls.append(("edit", edit, instance))
            form = _form(client, edit)
            existing = _baseline(form) if form is not None else {}
        with contextlib.suppress(NoReverseMatch):
            urls.append(("add", reverse(viewset.get_url_name("add")), None))
        for kind, url, obj in urls:
            walked[(model.__name__, kind)] = _walk(
                client, url, model, obj, world, existing if obj is None else {}
            )
    # The forms with choices are really walked (a broken lookup would walk none).
    for key in [
        ("CertificationDecision", "add"),
        ("CertificationDecision", "edit"),
        ("Audit", "add"),
        ("Audit", "edit"),
        ("Certificate", "add"),
        ("Client", "add"),
        ("Notary", "add"),
    ]:
        assert walked.get(key), (key, walked)


def test_the_walk_finds_every_cases_viewset_from_the_registry():
    models_walked = {vs.model for vs in _viewsets()}
    assert {Client, Audit, CertificationDecision, Certificate, Notary} <= models_walked


def test_every_person_field_of_an_admin_form_has_its_rule(client, world):
    client.force_login(world["superuser"])
    found = set()
    for viewset in _viewsets():
        try:
            url = reverse(viewset.get_url_name("add"))
        except NoReverseMatch:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        for name, field in response.context["form"].fields.items():
            if getattr(field, "queryset", None) is not None and (
                field.queryset.model is User
            ):
                found.add((viewset.model, name))
    assert found == set(PERSON_RULES)


def test_a_non_decider_posted_as_decider_is_a_form_error_not_a_server_error(
    client, world
):
    client.force_login(world["office"])
    url = reverse("wagtailsnippets_cases_certificationdecision:add")
    response = client.post(
        url,
        {
            "audit": world["audit"].pk,
            "decider": world["assessor"].pk,
            "outcome": "granted",
            "motivation": "Mijn motivering blijft staan.",
            "decided_at": "2026-02-01 10:00",
        },
    )
    assert response.status_code in (200, 400)
    assert "decider" in response.context["form"].errors
    assert "Mijn motivering blijft staan." in response.content.decode()
    assert CertificationDecision.objects.count() == 1
    assert Certificate.objects.count() == 1
