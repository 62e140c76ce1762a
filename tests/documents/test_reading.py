"""Reading procedures in the front-end (issue 5, item 3): the procedure page with
its current version, what changed, earlier versions, attachments and related
procedures; the handbook's filter."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import pdf
from documents.models import (
    ChangeRequest,
    HandbookPage,
    PortalDocument,
    ProcedureAttachment,
    ProcedurePage,
)
from portal.formatting import format_date
from portal.roles import ASSESSOR, QUALITY_OFFICER
from portal.services import site_structure_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_pdf(monkeypatch):
    # Publishing renders the controlled PDF; what it looks like is test_pdf's job.
    monkeypatch.setattr(pdf, "_render", lambda page, sheet: b"%PDF-1.7 test")


def _body(text="Elke klacht wordt geregistreerd."):
    return [
        (
            "section",
            {"heading": "Klachten", "content": [("paragraph", f"<p>{text}</p>")]},
        )
    ]


def add_procedure(code, title, **fields):
    site_structure_ensure()
    page = ProcedurePage(
        code=code,
        title=title,
        version_label=fields.pop("version_label", "2305"),
        effective_date=fields.pop("effective_date", datetime.date(2023, 5, 1)),
        body=fields.pop("body", _body()),
        change_summary=fields.pop("change_summary", "Eerste versie."),
        **fields,
    )
    HandbookPage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return ProcedurePage.objects.get(pk=page.pk)


LATER_EFFECTIVE = timezone.localdate() + datetime.timedelta(days=20)


def revise(page, *, summary, change_request=None, effective_date=None):
    draft = page.get_latest_revision_as_object()
    draft.change_summary = summary
    draft.change_request = change_request
    draft.body = _body(f"Elke klacht wordt geregistreerd ({summary}).")
    if effective_date:
        draft.effective_date = effective_date
    draft.save_revision().publish()
    return page.versions.order_by("-published_at", "-pk").first()


@pytest.fixture
def complaint(db):
    from tests.cases.test_complaints import in_progress
    from tests.factories import ClientFactory

    people = {
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "office": UserFactory(roles=["office_manager"]),
        "handler": UserFactory(roles=["core_group"]),
        "involved": UserFactory(roles=["core_group"]),
        "assessor": UserFactory(roles=[ASSESSOR]),
    }
    return in_progress(people, ClientFactory(contact_email="k@x.invalid"))


def change_request(complaint, page):
    request = ChangeRequest.objects.create(
        complaint=complaint, reason="Termijnen", opened_by=UserFactory()
    )
    request.procedures.add(page)
    return request


@pytest.fixture
def procedure(db, complaint):
    related = add_procedure("P-03", "Uitvoering van onderzoeken")
    hidden = add_procedure("P-04", "Ingetrokken procedure")
    hidden.unpublish()
    document = PortalDocument.objects.create(
        title="Klachtformulier",
        file=ContentFile(b"%PDF-1.4 formulier", name="klachtformulier.pdf"),
    )
    page = add_procedure("P-07", "Klachten en beroep", is_public=True)
    draft = page.get_latest_revision_as_object()
    draft.attachments = [ProcedureAttachment(document=document, label="Formulier")]
    draft.related_procedures = [related, hidden]
    draft.save_revision().publish()
    revise(
        page,
        summary="Registratietermijn vastgelegd.",
        change_request=change_request(complaint, page),
        # Later than the version before it: the editor's date is kept.
        effective_date=LATER_EFFECTIVE,
    )
    return ProcedurePage.objects.get(pk=page.pk)


def test_procedure_page_shows_current_version_what_changed_and_earlier_versions(
    client, procedure, complaint
):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    versions = list(procedure.versions.order_by("-published_at", "-pk"))
    current, earlier = versions[0], versions[1:]

    response = client.get(procedure.url)

    assert response.status_code == 200
    body = response.content.decode()
    assert f"<dd>{current.version_label}</dd>" in body
    # The portal's date style: the year only when it is not this year.
    assert format_date(LATER_EFFECTIVE) in body
    assert f"Wat is er gewijzigd in versie {current.version_label}" in body
    assert "Registratietermijn vastgelegd." in body
    assert f"naar aanleiding van {complaint.number}" in body
    current_pdf = reverse("documents:version_pdf", args=["P-07", current.version_label])
    assert f'href="{current_pdf}"' in body
    assert "Eerdere versies" in body
    for version in earlier:
        assert (
            reverse("documents:version_pdf", args=["P-07", version.version_label])
            in body
        )
        assert (
            f"{reverse('documents:compare', args=['P-07'])}"
            f"?van={version.version_label}&amp;naar={current.version_label}"
        ) in body
    assert response.context["earlier_versions"] == earlier


def test_procedure_page_lists_attachments_and_live_related_procedures(
    client, procedure
):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    body = client.get(procedure.url).content.decode()

    attachment = procedure.attachments.get()
    assert f'href="{attachment.document.url}">Formulier</a>' in body
    assert ">Uitvoering van onderzoeken</a>" in body
    assert "Ingetrokken procedure" not in body  # not live


def test_anonymous_reader_of_a_public_procedure_sees_no_internal_details(
    client, procedure, complaint
):
    body = client.get(procedure.url).content.decode()

    assert "Klachten en beroep" in body
    assert "Wat is er gewijzigd" not in body
    assert complaint.number not in body
    assert "Formulier" not in body
    # Related procedures that are not public stay out of sight.
    assert "Uitvoering van onderzoeken" not in body
    # The versions themselves are public, like the procedure.
    assert "Eerdere versies" in body


def test_concept_pdf_button_for_editors_when_there_is_a_draft(client, procedure):
    procedure.get_latest_revision_as_object().save_revision()
    draft_url = reverse("documents:draft_pdf", args=["P-07"])

    client.force_login(UserFactory(roles=[ASSESSOR]))
    assert draft_url not in client.get(procedure.url).content.decode()
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    assert draft_url in client.get(procedure.url).content.decode()


def test_procedure_page_queries_do_not_grow_with_the_number_of_versions(
    client, complaint
):
    few = add_procedure("P-01", "Weinig versies")
    many = add_procedure("P-02", "Veel versies")
    revise(few, summary="Herzien 1", change_request=change_request(complaint, few))
    for n in range(1, 8):
        revise(
            many, summary=f"Herzien {n}", change_request=change_request(complaint, many)
        )
    assert few.versions.count() == 2
    assert many.versions.count() == 8
    client.force_login(UserFactory(roles=[ASSESSOR]))
    client.get(few.url)  # warm up per-process caches (site root paths, settings)

    with CaptureQueriesContext(connection) as with_two:
        response_few = client.get(few.url)
    with CaptureQueriesContext(connection) as with_eight:
        response_many = client.get(many.url)

    assert response_few.status_code == response_many.status_code == 200
    assert len(response_many.context["earlier_versions"]) == 7
    assert len(with_eight.captured_queries) == len(with_two.captured_queries)


def test_new_page_preview_without_versions_renders(client, db):
    site_structure_ensure()
    page = ProcedurePage(code="P-09", title="Nieuw", body=_body())
    request = client.get("/").wsgi_request  # any request with a user
    request.user = UserFactory(roles=[QUALITY_OFFICER])
    context = page.reading_context(request)
    assert context["current_version"] is None
    assert context["earlier_versions"] == []


def test_procedure_code_url_redirects_to_the_page(client, procedure):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.get(reverse("documents:procedure", args=["P-07"]))
    assert response.status_code == 302
    assert response["Location"] == procedure.url
    assert client.get(reverse("documents:procedure", args=["P-04"])).status_code == 404


# -- the handbook ----------------------------------------------------------------


def test_handbook_lists_procedures_with_a_filter_that_needs_javascript(
    client, procedure
):
    client.force_login(UserFactory(roles=[ASSESSOR]))
    body = client.get(HandbookPage.objects.get().url).content.decode()

    # Without JavaScript the filter stays hidden and every procedure shows.
    assert "data-procedure-filter hidden" in body
    assert 'data-filter-text="P-07 Klachten en beroep"' in body
    assert 'data-filter-text="P-03 Uitvoering van onderzoeken"' in body
    assert "documents/handbook-filter.js" in body
