import gzip
import io

import pytest

from files.filetypes import ALLOWED_DESCRIPTION, HEAD_BYTES, safe_storage_name, sniff
from tests import samples

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _sniff(data: bytes, filename: str):
    return sniff(io.BytesIO(data), filename)


@pytest.mark.parametrize(
    ("build", "filename", "content_type", "label"),
    [
        (samples.pdf, "rapport.pdf", "application/pdf", "PDF-document"),
        (samples.docx, "verslag.docx", WORD, "Word-document"),
        (samples.xlsx, "planning.xlsx", EXCEL, "Excel-werkmap"),
        (samples.pptx, "presentatie.pptx", POWERPOINT, "PowerPoint-presentatie"),
        (
            samples.odt,
            "brief.odt",
            "application/vnd.oasis.opendocument.text",
            "OpenDocument-tekst",
        ),
        (samples.eml, "klacht.eml", "message/rfc822", "E-mailbericht"),
        (
            samples.outlook_msg,
            "klacht.msg",
            "application/vnd.ms-outlook",
            "Outlook-bericht",
        ),
        (samples.jpeg, "foto.jpg", "image/jpeg", "JPEG-afbeelding"),
        (samples.png, "scan.png", "image/png", "PNG-afbeelding"),
        (samples.tiff, "scan.tif", "image/tiff", "TIFF-afbeelding"),
        (samples.heic_header, "IMG_0001.HEIC", "image/heic", "HEIC-afbeelding"),
        (samples.cp1252_text, "notitie.txt", "text/plain", "Tekstbestand"),
        (samples.html, "pagina.html", "text/html", "HTML-pagina"),
    ],
)
def test_evidence_family_is_allowed_by_content(build, filename, content_type, label):
    result = _sniff(build(), filename)

    assert result.allowed
    assert result.reason == ""
    assert result.content_type == content_type
    assert result.label == label


def test_csv_is_text_labelled_by_its_name():
    result = _sniff(b"naam;plaats\nJansen;Assen\n", "klanten.csv")

    assert (result.allowed, result.content_type) == (True, "text/csv")


def test_real_pdf_named_docx_is_allowed_as_pdf():
    result = _sniff(samples.pdf(), "verslag.docx")

    assert result.allowed
    assert result.content_type == "application/pdf"


def test_eml_with_a_header_block_longer_than_the_head_is_recognised():
    received = b"Received: from relay.example by mx.example; Mon, 2 Mar 2026\r\n"
    data = received * (HEAD_BYTES // len(received) + 5) + samples.eml()

    assert _sniff(data, "bericht.eml").content_type == "message/rfc822"


def test_utf8_text_cut_inside_a_character_by_the_head_is_still_text():
    data = b"a" * (HEAD_BYTES - 1) + "é en meer tekst".encode()

    assert _sniff(data, "notitie.txt").content_type == "text/plain"


@pytest.mark.parametrize(
    ("build", "filename"),
    [
        (samples.windows_executable, "setup.exe"),
        (samples.windows_executable, "rapport.pdf"),
        (samples.elf_executable, "tool"),
        (samples.macho_executable, "app.docx"),
        (samples.shell_script, "install.sh"),
        (samples.shell_script, "notitie.txt"),
        (samples.jar, "bijlage.zip"),
        (lambda: b"@echo off\r\ndel /q *.*\r\n", "opruimen.bat"),
        (lambda: b"WScript.Echo 1\r\n", "factuur.pdf.vbs"),
    ],
)
def test_executable_is_refused(build, filename):
    result = _sniff(build(), filename)

    assert not result.allowed
    assert result.label == "Uitvoerbaar programma"
    assert result.reason.startswith("Dit bestand is een uitvoerbaar programma")


@pytest.mark.parametrize(
    ("build", "label"),
    [
        (samples.plain_zip, "ZIP-archief"),
        (lambda: gzip.compress(b"niets"), "Archief (GZ)"),
    ],
)
def test_archive_that_is_no_office_document_is_refused(build, label):
    result = _sniff(build(), "stukken.docx")

    assert not result.allowed
    assert result.label == label
    assert "pak het uit" in result.reason


@pytest.mark.parametrize(
    ("build", "filename", "explanation"),
    [
        (samples.unknown_binary, "data.pdf", "kon niet worden herkend"),
        (lambda: b"", "leeg.pdf", "Het bestand is leeg."),
        (lambda: samples.docx(macros=True), "verslag.docm", "bevat macro's"),
        (samples.legacy_word, "verslag.doc", "ouder Office-bestand"),
        (lambda: b"{\\rtf1\\ansi Klacht}", "brief.rtf", "RTF-bestanden"),
        (
            lambda: b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "logo.svg",
            "afbeelding",
        ),
        (lambda: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "plaatje.gif", "afbeelding"),
        (lambda: samples.ole_file(["Onbekend"]), "raar.msg", "niet worden herkend"),
    ],
)
def test_unsupported_file_is_refused_with_a_reason(build, filename, explanation):
    result = _sniff(build(), filename)

    assert not result.allowed
    assert explanation in result.reason


@pytest.mark.parametrize(
    "build", [samples.windows_executable, samples.plain_zip, samples.unknown_binary]
)
def test_refusal_says_what_is_allowed(build):
    result = _sniff(build(), "bestand.pdf")

    assert result.reason.endswith(str(ALLOWED_DESCRIPTION))
    assert str(ALLOWED_DESCRIPTION).startswith("Toegestaan zijn: PDF, Word, Excel")


def test_sniff_reads_a_path(tmp_path):
    path = tmp_path / "verslag.docx"
    path.write_bytes(samples.docx())

    assert sniff(path, "verslag.docx").content_type == WORD


def test_sniff_reads_only_the_head_and_restores_the_position():
    class CountingFile(io.BytesIO):
        bytes_read = 0

        def read(self, size=-1):
            data = super().read(size)
            self.bytes_read += len(data)
            return data

    stream = CountingFile(b"gewone tekst\n" * 100_000)
    stream.seek(42)

    result = sniff(stream, "groot.txt")

    assert result.allowed
    assert stream.bytes_read <= HEAD_BYTES
    assert stream.tell() == 42


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Verslag klacht.pdf", "Verslag-klacht.pdf"),
        ("C:\\Users\\jan\\Bureaublad\\café rapport.DOCX", "cafe-rapport.docx"),
        ("../../etc/passwd", "passwd"),
        ("naam\x00met\x1fbesturing\n.txt", "naam-met-besturing.txt"),
        (".htaccess", "bestand.htaccess"),
        ("...", "bestand"),
        ("", "bestand"),
        ("КЛАЧТ.pdf", "bestand.pdf"),
        ("CON.txt", "CON_.txt"),
        ("geen_extensie", "geen_extensie"),
        ("archief.tar.gz", "archief.tar.gz"),
    ],
)
def test_safe_storage_name(original, expected):
    assert safe_storage_name(original) == expected


def test_safe_storage_name_is_at_most_100_characters_and_keeps_the_extension():
    name = safe_storage_name("a" * 300 + ".pdf")

    assert len(name) == 100
    assert name.endswith(".pdf")
