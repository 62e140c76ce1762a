"""The controlled PDF of a published procedure version and the draft preview
(issue 5, item 2): layout, footer on every page, rendered once per version."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from documents import pdf
from documents.models import ChangeRequest, HandbookPage, ProcedurePage
from portal.models import OrganisationSettings
from portal.roles import ASSESSOR, QUALITY_OFFICER
from portal.services import site_structure_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WORDS = (
    "De portefeuillehouder Q registreert elke klacht binnen twee werkdagen in het "
    "casusregister en bevestigt de ontvangst schriftelijk aan de klant. "
)


def _section(heading, paragraphs=3, bullets=()):
    content = [
        ("paragraph", f"<p>{WORDS * 6}<b>Let op:</b> {n}.</p>")
        for n in range(paragraphs)
    ]
    if bullets:
        content.append(("bullets", list(bullets)))
    content.append(("note", {"text": f"Opmerking bij {heading.lower()}."}))
    return ("section", {"heading": heading, "content": content})


LONG_BODY = [
    _section("Doel"),
    _section("Toepassingsgebied", bullets=["Klachten", "Bemiddeling", "Beroep"]),
    _section("Klachten"),
    _section("Bemiddeling"),
    _section("Beroep", bullets=["Schriftelijk", "Binnen een maand", "Gemotiveerd"]),
    _section("Registratie en archivering"),
]


@pytest.fixture
def organisation(db):
    site_structure_ensure()
    org = OrganisationSettings.load()
    org.name = "CIIO"
    org.full_name = "CIIO, certificatie-instelling"
    org.save()
    return org


def publish_procedure(**fields):
    handbook = HandbookPage.objects.get()
    page = ProcedurePage(
        title=fields.pop("title", "Klachten en beroep"),
        code=fields.pop("code", "P-07"),
        version_label=fields.pop("version_label", "2611"),
        effective_date=fields.pop("effective_date", datetime.date(2026, 11, 1)),
        owner_role=QUALITY_OFFICER,
        summary="Hoe wij omgaan met klachten en beroep.",
        body=fields.pop("body", LONG_BODY),
        change_summary="Termijnen verduidelijkt.",
        **fields,
    )
    handbook.add_child(instance=page)
    page.save_revision().publish()
    return ProcedurePage.objects.get(pk=page.pk)


def page_texts(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _complaint():
    from tests.cases.test_complaints import in_progress
    from tests.factories import ClientFactory

    people = {
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "office": UserFactory(roles=["office_manager"]),
        "handler": UserFactory(roles=["core_group"]),
        "involved": UserFactory(roles=["core_group"]),
        "assessor": UserFactory(roles=[ASSESSOR]),
    }
    return in_progress(people, ClientFactory(contact_email="k@x.invalid")), people


def test_published_version_gets_a_controlled_pdf_with_the_footer_on_every_page(
    organisation,
):
    page = publish_procedure()
    version = page.versions.get()
    assert version.pdf_rendered_at is not None  # rendered when it was published

    texts = page_texts(pdf.procedure_pdf(version))

    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert (
            f"CIIO | Klachten en beroep | versie 2611 | blz. {number} van {len(texts)}"
            in text
        )
    first = texts[0]
    for expected in (
        "P-07",
        "Klachten en beroep",
        "2611",
        "1 november 2026",
        "Portefeuillehouder Q",
        "Ongecontroleerde kopie indien afgedrukt",
        "CIIO, certificatie-instelling",
        "Termijnen verduidelijkt.",
    ):
        assert expected in first
    assert "naar aanleiding van" not in first
    # The marking goes on the following pages too, in the running header.
    assert all("Ongecontroleerde kopie indien afgedrukt" in t for t in texts[1:])


def test_table_of_contents_gives_the_page_each_section_starts_on(organisation):
    page = publish_procedure()
    texts = page_texts(pdf.procedure_pdf(page.versions.get()))

    toc = dict(re.findall(r"\d\.\s*([A-Z][a-z ]+?)\s*\.{3,}\s*(\d+)", texts[0]))
    assert list(toc) == [
        "Doel",
        "Toepassingsgebied",
        "Klachten",
        "Bemiddeling",
        "Beroep",
        "Registratie en archivering",
    ]
    for heading, number in toc.items():
        assert re.search(rf"\d\.\s*{heading}\n", texts[int(number) - 1]), heading
    assert int(toc["Registratie en archivering"]) >= 3


def test_pdf_names_the_complaint_that_caused_the_version_C10(organisation):
    complaint, people = _complaint()
    page = publish_procedure(body=LONG_BODY[:1])
    request = ChangeRequest.objects.create(
        complaint=complaint, reason="Termijnen", opened_by=people["qo"]
    )
    request.procedures.add(page)
    draft = page.get_latest_revision_as_object()
    draft.change_request = request
    draft.change_summary = "Registratietermijn vastgelegd."
    draft.save_revision().publish()

    version = page.versions.order_by("-published_at", "-pk").first()
    assert version.change_request == request
    first = page_texts(pdf.procedure_pdf(version))[0]
    assert f"naar aanleiding van {complaint.number}" in first
    assert "Registratietermijn vastgelegd." in first


def test_stored_pdf_is_served_without_rendering_again(organisation, client):
    page = publish_procedure(body=LONG_BODY[:1])
    version = page.versions.get()
    stored = bytes(version.pdf)
    renders = pdf.RENDERS["version"]

    assert pdf.procedure_pdf(version) == stored
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.get(
        reverse("documents:version_pdf", args=["P-07", version.version_label])
    )
    assert response.status_code == 200
    assert response.content == stored
    assert pdf.RENDERS["version"] == renders


def test_pdf_of_a_version_is_rendered_from_that_revision_not_the_live_page(
    organisation,
):
    page = publish_procedure(body=LONG_BODY[:1])
    first = page.versions.get()
    draft = page.get_latest_revision_as_object()
    draft.title = "Klachten, bemiddeling en beroep"
    draft.save_revision().publish()
    page.refresh_from_db()
    assert page.title == "Klachten, bemiddeling en beroep"

    # The stored PDF is lost (say, a failed render at publication): the first
    # download renders it again, from the revision of that version.
    type(first).objects.filter(pk=first.pk).update(pdf=b"", pdf_rendered_at=None)
    first.refresh_from_db()
    renders = pdf.RENDERS["version"]
    text = page_texts(pdf.procedure_pdf(first))[0]
    assert pdf.RENDERS["version"] == renders + 1
    assert "CIIO | Klachten en beroep | versie 2611 | blz. 1 van " in text
    first.refresh_from_db()
    assert first.pdf_rendered_at is not None
    assert bytes(first.pdf)


def test_draft_preview_is_marked_concept_on_every_page_and_never_kept(organisation):
    page = publish_procedure()
    draft = page.get_latest_revision_as_object()
    draft.title = "Klachten en beroep (herzien)"
    draft.save_revision()
    renders = pdf.RENDERS["draft"]

    texts = page_texts(pdf.draft_pdf(page))
    pdf.draft_pdf(page)

    assert pdf.RENDERS["draft"] == renders + 2
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert "CONCEPT" in text
        assert (
            f"CIIO | Klachten en beroep (herzien) | versie: concept | blz. {number} "
            f"van {len(texts)}" in text
        )
    assert "versie 2611" not in "".join(texts)


def test_footer_survives_quotes_and_markup_in_the_title(organisation):
    page = publish_procedure(
        title='Klachten "en" <beroep> \\ & meer', body=LONG_BODY[:1]
    )
    text = page_texts(pdf.procedure_pdf(page.versions.get()))[0]
    assert 'CIIO | Klachten "en" <beroep> \\ & meer | versie 2611 | blz. 1 van ' in text


# -- the download views ------------------------------------------------------


def test_version_pdf_is_served_inline_with_a_readable_file_name(organisation, client):
    publish_procedure(body=LONG_BODY[:1])
    client.force_login(UserFactory(roles=[ASSESSOR]))

    response = client.get(reverse("documents:version_pdf", args=["P-07", "2611"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'inline; filename="P-07 Klachten en beroep versie 2611.pdf"'
    )
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("code", "label"), [("P-07", "9999"), ("P-99", "2611")], ids=["label", "code"]
)
def test_unknown_version_or_procedure_is_404(organisation, client, code, label):
    publish_procedure(body=LONG_BODY[:1])
    client.force_login(UserFactory(roles=[ASSESSOR]))
    response = client.get(reverse("documents:version_pdf", args=[code, label]))
    assert response.status_code == 404


def test_anonymous_visitor_gets_the_pdf_of_a_public_procedure_only(
    organisation, client
):
    publish_procedure(body=LONG_BODY[:1], is_public=True)
    publish_procedure(code="P-03", title="Onderzoeken", body=LONG_BODY[:1])

    public = client.get(reverse("documents:version_pdf", args=["P-07", "2611"]))
    private = client.get(reverse("documents:version_pdf", args=["P-03", "2611"]))
    missing = client.get(reverse("documents:version_pdf", args=["P-99", "2611"]))

    assert public.status_code == 200
    # Private or missing: the same answer, so existence does not leak.
    for response in (private, missing):
        assert response.status_code == 302
        assert response["Location"].startswith("/inloggen/?next=")


def test_draft_pdf_is_for_editors_only(organisation, client):
    page = publish_procedure(body=LONG_BODY[:1], is_public=True)
    page.get_latest_revision_as_object().save_revision()
    url = reverse("documents:draft_pdf", args=["P-07"])

    assert client.get(url).status_code == 302  # anonymous: to the login
    client.force_login(UserFactory(roles=[ASSESSOR]))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'inline; filename="P-07 Klachten en beroep concept.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "CONCEPT" in page_texts(response.content)[0]
