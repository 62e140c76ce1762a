"""A procedure is found by the text of its attachments (issue 6, items 3 and 4).

An attachment's text is extracted once per file (again only when the file is
replaced), stored on the document, and indexed with the procedure that uses it;
only the live revision's attachments count. A file that cannot be read is kept,
and the reason is shown in its admin form and, to editors, on the procedure.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client as HttpClient
from django.urls import reverse

from documents import pdf
from documents.models import PortalDocument, ProcedureAttachment, ProcedurePage
from files import extraction
from portal.roles import ASSESSOR, QUALITY_OFFICER
from tests.documents.test_reading import add_procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEARCH = "/zoeken/"


@pytest.fixture(autouse=True)
def _fast_pdf(monkeypatch):
    monkeypatch.setattr(pdf, "_render", lambda page, sheet: b"%PDF-1.7 test")


@pytest.fixture
def assessor():
    http = HttpClient()
    http.force_login(UserFactory(roles=[ASSESSOR]))
    return http


def _document(name, content: bytes, title="Formulier") -> PortalDocument:
    return PortalDocument.objects.create(
        title=title, file=ContentFile(content, name=name)
    )


def _attach(page: ProcedurePage, document, *, publish=True) -> ProcedurePage:
    draft = page.get_latest_revision_as_object()
    draft.attachments.add(ProcedureAttachment(document=document, label="Bijlage"))
    revision = draft.save_revision()
    if publish:
        revision.publish()
    return ProcedurePage.objects.get(pk=page.pk)


def _found(http, word) -> list[str]:
    response = http.get(SEARCH, {"q": word})
    assert response.status_code == 200
    return [hit.title for hit in response.context["result"].hits]


def test_a_word_only_in_an_attachment_finds_the_procedure(assessor):
    page = add_procedure("P-50", "Formulieren")
    document = _document("aanvraag.txt", b"Vul de kraanvogeltrek in op pagina 2.")
    assert _found(assessor, "kraanvogeltrek") == []
    _attach(page, document)
    response = assessor.get(SEARCH, {"q": "kraanvogeltrek"})
    hits = response.context["result"].hits
    assert [h.title for h in hits] == ["P-50 Formulieren"]
    assert "kraanvogeltrek</mark>" in str(hits[0].snippet)


def test_an_attachment_of_a_draft_revision_is_not_found_until_published(assessor):
    page = add_procedure("P-51", "Sjablonen")
    document = _document("sjabloon.txt", b"Sjabloon voor de roerdomproep.")
    page = _attach(page, document, publish=False)
    assert _found(assessor, "roerdomproep") == []
    page.get_latest_revision().publish()
    assert _found(assessor, "roerdomproep") == ["P-51 Sjablonen"]


def test_the_text_is_extracted_once_per_file_and_again_when_replaced(
    assessor, monkeypatch
):
    calls = []
    original = extraction.extract_text_bounded

    def counting(*args, **kwargs):
        calls.append(kwargs.get("filename"))
        return original(*args, **kwargs)

    monkeypatch.setattr(extraction, "extract_text_bounded", counting)
    page = add_procedure("P-52", "Checklists")
    document = _document("checklist.txt", b"Controleer de wulpenroep.")
    _attach(page, document)
    assert len(calls) == 1
    document.title = "Checklist audit"
    document.save()
    PortalDocument.objects.get(pk=document.pk).save()
    assert len(calls) == 1  # same file, same text
    document = PortalDocument.objects.get(pk=document.pk)
    document.file = ContentFile(b"Controleer de tureluurroep.", name="checklist2.txt")
    document.file_hash = ""
    document.save()
    assert len(calls) == 2
    assert _found(assessor, "tureluurroep") == ["P-52 Checklists"]
    assert _found(assessor, "wulpenroep") == []


def test_an_unreadable_file_is_kept_and_the_reason_shown(client, assessor):
    page = add_procedure("P-53", "Modellen")
    document = _document("model.pdf", b"%PDF-1.7 dit is geen echte pdf", "Model")
    page = _attach(page, document)
    document.refresh_from_db()
    assert document.extraction_error
    assert document.extracted_text == ""
    assert PortalDocument.objects.filter(pk=document.pk).exists()
    assert _found(assessor, "Model") == ["P-53 Modellen"]  # by its title

    editor = UserFactory(roles=[QUALITY_OFFICER])
    client.force_login(editor)
    form = client.get(reverse("wagtaildocs:edit", args=[document.pk]))
    assert form.status_code == 200
    assert "Niet doorzoekbaar" in form.content.decode()
    assert document.extraction_error in form.content.decode()
    shown = client.get(page.url).content.decode()
    assert "Niet doorzoekbaar" in shown

    reader = assessor.get(page.url).content.decode()
    assert "Niet doorzoekbaar" not in reader


def test_the_admin_form_says_when_a_file_is_searchable(client):
    page = add_procedure("P-54", "Overzichten")
    document = _document("overzicht.txt", b"Een overzicht van de planning.")
    _attach(page, document)
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    body = client.get(reverse("wagtaildocs:edit", args=[document.pk])).content.decode()
    assert "Doorzoekbaar: 30 tekens tekst gelezen." in body
    # Saving the form keeps the document and does not trip over the read-only line.
    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "Overzicht 2026", "collection": document.collection_id},
    )
    assert response.status_code == 302, response.content[:2000]
    assert PortalDocument.objects.get(pk=document.pk).title == "Overzicht 2026"


def test_the_command_reads_documents_uploaded_before_extraction(assessor):
    from io import StringIO

    from django.core.management import call_command

    page = add_procedure("P-55", "Oude bijlagen")
    document = _document("oud.txt", b"Een oude scholeksterbrief.")
    _attach(page, document)
    # As if uploaded before extraction existed: no text, no hash of it.
    PortalDocument.objects.filter(pk=document.pk).update(
        extracted_text="", extracted_file_hash="", extracted_at=None
    )
    from wagtail.search import index

    index.insert_or_update_object(ProcedurePage.objects.get(pk=page.pk))
    assert _found(assessor, "scholeksterbrief") == []
    out = StringIO()
    call_command("extract_document_texts", stdout=out)
    assert "1 document(en) gelezen, waarvan 0 niet doorzoekbaar." in out.getvalue()
    assert _found(assessor, "scholeksterbrief") == ["P-55 Oude bijlagen"]
    out = StringIO()
    call_command("extract_document_texts", stdout=out)
    assert "0 document(en) gelezen" in out.getvalue()  # nothing left to read
