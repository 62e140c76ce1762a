import io
import logging

import pytest

from files.extraction import DOCX, ExtractionResult, docx, extract_text
from tests import samples

PDF = "application/pdf"
EML = "message/rfc822"


def _failed(result: ExtractionResult, document: str) -> bool:
    return result.text == "" and result.error.startswith(
        f"Tekst niet leesbaar in {document}: "
    )


def test_pdf_text_contains_dutch_and_accented_words():
    result = extract_text(io.BytesIO(samples.pdf()), content_type=PDF)

    assert result.error == ""
    assert samples.DUTCH_WORD in result.text
    assert samples.ACCENTED_WORD in result.text


def test_pdf_is_read_from_a_path(tmp_path):
    path = tmp_path / "procedure.pdf"
    path.write_bytes(samples.pdf())

    result = extract_text(path, content_type=PDF, filename="procedure.pdf")

    assert samples.DUTCH_WORD in result.text


def test_file_object_is_read_from_its_start_even_after_hashing():
    stream = io.BytesIO(samples.pdf())
    stream.read()

    result = extract_text(stream, content_type=PDF)

    assert samples.DUTCH_WORD in result.text


def test_non_seekable_stream_is_read():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    result = extract_text(Pipe(samples.pdf()), content_type=PDF)

    assert samples.DUTCH_WORD in result.text


@pytest.mark.parametrize("build", [samples.truncated_pdf, samples.garbage_pdf])
def test_broken_pdf_fails_soft_with_dutch_message(build, caplog):
    with caplog.at_level(logging.WARNING, logger="files.extraction"):
        result = extract_text(io.BytesIO(build()), content_type=PDF)

    assert _failed(result, "dit PDF-bestand")
    assert result.error.endswith("het bestand is beschadigd.")
    assert caplog.records, "the technical detail is logged"


def test_empty_pdf_fails_soft_saying_the_file_is_empty():
    result = extract_text(io.BytesIO(b""), content_type=PDF)

    assert _failed(result, "dit PDF-bestand")
    assert "leeg" in result.error


def test_password_protected_pdf_fails_soft():
    data = samples.encrypted_pdf(user_password="geheim")

    result = extract_text(io.BytesIO(data), content_type=PDF)

    assert _failed(result, "dit PDF-bestand")
    assert "wachtwoord" in result.error


def test_pdf_restricted_only_by_owner_password_is_read():
    pytest.importorskip("cryptography", reason="pypdf needs it for AES")
    data = samples.encrypted_pdf(user_password="", algorithm="AES-256")

    result = extract_text(io.BytesIO(data), content_type=PDF)

    assert samples.DUTCH_WORD in result.text


def test_docx_text_includes_paragraphs_and_table_cells():
    result = extract_text(io.BytesIO(samples.docx()), content_type=DOCX)

    assert result.error == ""
    assert samples.DUTCH_WORD in result.text
    assert samples.TABLE_WORD in result.text
    assert samples.ACCENTED_WORD in result.text


def test_pdf_uploaded_as_docx_fails_soft():
    result = extract_text(io.BytesIO(samples.pdf()), content_type=DOCX)

    assert _failed(result, "dit Word-bestand")


def test_docx_that_would_inflate_too_far_is_not_opened(monkeypatch):
    monkeypatch.setattr(docx, "_MAX_DOCX_UNCOMPRESSED_BYTES", 1000)

    result = extract_text(io.BytesIO(samples.docx()), content_type=DOCX)

    assert _failed(result, "dit Word-bestand")
    assert "te groot" in result.error


def test_docx_main_part_inflating_past_the_bound_fails_soft(monkeypatch):
    # The bound on what the streamed main part may inflate to (issue 11, item 7).
    monkeypatch.setattr(docx, "_MAX_DOCX_PART_BYTES", 200)

    result = extract_text(io.BytesIO(samples.docx()), content_type=DOCX)

    assert _failed(result, "dit Word-bestand")
    assert "te groot" in result.error


def test_docx_stream_reader_stops_when_the_declared_size_lies():
    reader = docx._BoundedReader(io.BytesIO(b"x" * 5000), limit=1000)
    assert reader.read(600) == b"x" * 600
    with pytest.raises(docx._TooLarge):
        reader.read(600)


def test_eml_text_has_headers_body_and_attachment_names():
    result = extract_text(io.BytesIO(samples.eml()), content_type=EML)

    assert result.error == ""
    text = result.text
    assert "Van: Jan de Vries <jan@klant.example>" in text
    assert "Aan: kwaliteit@ciio.example" in text
    assert "Cc: directie@ciio.example" in text
    assert "Datum: Mon, 02 Mar 2026" in text
    assert f"Onderwerp: Klacht over {samples.DUTCH_WORD}" in text
    assert samples.ACCENTED_WORD in text
    assert samples.ATTACHMENT_NAME in text
    assert "<p>" not in text, "the plain text alternative is preferred"


def test_eml_with_only_an_html_body_gives_its_visible_text():
    result = extract_text(io.BytesIO(samples.html_only_eml()), content_type=EML)

    assert samples.DUTCH_WORD in result.text
    assert samples.SCRIPT_SECRET not in result.text


def test_eml_with_unknown_charset_still_gives_its_body():
    data = (
        b"From: a@example.org\r\nSubject: Test\r\n"
        b"Content-Type: text/plain; charset=x-onbekend\r\n\r\n"
        b"Over klachtenbehandeling in het caf\xe9.\r\n"
    )

    result = extract_text(io.BytesIO(data), content_type=EML)

    assert "klachtenbehandeling in het café" in result.text


def test_bytes_that_are_no_email_fail_soft():
    result = extract_text(io.BytesIO(samples.unknown_binary()), content_type=EML)

    assert _failed(result, "dit e-mailbericht")


def test_html_text_is_visible_text_only():
    result = extract_text(io.BytesIO(samples.html()), content_type="text/html")

    assert samples.DUTCH_WORD in result.text
    assert f"De klacht is {samples.ACCENTED_WORD}." in result.text
    assert samples.SCRIPT_SECRET not in result.text
    assert samples.STYLE_SECRET not in result.text
    assert "opmerking" not in result.text


def test_cp1252_text_is_decoded():
    result = extract_text(io.BytesIO(samples.cp1252_text()), content_type="text/plain")

    assert result.text == "Overleg in het café over de klacht."


def test_utf8_text_with_charset_parameter_is_decoded():
    data = "Klacht over geëscaleerde zaak".encode()

    result = extract_text(io.BytesIO(data), content_type="text/plain; charset=utf-8")

    assert result.text == "Klacht over geëscaleerde zaak"


def test_utf16_text_with_byte_order_mark_is_decoded():
    data = "Klacht in UTF-16: café".encode("utf-16")

    result = extract_text(io.BytesIO(data), content_type="text/plain")

    assert result.text == "Klacht in UTF-16: café"


def test_empty_text_file_has_no_text_and_no_error():
    assert extract_text(io.BytesIO(b""), content_type="text/plain") == (
        ExtractionResult(text="", error="")
    )


@pytest.mark.parametrize("content_type", ["image/png", "application/zip", "x/y"])
def test_types_without_text_give_an_empty_result_without_error(content_type):
    result = extract_text(io.BytesIO(samples.png()), content_type=content_type)

    assert result == ExtractionResult(text="", error="")


def test_generic_content_type_falls_back_to_the_file_name():
    result = extract_text(
        io.BytesIO(samples.pdf()),
        content_type="application/octet-stream",
        filename="Verslag.PDF",
    )

    assert samples.DUTCH_WORD in result.text


def test_missing_file_fails_soft(tmp_path):
    result = extract_text(tmp_path / "weg.pdf", content_type=PDF)

    assert _failed(result, "dit PDF-bestand")
    assert "kon niet worden gelezen" in result.error


@pytest.mark.parametrize(
    "content_type", [PDF, DOCX, EML, "text/plain", "text/html", "text/csv"]
)
@pytest.mark.parametrize(
    "build", [samples.unknown_binary, samples.windows_executable, samples.plain_zip]
)
def test_hostile_bytes_never_raise(content_type, build):
    result = extract_text(io.BytesIO(build()), content_type=content_type)

    assert "\x00" not in result.text
    assert not (result.text and result.error)


def test_text_is_capped_at_the_configured_number_of_characters(settings):
    settings.PORTAL_EXTRACTION_MAX_CHARS = 100
    data = ("klachtenbehandeling " * 50).encode()

    result = extract_text(io.BytesIO(data), content_type="text/plain")

    assert 0 < len(result.text) <= 100


def test_pdf_extraction_stops_reading_pages_beyond_the_cap(settings):
    settings.PORTAL_EXTRACTION_MAX_CHARS = 50
    pages = "".join(
        f"<p style='page-break-after: always'>Pagina {n} {samples.DUTCH_WORD}</p>"
        for n in range(10)
    )

    result = extract_text(io.BytesIO(samples.pdf(body=pages)), content_type=PDF)

    assert "Pagina 0" in result.text
    assert "Pagina 9" not in result.text


def test_whitespace_is_collapsed_and_paragraph_breaks_kept():
    data = b"Eerste   regel\t met  tabs\r\n\r\n\r\n\r\n  Tweede alinea \n"

    result = extract_text(io.BytesIO(data), content_type="text/plain")

    assert result.text == "Eerste regel met tabs\n\nTweede alinea"


def test_nul_characters_are_removed_for_postgresql():
    data = "klacht\x00behandeling\x00".encode("utf-16")

    result = extract_text(io.BytesIO(data), content_type="text/plain")

    assert result.text == "klachtbehandeling"
