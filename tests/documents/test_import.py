import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from documents.importing import (
    MAX_UPLOAD_BYTES,
    ParsedDocument,
    detect_format,
    parse_document,
    parse_text,
)
from documents.models import HandbookPage, ProcedurePage
from portal.roles import MANAGEMENT, OFFICE_MANAGER, QUALITY_OFFICER
from tests import samples
from tests.factories import UserFactory

SAMPLES = Path(__file__).parent / "samples"
TXT_SAMPLE = SAMPLES / "testprocedure-v2305.txt"

HEADER = "Voorbeeld – interne procedure"
FOOTER = "Voorbeeld | Testprocedure | versie 2305 | blz. {page} van {pages}"
TITLE = "Testprocedure klachten en beroep"
RECORDED = [
    "de datum van ontvangst;",
    "de naam van de klant en een korte beschrijving van de klacht;",
    "de naam van de behandelaar.",
]
APPEAL_STEPS = [
    "De klant stuurt binnen een maand een brief.",
    "Een andere beslisser behandelt het beroep.",
]
# One sentence long enough to run over a page break of the A6 sample PDF.
HANDLING = (
    "Een kerngroeplid dat niet bij de klacht betrokken was behandelt de klacht naar "
    "eer en geweten, met inachtneming van de vertrouwelijkheid en in overleg met "
    "collega beoordelaars als dat nodig is, houdt de officemanager op de hoogte van "
    "de status en het verloop van de behandeling, zorgt ervoor dat alle documenten "
    "die betrekking hebben op de klacht bij het register worden bewaard, informeert "
    "waar dat zinvol is alle beoordelaars over de uitkomst zodat zij van elkaar "
    "kunnen leren, bespreekt met de portefeuillehouder Q of de klacht "
    "geanonimiseerd in de kerngroep wordt besproken, en sluit de behandeling in "
    "principe binnen een maand af met een schriftelijk bericht aan de klant waarin "
    "de uitkomst en de gevolgde werkwijze worden uitgelegd."
)


def sample_pdf() -> bytes:
    from weasyprint import HTML

    steps = "".join(f"<li>{s}</li>" for s in APPEAL_STEPS)
    recorded = "".join(f"<li>{s}</li>" for s in RECORDED)
    footer = FOOTER.format(page='" counter(page) "', pages='" counter(pages) "')
    html = f"""<html lang="nl"><head><style>
      @page {{ size: A6; margin: 1.8cm 1.2cm;
        @top-center {{ content: "{HEADER}"; font-size: 7pt }}
        @bottom-center {{ content: "{footer}"; font-size: 7pt }} }}
      body {{ font-family: sans-serif; font-size: 9pt }}
      h1 {{ font-size: 12pt }} h2 {{ font-size: 10pt }}
    </style></head><body>
      <h1>{TITLE}</h1>
      <h2>1 Doel</h2>
      <p>Deze procedure beschrijft hoe Voorbeeld klachten van klanten ontvangt en
      afhandelt.</p>
      <h2>2 Registreren van klachten</h2>
      <p>De officemanager legt vast:</p>
      <ul>{recorded}</ul>
      <h2>3 Behandelen van klachten</h2>
      <p>{HANDLING}</p>
      <h2>4 Beroep</h2>
      <ol>{steps}</ol>
      <p>Er is geen hoger beroep mogelijk.</p>
    </body></html>"""
    return HTML(string=html).write_pdf()


def sample_docx() -> bytes:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = FOOTER.format(page=1, pages=1)
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("1 Doel", level=1)
    # A soft line break inside a word, as left behind by a PDF-to-Word conversion.
    document.add_paragraph(
        "Deze procedure beschrijft hoe Voorbeeld klachten ontvangt en\nafhandelt, "
        "zodat de klant tevreden blijft over de behandeling van zijn klach-\nten."
    )
    document.add_paragraph(
        "2 Registreren van klachten",
        style=document.styles.add_style("Kop 1", WD_STYLE_TYPE.PARAGRAPH),
    )
    document.add_paragraph("De officemanager legt vast:")
    document.add_paragraph(RECORDED[0], style="List Bullet")
    document.add_paragraph(RECORDED[1], style="List Paragraph")
    document.add_paragraph(
        RECORDED[2],
        style=document.styles.add_style("Lijstalinea", WD_STYLE_TYPE.PARAGRAPH),
    )
    # A footer typed into the text, as Word conversions of PDFs do.
    document.add_paragraph(FOOTER.format(page=1, pages=2))
    heading = document.add_paragraph()
    heading.add_run("3 Beroep").bold = True
    document.add_paragraph("Een klant kan beroep aantekenen:")
    document.add_paragraph(APPEAL_STEPS[0], style="List Number")
    numbered = document.add_paragraph(APPEAL_STEPS[1], style="List Paragraph")
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", "0"), ("w:numId", "5")):  # 5: decimal in the template
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        num_pr.append(element)
    numbered._p.get_or_add_pPr().append(num_pr)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def headings(parsed: ParsedDocument) -> list[str]:
    return [s.heading for s in parsed.sections]


def section(parsed: ParsedDocument, heading: str):
    return next(s for s in parsed.sections if s.heading == heading)


def all_text(parsed: ParsedDocument) -> str:
    parts = [parsed.title]
    for s in parsed.sections:
        parts.append(s.heading)
        for block in s.blocks:
            parts.extend([block.text, *block.items])
    return "\n".join(parts)


def assert_no_page_furniture(parsed: ParsedDocument) -> None:
    text = all_text(parsed)
    for fragment in ("versie 2305", "blz.", "interne procedure", "Voorbeeld |"):
        assert fragment not in text


# Reading: the three sample formats


def test_txt_sample_gives_sections_lists_and_joined_paragraphs_without_footers():
    parsed = parse_document(TXT_SAMPLE.read_bytes(), TXT_SAMPLE.name)

    assert parsed.title == TITLE
    assert headings(parsed) == [
        "1 Doel",
        "2 Begrippen",
        "3 Registreren van klachten",
        "4 Behandelen van klachten",
        "4.1 Beroep",
    ]
    doel = section(parsed, "1 Doel").blocks
    assert [b.kind for b in doel] == ["paragraph"]
    assert doel[0].text == (
        "Deze procedure beschrijft hoe Voorbeeld klachten van klanten ontvangt en ook "
        "afhandelt. Elke klacht wordt serieus genomen en binnen een maand beantwoord, "
        "zodat de klant tevreden blijft over de behandeling van zijn klachten."
    )
    begrippen = section(parsed, "2 Begrippen").blocks
    assert begrippen[1].kind == "numbered"
    assert begrippen[1].items == (
        "klacht: elke uiting van ongenoegen van een klant;",
        "klant: een organisatie die een onderzoek heeft laten uitvoeren.",
    )
    registreren = section(parsed, "3 Registreren van klachten").blocks
    assert registreren[0].text == (
        "De officemanager registreert elke klacht in het casusregister. Daarbij legt "
        "zij vast:"
    )
    assert registreren[1].kind == "bullets"
    assert list(registreren[1].items) == RECORDED
    # The sentence runs on over the page break, past footer, header and page number.
    assert (
        section(parsed, "4 Behandelen van klachten")
        .blocks[0]
        .text.endswith("De behandeling duurt in principe niet langer dan een maand.")
    )
    beroep = section(parsed, "4.1 Beroep").blocks
    assert [b.kind for b in beroep] == ["paragraph", "numbered", "paragraph"]
    assert beroep[2].text == "Er is geen hoger beroep mogelijk."
    assert parsed.list_item_count == 7
    assert_no_page_furniture(parsed)
    assert parsed.distinct_dropped_lines == (
        HEADER,
        FOOTER.format(page=1, pages=2),
        "2",
        FOOTER.format(page=2, pages=2),
    )
    assert parsed.version_label == "2305"


def test_pdf_sample_gives_sections_lists_and_joined_paragraphs_without_footers():
    from pypdf import PdfReader

    data = sample_pdf()
    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    parsed = parse_document(data, "testprocedure.pdf")

    assert parsed.source_format == "pdf"
    assert parsed.title == TITLE
    assert headings(parsed) == [
        "1 Doel",
        "2 Registreren van klachten",
        "3 Behandelen van klachten",
        "4 Beroep",
    ]
    assert section(parsed, "1 Doel").blocks[0].text == (
        "Deze procedure beschrijft hoe Voorbeeld klachten van klanten ontvangt en "
        "afhandelt."
    )
    registreren = section(parsed, "2 Registreren van klachten").blocks
    assert [b.kind for b in registreren] == ["paragraph", "bullets"]
    assert list(registreren[1].items) == RECORDED
    # One paragraph, although it is set on two pages.
    handling = section(parsed, "3 Behandelen van klachten").blocks
    assert [b.text for b in handling] == [HANDLING]
    beroep = section(parsed, "4 Beroep").blocks
    assert beroep[0].kind == "numbered"
    assert list(beroep[0].items) == APPEAL_STEPS
    assert beroep[1].text == "Er is geen hoger beroep mogelijk."
    assert_no_page_furniture(parsed)
    assert set(parsed.dropped_lines) == {
        HEADER,
        FOOTER.format(page=1, pages=2),
        FOOTER.format(page=2, pages=2),
    }
    assert parsed.version_label == "2305"


def test_docx_sample_is_read_by_its_styles_without_headers_and_footers():
    parsed = parse_document(sample_docx(), "testprocedure.docx")

    assert parsed.source_format == "docx"
    assert parsed.title == TITLE
    assert headings(parsed) == ["1 Doel", "2 Registreren van klachten", "3 Beroep"]
    assert section(parsed, "1 Doel").blocks[0].text == (
        "Deze procedure beschrijft hoe Voorbeeld klachten ontvangt en afhandelt, zodat "
        "de klant tevreden blijft over de behandeling van zijn klachten."
    )
    registreren = section(parsed, "2 Registreren van klachten").blocks
    assert [b.kind for b in registreren] == ["paragraph", "bullets"]
    assert list(registreren[1].items) == RECORDED
    beroep = section(parsed, "3 Beroep").blocks
    assert [b.kind for b in beroep] == ["paragraph", "numbered"]
    assert list(beroep[1].items) == APPEAL_STEPS
    assert_no_page_furniture(parsed)
    assert set(parsed.dropped_lines) == {
        HEADER,
        FOOTER.format(page=1, pages=1),
        FOOTER.format(page=1, pages=2),
    }
    assert parsed.version_label == "2305"


# Reading: the rules one by one


def test_a_short_line_ending_a_sentence_is_no_heading_and_wrapped_lines_join():
    parsed = parse_text(
        "Doel\n"
        "Deze regel is lang genoeg om als afgebroken regel te gelden in deze tekst en\n"
        "loopt door op de volgende regel.\n"
        "Kort en af.\n"
        "\n"
        "Nog een alinea die eindigt\n"
        "zonder punt\n"
    )
    assert headings(parsed) == ["Doel"]
    assert [b.text for b in parsed.sections[0].blocks] == [
        "Deze regel is lang genoeg om als afgebroken regel te gelden in deze tekst en "
        "loopt door op de volgende regel.",
        "Kort en af.",
        "Nog een alinea die eindigt zonder punt",
    ]


def test_a_lowercase_first_line_set_apart_is_the_title():
    parsed = parse_text("procedure klachten & beroep\n\nDoel\nTekst van het doel.\n")
    assert parsed.title == "Procedure klachten & beroep"
    assert headings(parsed) == ["Doel"]


def test_lines_repeated_at_the_edge_of_every_page_are_dropped_and_reported():
    pages = [
        "Kwaliteitshandboek Voorbeeld\n\nDoel\nWaarom deze procedure er is.\n"
        "Voor wie zij geldt.\nWat zij regelt.\nWie de eigenaar is.\n\nPagina 1",
        "Kwaliteitshandboek Voorbeeld\n\nWerkwijze\nDe klant meldt zich.\n"
        "De officemanager registreert.\nDe behandelaar antwoordt.\n"
        "Het dossier wordt gesloten.\n\nPagina 2",
    ]
    parsed = parse_text("\f".join(pages))
    assert headings(parsed) == ["Doel", "Werkwijze"]
    assert "Kwaliteitshandboek" not in all_text(parsed)
    assert "Het dossier wordt gesloten." in all_text(parsed)
    assert parsed.dropped_lines == (
        "Kwaliteitshandboek Voorbeeld",
        "Pagina 1",
        "Kwaliteitshandboek Voorbeeld",
        "Pagina 2",
    )


def test_text_before_the_first_heading_goes_into_an_introduction():
    parsed = parse_text("Dit document is een voorbeeld.\n\nDoel\nTekst.\n")
    assert headings(parsed) == ["Inleiding", "Doel"]


def test_stream_data_has_the_shape_of_the_procedure_body():
    parsed = parse_document(TXT_SAMPLE.read_bytes(), TXT_SAMPLE.name)
    data = parsed.stream_data()
    assert data[0] == (
        "section",
        {
            "heading": "1 Doel",
            "content": [
                ("paragraph", f"<p>{section(parsed, '1 Doel').blocks[0].text}</p>")
            ],
        },
    )
    registreren = dict(data[2][1])["content"]
    assert registreren[1] == ("bullets", RECORDED)
    assert data[4][1]["content"][1][1].startswith(
        "<ol><li>De klant stuurt binnen een maand een brief of een mail.</li>"
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "procedure.pdf", "geen PDF-document"),
        (b"%PDF-1.7\n", "procedure.txt", "geen tekst-document"),
        (b"<!doctype html><p>hoi</p>", "procedure.txt", "geen tekst-document"),
        (b"Gewone tekst", "procedure.doc", "Alleen .txt-, .docx- en .pdf"),
        (b"Gewone tekst", "procedure.html", "Alleen .txt-, .docx- en .pdf"),
        (b"", "procedure.txt", "leeg"),
        (b"a" * (MAX_UPLOAD_BYTES + 1), "procedure.txt", "groter dan 10 MB"),
    ],
)
def test_other_files_are_refused_with_a_dutch_reason(data, name, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        detect_format(data, name)
    assert message in " ".join(refused.value.messages)


def test_a_zip_named_docx_is_refused():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("leesmij.txt", "geen Word")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        detect_format(out.getvalue(), "procedure.docx")


def test_a_pdf_without_text_is_refused():
    from django.core.exceptions import ValidationError
    from weasyprint import HTML

    empty = HTML(string="<html><body></body></html>").write_pdf()
    with pytest.raises(ValidationError, match="geen tekst gevonden"):
        parse_document(empty, "gescand.pdf")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (samples.truncated_pdf, "kon niet worden gelezen"),
        (samples.garbage_pdf, "kon niet worden gelezen"),
        (lambda: samples.encrypted_pdf(user_password="geheim"), "wachtwoord"),
    ],
)
def test_a_broken_or_locked_pdf_is_refused_with_a_dutch_reason(build, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        parse_document(build(), "procedure.pdf")


# The command


@pytest.fixture
def handbook(db):
    return HandbookPage.objects.get(slug="handboek")


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_procedure", *args, stdout=out)
    return out.getvalue()


def test_command_creates_a_draft_and_prints_what_it_found(handbook):
    output = run(str(TXT_SAMPLE), "--parent", "handboek", "--code", "P-91")

    page = ProcedurePage.objects.get(code="P-91")
    assert page.get_parent().pk == handbook.pk
    assert not page.live
    assert page.has_unpublished_changes
    assert page.latest_revision is not None
    assert page.title == TITLE
    assert page.version_label == "2305"  # from the footer
    assert page.body[0].value["heading"] == "1 Doel"
    assert list(page.body[2].value["content"][1].value) == RECORDED
    # The body is what the editor would accept when publishing.
    ProcedurePage.body.field.stream_block.clean(page.body)
    assert not page.versions.exists()
    for expected in (
        "Secties: 5",
        "4.1 Beroep",
        "Opsommingspunten: 7",
        "Weggelaten regels (kop- en voetteksten): 5, 4 verschillend",
        "Voorbeeld | Testprocedure | versie 2305 | blz. 1 van 2",
        "Niet gepubliceerd",
    ):
        assert expected in output
    assert f"Woorden: {parse_text(TXT_SAMPLE.read_text()).word_count}" in output


def test_command_takes_title_and_version_when_given(handbook):
    run(
        str(TXT_SAMPLE),
        "--parent=handboek",
        "--code=P-92",
        "--version=2101",
        "--title=Klachten (oud)",
    )
    page = ProcedurePage.objects.get(code="P-92")
    assert (page.title, page.version_label) == ("Klachten (oud)", "2101")


def test_command_refuses_a_code_in_use_and_changes_nothing(handbook):
    run(str(TXT_SAMPLE), "--parent", "handboek", "--code", "P-93")
    page = ProcedurePage.objects.get(code="P-93")
    revisions = page.revisions.count()

    with pytest.raises(CommandError, match=r"code P-93 .* --new-revision"):
        run(str(TXT_SAMPLE), "--parent", "handboek", "--code", "P-93")
    assert ProcedurePage.objects.filter(code="P-93").count() == 1
    assert page.revisions.count() == revisions


def test_command_new_revision_saves_a_draft_over_the_live_version(handbook, tmp_path):
    live = ProcedurePage(
        title="Klachten en beroep",
        code="P-94",
        body=[("section", {"heading": "Oud", "content": []})],
    )
    handbook.add_child(instance=live)
    live.save_revision()
    assert live.live

    output = run(
        str(TXT_SAMPLE), "--parent", "handboek", "--code", "P-94", "--new-revision"
    )

    page = ProcedurePage.objects.get(code="P-94")
    assert "Nieuwe conceptversie opgeslagen" in output
    assert page.live
    assert page.has_unpublished_changes
    assert [b.value["heading"] for b in page.body] == ["Oud"]  # live stays as it was
    draft = page.get_latest_revision_as_object()
    assert draft.body[0].value["heading"] == "1 Doel"
    assert draft.title == "Klachten en beroep"  # no --title: the title stays
    assert page.revisions.count() == 2
    assert not page.versions.exists()


def test_command_with_an_unknown_parent_or_file_says_so(handbook, tmp_path):
    with pytest.raises(CommandError, match="Geen kwaliteitshandboek met slug 'x'"):
        run(str(TXT_SAMPLE), "--parent", "x")
    with pytest.raises(CommandError, match="Bestand niet gevonden"):
        run(str(tmp_path / "weg.txt"), "--parent", "handboek")
    fake = tmp_path / "procedure.pdf"
    fake.write_bytes(b"MZ" + b"\x00" * 64)
    with pytest.raises(CommandError, match="geen PDF-document"):
        run(str(fake), "--parent", "handboek")
    assert not ProcedurePage.objects.filter(title=TITLE).exists()


def test_command_dry_run_creates_nothing(handbook):
    output = run(str(TXT_SAMPLE), "--parent", "handboek", "--dry-run")
    assert "Secties: 5" in output
    assert not ProcedurePage.objects.filter(title=TITLE).exists()


def test_command_without_code_takes_the_next_free_one(handbook):
    run(str(TXT_SAMPLE), "--parent", "handboek", "--code", "P-41")
    run(str(TXT_SAMPLE), "--parent", "handboek")
    assert ProcedurePage.objects.filter(code="P-42").exists()


# The admin upload form


URL = "/admin/procedures/importeren/"


def upload(name: str, data: bytes, **fields):
    return {
        "file": SimpleUploadedFile(name, data),
        "code": "",
        "version_label": "",
        "title": "",
        **fields,
    }


def test_admin_url_and_menu_item_exist(client, handbook):
    assert reverse("documents_procedure_import") == URL
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    assert URL in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("name", "builder"),
    [
        ("testprocedure.txt", TXT_SAMPLE.read_bytes),
        ("testprocedure.docx", sample_docx),
        ("testprocedure.pdf", sample_pdf),
    ],
)
def test_quality_officer_uploads_and_lands_on_the_draft(
    client, handbook, name, builder
):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    response = client.post(
        URL, upload(name, builder(), parent=handbook.pk, code="P-95"), follow=False
    )

    page = ProcedurePage.objects.get(code="P-95")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not page.live
    assert page.title == TITLE
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[0].startswith(f"Concept P-95 aangemaakt uit {name}:")
    assert "secties" in messages[0]


def test_upload_of_a_disguised_program_is_refused_and_creates_nothing(client, handbook):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    before = ProcedurePage.objects.count()
    response = client.post(
        URL,
        upload("procedure.pdf", b"MZ" + b"\x00" * 64, parent=handbook.pk, code="P-96"),
    )
    assert response.status_code == 400
    assert "geen PDF-document" in response.content.decode()
    assert ProcedurePage.objects.count() == before


def test_upload_with_a_code_in_use_keeps_the_form_and_says_what_to_do(client, handbook):
    run(str(TXT_SAMPLE), "--parent", "handboek", "--code", "P-97")
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    response = client.post(
        URL,
        upload(
            "p.txt",
            TXT_SAMPLE.read_bytes(),
            parent=handbook.pk,
            code="P-97",
            title="Mijn titel",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Er bestaat al een procedure met code P-97" in body
    assert "Mijn titel" in body
    assert ProcedurePage.objects.filter(code="P-97").count() == 1


@pytest.mark.parametrize("role", [OFFICE_MANAGER, MANAGEMENT])
def test_users_who_may_not_add_procedures_get_403_and_nothing_is_created(
    client, handbook, role
):
    client.force_login(UserFactory(roles=[role]))
    before = ProcedurePage.objects.count()
    assert client.get(URL).status_code == 403
    response = client.post(
        URL, upload("p.txt", TXT_SAMPLE.read_bytes(), parent=handbook.pk)
    )
    assert response.status_code == 403
    assert ProcedurePage.objects.count() == before
    assert URL not in client.get("/admin/").content.decode()


def test_admin_form_offers_the_handbooks_the_user_may_add_to(client, handbook):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body
    assert f'<option value="{handbook.pk}" selected>Kwaliteitshandboek</option>' in body
