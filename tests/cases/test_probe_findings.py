"""One small test per finding of the outside probe (issue 11), beside the
enumeration in test_url_enumeration.py that finds their kind.

Each names the finding it guards; each failed on the code the probe ran against
(the bulk views listed names, the decider recorded a decision on a strange audit,
the copy view redirected, the listing search with ``ordering`` raised...).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import override_settings

from cases.models import Audit, CertificationDecision, EvidenceFile
from cases.services import decision_record, evidence_upload
from documents.models import HandbookPage, ProcedurePage
from portal.formatting import format_size
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

SECRET_CLIENT = "Geheimzorg Omega BV"
SECRET_FILE = "Vertrouwelijk_auditverslag_XQ7.pdf"
DRAFT_TITLE = "Conceptprocedure ZQ-onzichtbaar"


@pytest.fixture
def office():
    return UserFactory(roles=[OFFICE_MANAGER])


@pytest.fixture
def dossier(office):
    """A client with an audit (its own team), a decision and one evidence file."""
    client = ClientFactory(name=SECRET_CLIENT)
    audit = Audit.objects.create(
        client=client,
        kind=Audit.Kind.INTERIM,
        start_date=datetime.date(2026, 3, 2),
        team_leader=UserFactory(roles=[ASSESSOR]),
        notes="Auditnotities ZZ-geheim",
    )
    decision = decision_record(
        audit=audit,
        decider=UserFactory(roles=[CERTIFICATION_DECIDER]),
        outcome="continued",
        motivation="Voldoet.",
        by=office,
    )
    evidence = evidence_upload(
        client=client,
        audit=audit,
        uploaded_file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=SECRET_FILE),
        by=office,
    )
    return {"client": client, "audit": audit, "decision": decision, "file": evidence}


@pytest.fixture
def outsider():
    """A core-group member with no case at all: admin access, nothing in scope."""
    return UserFactory(roles=[CORE_GROUP])


# -- 1. Bulk actions listed every object's name ----------------------------------------


@pytest.mark.parametrize(
    "model", ["evidencefile", "client", "audit", "certificationdecision", "appeal"]
)
def test_bulk_delete_of_all_lists_no_names_for_someone_without_a_case_1(
    client, dossier, outsider, model
):
    client.force_login(outsider)
    response = client.get(f"/admin/bulk/cases/{model}/delete/", {"id": "all"})
    assert response.status_code == 404
    body = response.content.decode()
    assert SECRET_CLIENT not in body
    assert SECRET_FILE not in body


def test_bulk_delete_names_only_what_the_user_sees_1(client, dossier, office):
    client.force_login(office)  # the register sees everything
    response = client.get(
        "/admin/bulk/cases/evidencefile/delete/", {"id": dossier["file"].pk}
    )
    assert response.status_code == 200
    assert SECRET_FILE in response.content.decode()


# -- 2. A decider gave himself access to any audit -------------------------------------


def test_a_decider_cannot_record_a_decision_on_an_audit_he_does_not_see_2(
    client, dossier
):
    decider = UserFactory(roles=[CERTIFICATION_DECIDER])
    audit = dossier["audit"]
    before = CertificationDecision.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        decision_record(
            audit=audit,
            decider=decider,
            outcome="continued",
            motivation="Zelf toegang geven.",
            by=decider,
        )
    assert "geen toegang" in str(excinfo.value)
    assert CertificationDecision.objects.count() == before

    # And through the admin's add form: refused, nothing recorded, and the
    # audit and its evidence stay closed to him.
    client.force_login(decider)
    response = client.post(
        "/admin/dossier/beslissingen/add/",
        {
            "audit": audit.pk,
            "decider": decider.pk,
            "outcome": "continued",
            "motivation": "Zelf toegang geven.",
            "decided_at": "2026-03-20 10:00",
        },
    )
    assert response.status_code in (200, 404)
    assert CertificationDecision.objects.count() == before
    assert "Auditnotities ZZ-geheim" not in response.content.decode()
    assert client.get(f"/admin/dossier/onderzoeken/edit/{audit.pk}/").status_code == (
        404
    )
    assert client.get(f"/bewijs/{dossier['file'].uuid}/").status_code == 404


def test_a_decider_who_sees_the_audit_still_records_his_decision_2(dossier):
    """The check refuses only strangers: the audit's decider may decide again."""
    decider = dossier["decision"].decider
    decision = decision_record(
        audit=dossier["audit"],
        decider=UserFactory(roles=[CERTIFICATION_DECIDER]),
        outcome="continued",
        motivation="Nieuwe beslissing.",
        by=decider,
    )
    assert decision.pk


# -- 3. Existence was visible ----------------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    ["dossier/klanten", "dossier/onderzoeken", "dossier/beslissingen"],
)
def test_copy_of_an_out_of_scope_object_answers_like_a_missing_one_3(
    client, dossier, outsider, prefix
):
    client.force_login(outsider)
    obj = {
        "dossier/klanten": dossier["client"],
        "dossier/onderzoeken": dossier["audit"],
        "dossier/beslissingen": dossier["decision"],
    }[prefix]
    out = client.get(f"/admin/{prefix}/copy/{obj.pk}/")
    missing = client.get(f"/admin/{prefix}/copy/987654321/")
    assert out.status_code == missing.status_code == 404
    assert out.get("Location") == missing.get("Location")


def test_bulk_of_an_out_of_scope_id_answers_like_a_missing_one_3(
    client, dossier, outsider
):
    client.force_login(outsider)
    out = client.get("/admin/bulk/cases/client/delete/", {"id": dossier["client"].pk})
    missing = client.get("/admin/bulk/cases/client/delete/", {"id": 987654321})
    assert out.status_code == missing.status_code == 404


# -- 4. Server errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["99999999999999999999", "2147483648", "-1", "0", "1e9", "abc"]
)
def test_search_client_facet_out_of_range_is_ignored_not_a_500_4(client, office, value):
    client.force_login(office)
    response = client.get("/zoeken/", {"q": "klacht", "klant": value})
    assert response.status_code == 200


@pytest.mark.parametrize("ordering", ["name", "-name", "city", "-city"])
@pytest.mark.parametrize("view", ["", "results/"])
def test_client_listing_search_with_ordering_answers_sorted_4(
    client, office, ordering, view
):
    ClientFactory(name="Zorggroep Bravo", city="Zwolle")
    ClientFactory(name="Zorggroep Alfa", city="Amersfoort")
    ClientFactory(name="Bouwbedrijf Delta")
    client.force_login(office)
    response = client.get(
        f"/admin/dossier/klanten/{view}", {"q": "Zorggroep", "ordering": ordering}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bouwbedrijf Delta" not in body
    first, second = (
        ("Zorggroep Alfa", "Zorggroep Bravo")
        if not ordering.startswith("-")
        else ("Zorggroep Bravo", "Zorggroep Alfa")
    )
    assert body.index(first) < body.index(second)


@pytest.mark.parametrize(
    "model",
    ["client", "audit", "certificationdecision", "certificate", "evidencefile"],
)
def test_chooser_create_views_answer_404_not_500_4(client, office, model):
    client.force_login(office)
    url = f"/admin/snippets/choose/cases/{model}/create/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Probe"}).status_code == 404


def test_the_switched_off_evidence_add_view_is_not_reachable_4(client, office):
    client.force_login(office)
    before = EvidenceFile.objects.count()
    assert client.get("/admin/dossier/bewijsstukken/add/").status_code == 404
    response = client.post("/admin/dossier/bewijsstukken/add/", {"description": "x"})
    assert response.status_code == 404
    assert EvidenceFile.objects.count() == before


# -- 5. Drafts shown to people without page rights -------------------------------------


@pytest.fixture
def draft():
    handbook = HandbookPage.objects.order_by("path").first()
    page = ProcedurePage(
        code="P-ZQ-1",
        title=DRAFT_TITLE,
        version_label="2612",
        effective_date=datetime.date(2026, 12, 1),
        change_summary="Concept.",
        live=False,
    )
    handbook.add_child(instance=page)
    page.save_revision()
    return page


@pytest.mark.parametrize("role", [CORE_GROUP, CERTIFICATION_DECIDER])
def test_page_chooser_search_hides_never_published_drafts_from_readers_5(
    client, draft, role
):
    client.force_login(UserFactory(roles=[role]))
    response = client.get("/admin/choose-page/search/", {"q": "Conceptprocedure"})
    assert response.status_code in (200, 404)
    assert DRAFT_TITLE not in response.content.decode()
    move = client.get(f"/admin/pages/{draft.pk}/move/{draft.get_parent().pk}/confirm/")
    assert move.status_code == 404
    assert DRAFT_TITLE not in move.content.decode()


def test_page_chooser_search_shows_the_draft_to_its_editor_5(client, draft):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    response = client.get("/admin/choose-page/search/", {"q": "Conceptprocedure"})
    assert response.status_code == 200
    assert DRAFT_TITLE in response.content.decode()


# -- 6. Every client's name to every logged-in user ------------------------------------


def test_the_external_notary_gets_no_signal_form_and_no_client_list_6(client, dossier):
    client.force_login(UserFactory(roles=[EXTERNAL_MEDIATOR]))
    response = client.get("/signalen/nieuw/")
    assert response.status_code == 404
    assert SECRET_CLIENT not in response.content.decode()
    home = client.get("/")
    assert "/signalen/nieuw/" not in home.content.decode()


def test_staff_still_name_the_client_a_signal_came_from_6(client, dossier):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.get("/signalen/nieuw/")
    assert response.status_code == 200
    assert SECRET_CLIENT in response.content.decode()


# -- 8. Sizes under 1 MB read as 0.0 MB ------------------------------------------------


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (512, "512 bytes"),
        (500 * 1024, "500 kB"),
        (1_500, "2 kB"),  # rounded up: a limit never reads smaller than it is
        (int(57.2 * 1024 * 1024), "57,2 MB"),
        (3 * 1024 * 1024, "3 MB"),
    ],
)
def test_sizes_are_written_in_the_unit_that_makes_them_readable_8(size, text):
    assert format_size(size) == text


@override_settings(PORTAL_EVIDENCE_MAX_BYTES=500 * 1024)
def test_the_size_refusal_names_kilobytes_below_a_megabyte_8(dossier, office):
    with pytest.raises(ValidationError) as excinfo:
        evidence_upload(
            client=dossier["client"],
            uploaded_file=ContentFile(b"a" * 600_000, name="groot.txt"),
            by=office,
        )
    message = " ".join(excinfo.value.messages)
    assert "500 kB" in message
    assert "0 MB" not in message
    assert "0.0" not in message
