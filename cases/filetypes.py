"""Which evidence files the portal accepts, decided by their content.

Evidence is opened later by staff on their own machines, so an upload is judged by
what the file *is*, never by the name the uploader gave it (DESIGN, "Files"): a
Windows program renamed ``rapport.pdf`` is refused, a real PDF named ``.docx`` is
accepted as a PDF. The extension is only ever used to *refuse* (a text file named
``.bat`` runs when double-clicked) or to choose a label within an accepted family
(CSV is plain text).

Magic numbers are read from the first 8 KB; the pure-Python `filetype` package
(already installed through Wagtail's image library Willow) recognises the images and
names refused formats. Where it cannot decide, small explicit checks do: ZIP-based
Office and OpenDocument files by their member names, Outlook ``.msg`` files by their
OLE2 directory, e-mail by its RFC 822 header lines, text by decoding it.
"""

import codecs
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from os import PathLike
from pathlib import PurePath
from typing import IO, BinaryIO

import filetype
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEAD_BYTES = 8192

ALLOWED_DESCRIPTION = gettext_lazy(
    "Toegestaan zijn: PDF, Word, Excel, PowerPoint, OpenDocument, e-mail (.eml, "
    ".msg), afbeeldingen (JPEG, PNG, TIFF, HEIC), tekst- en CSV-bestanden en "
    "HTML-pagina's."
)


@dataclass(frozen=True)
class SniffResult:
    """What a file is by its content, and whether it may be uploaded as evidence.

    `content_type` is the sniffed MIME type (store and show this one, not the
    browser's); `label` names the type in Dutch for the UI; `reason` says, in
    Dutch, why a refused file is refused and what is allowed (empty when allowed).
    """

    content_type: str
    label: str
    allowed: bool
    reason: str = ""


def sniff(source: str | PathLike | BinaryIO | IO[bytes], filename: str) -> SniffResult:
    """Decide by content whether `source` is an acceptable evidence file.

    `source` is a path or a seekable binary file object (Django's uploaded files
    are); a file object is left at the position it had. Only the first 8 KB are
    read, plus, for ZIP and OLE2 containers, their directory of member names.
    """
    if isinstance(source, str | PathLike):
        with open(source, "rb") as stream:
            return _sniff_stream(stream, filename)
    position = source.tell()
    try:
        source.seek(0)
        return _sniff_stream(source, filename)
    finally:
        source.seek(position)


def _sniff_stream(stream: BinaryIO, filename: str) -> SniffResult:
    head = stream.read(HEAD_BYTES)
    if not head:
        return _refuse(
            "application/x-empty", _("Leeg bestand"), _("Het bestand is leeg.")
        )
    for check in (_executable, _pdf, _image):
        result = check(head)
        if result:
            return result
    if head.startswith(_ZIP_MAGIC):
        return _zip_container(stream)
    if head.startswith(_OLE_MAGIC):
        return _ole_container(stream, head)
    text = _as_text(head, complete=len(head) < HEAD_BYTES)
    if text is not None:
        return _text_file(text, filename)
    return _unknown_binary(head)


# Refusals


def _refuse(content_type: str, label: str, problem: str) -> SniffResult:
    return SniffResult(
        content_type=content_type,
        label=label,
        allowed=False,
        reason=f"{problem} {ALLOWED_DESCRIPTION}",
    )


def _refuse_executable(content_type: str) -> SniffResult:
    return _refuse(
        content_type,
        _("Uitvoerbaar programma"),
        _("Dit bestand is een uitvoerbaar programma en wordt niet geaccepteerd."),
    )


def _refuse_archive(content_type: str, label: str) -> SniffResult:
    return _refuse(
        content_type,
        label,
        _(
            "Dit bestand is een archief en wordt niet geaccepteerd; pak het uit en "
            "upload de bestanden afzonderlijk."
        ),
    )


def _refuse_unknown(content_type: str = "application/octet-stream") -> SniffResult:
    return _refuse(
        content_type,
        _("Onbekend bestandstype"),
        _("Het soort bestand kon niet worden herkend en wordt niet geaccepteerd."),
    )


def _accept(content_type: str, label: str) -> SniffResult:
    return SniffResult(content_type=content_type, label=label, allowed=True)


# Executables


_MACHO_MAGICS = (
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    # Universal (fat) Mach-O; also a Java class file, equally refused.
    b"\xca\xfe\xba\xbe",
)


def _executable(head: bytes) -> SniffResult | None:
    if head.startswith(b"MZ"):
        return _refuse_executable("application/vnd.microsoft.portable-executable")
    if head.startswith(b"\x7fELF"):
        return _refuse_executable("application/x-elf")
    if head.startswith(_MACHO_MAGICS):
        return _refuse_executable("application/x-mach-binary")
    if head.lstrip(codecs.BOM_UTF8).startswith(b"#!"):
        return _refuse_executable("text/x-shellscript")
    return None


# Extensions that Windows runs or interprets when a text file carrying them is
# double-clicked; content sniffing sees only text, so the name decides the refusal.
_SCRIPT_EXTENSIONS = frozenset(
    {
        "bat",
        "cmd",
        "com",
        "hta",
        "js",
        "jse",
        "lnk",
        "msc",
        "ps1",
        "psm1",
        "reg",
        "scr",
        "sh",
        "url",
        "vbe",
        "vbs",
        "wsf",
        "wsh",
    }
)


# PDF and images


def _pdf(head: bytes) -> SniffResult | None:
    # The PDF specification lets readers find the header within the first 1024 bytes.
    if b"%PDF-" in head[:1024]:
        return _accept("application/pdf", _("PDF-document"))
    return None


_IMAGE_LABELS = {
    "image/jpeg": gettext_lazy("JPEG-afbeelding"),
    "image/png": gettext_lazy("PNG-afbeelding"),
    "image/tiff": gettext_lazy("TIFF-afbeelding"),
    "image/heic": gettext_lazy("HEIC-afbeelding"),
}


def _image(head: bytes) -> SniffResult | None:
    kind = filetype.image_match(head)
    if kind is None:
        return None
    label = _IMAGE_LABELS.get(kind.mime)
    if label is None:
        return _refuse(
            kind.mime,
            _("Afbeelding (%(type)s)") % {"type": kind.extension.upper()},
            _("Dit soort afbeelding wordt niet geaccepteerd."),
        )
    return _accept(kind.mime, str(label))


# ZIP containers: Office Open XML, OpenDocument, or just an archive


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# Beyond this a "document" is a hostile archive; real Office files have dozens.
_MAX_ZIP_MEMBERS = 10_000

_OOXML_TYPES = {
    "word/": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        gettext_lazy("Word-document"),
    ),
    "xl/": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        gettext_lazy("Excel-werkmap"),
    ),
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        gettext_lazy("PowerPoint-presentatie"),
    ),
}
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": gettext_lazy("OpenDocument-tekst"),
    "application/vnd.oasis.opendocument.spreadsheet": gettext_lazy(
        "OpenDocument-rekenblad"
    ),
    "application/vnd.oasis.opendocument.presentation": gettext_lazy(
        "OpenDocument-presentatie"
    ),
}


def _zip_container(stream: BinaryIO) -> SniffResult:
    """Tell Office and OpenDocument files from other ZIP archives by member names.

    The names come from the ZIP's central directory at the end of the file, the
    only authoritative list; nothing is decompressed except OpenDocument's tiny
    ``mimetype`` member.
    """
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > _MAX_ZIP_MEMBERS:
                return _refuse_archive("application/zip", _("ZIP-archief"))
            names = {member.filename for member in members}
            odf_type = _odf_mimetype(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        return _refuse_unknown("application/zip")
    if odf_type is not None:
        label = _ODF_TYPES.get(odf_type)
        return _accept(odf_type, str(label)) if label else _refuse_unknown(odf_type)
    if "[Content_Types].xml" in names:
        for prefix, (content_type, label) in _OOXML_TYPES.items():
            if any(name.startswith(prefix) for name in names):
                if any(name.endswith("vbaProject.bin") for name in names):
                    return _refuse(
                        "application/vnd.ms-office.macroenabled",
                        _("Office-bestand met macro's"),
                        _(
                            "Dit Office-bestand bevat macro's en wordt niet "
                            "geaccepteerd; sla het op zonder macro's (bijvoorbeeld "
                            "als .docx of .xlsx) of als PDF."
                        ),
                    )
                return _accept(content_type, str(label))
    if "META-INF/MANIFEST.MF" in names or any(n.endswith(".class") for n in names):
        return _refuse_executable("application/java-archive")
    return _refuse_archive("application/zip", _("ZIP-archief"))


def _odf_mimetype(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "mimetype" not in names:
        return None
    member = archive.getinfo("mimetype")
    if member.file_size > 200:
        return None
    return archive.read(member).decode("ascii", "replace").strip()


# OLE2 compound files: Outlook .msg, or legacy Office


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MSG_STREAM_PREFIXES = (
    "__substg1.0_",
    "__properties_version1.0",
    "__nameid_version1.0",
)


def _ole_container(stream: BinaryIO, head: bytes) -> SniffResult:
    """Tell an Outlook message from a legacy Office file by its directory entries.

    The first directory sector holds the root's first entries; Outlook writes its
    ``__substg1.0_…`` streams there, Word ``WordDocument``, Excel ``Workbook``.
    """
    names = _ole_directory_names(stream, head)
    if any(name.startswith(_MSG_STREAM_PREFIXES) for name in names):
        return _accept("application/vnd.ms-outlook", _("Outlook-bericht"))
    if names & {"WordDocument", "Workbook", "Book", "PowerPoint Document"}:
        return _refuse(
            "application/x-ole-storage",
            _("Ouder Office-bestand"),
            _(
                "Dit is een ouder Office-bestand (.doc, .xls of .ppt) en wordt niet "
                "geaccepteerd; sla het op als .docx, .xlsx, .pptx of PDF."
            ),
        )
    return _refuse_unknown("application/x-ole-storage")


def _ole_directory_names(stream: BinaryIO, head: bytes) -> set[str]:
    if len(head) < 512:
        return set()
    sector_shift = struct.unpack_from("<H", head, 0x1E)[0]
    first_directory_sector = struct.unpack_from("<I", head, 0x30)[0]
    if sector_shift not in (9, 12) or first_directory_sector >= 0xFFFFFFFA:
        return set()
    sector_size = 1 << sector_shift
    stream.seek((first_directory_sector + 1) * sector_size)
    sector = stream.read(sector_size)
    names = set()
    for offset in range(0, len(sector) - 127, 128):
        length = struct.unpack_from("<H", sector, offset + 64)[0]
        if 2 <= length <= 64:
            raw = sector[offset : offset + length - 2]
            names.add(raw.decode("utf-16-le", "replace"))
    return names


# Text: e-mail, HTML, CSV, plain text


# Control characters other than tab, line feed, form feed and carriage return do not
# occur in text files; their presence means binary data that happened to decode.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def _as_text(head: bytes, *, complete: bool) -> str | None:
    """The head decoded as text, or None if it is binary data."""
    for bom, encoding in (
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            try:
                text = codecs.getincrementaldecoder(encoding)().decode(
                    head, final=complete
                )
            except UnicodeDecodeError:
                return None
            return None if _BINARY_CONTROL.search(text) else text
    if b"\x00" in head:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return None
    return None if _BINARY_CONTROL.search(text) else text


_HEADER_LINE = re.compile(r"^[!-9;-~]+:")


def _looks_like_email(text: str) -> bool:
    """An RFC 822 header block: header and continuation lines, with a mail header."""
    lines = text.lstrip("\ufeff").splitlines()
    if lines and lines[0].startswith("From "):
        lines = lines[1:]  # mbox separator line written by some mail clients
    if "" in lines:
        lines = lines[: lines.index("")]
    elif lines:
        lines = lines[:-1]  # the header block goes on beyond the head: last line cut
    known = set()
    for line in lines:
        if line[0] in " \t":
            continue
        if not _HEADER_LINE.match(line):
            return False
        known.add(line.split(":", 1)[0].lower())
    # Mail always carries From, and relayed mail starts with Received lines.
    return len(lines) >= 2 and bool(known & {"from", "received", "message-id"})


_HTML_START = re.compile(
    r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b",
    re.S,
)


def _text_file(text: str, filename: str) -> SniffResult:
    extension = _extension(filename)
    if extension in _SCRIPT_EXTENSIONS:
        return _refuse_executable("text/x-script")
    start = text.lstrip("\ufeff").lower()
    if _looks_like_email(text):
        return _accept("message/rfc822", _("E-mailbericht"))
    if start.startswith("{\\rtf"):
        # RTF can embed OLE objects, a long-standing way to smuggle in exploits.
        return _refuse(
            "application/rtf",
            _("RTF-document"),
            _(
                "RTF-bestanden worden niet geaccepteerd; sla het bestand op als .docx "
                "of PDF."
            ),
        )
    if "<svg" in start[:1024]:
        # SVG images can carry scripts and are not a format evidence comes in.
        return _refuse(
            "image/svg+xml",
            _("SVG-afbeelding"),
            _("Dit soort afbeelding wordt niet geaccepteerd."),
        )
    if _HTML_START.match(start):
        return _accept("text/html", _("HTML-pagina"))
    if extension == "csv":
        return _accept("text/csv", _("CSV-bestand"))
    return _accept("text/plain", _("Tekstbestand"))


def _unknown_binary(head: bytes) -> SniffResult:
    archive = filetype.archive_match(head)
    if archive is not None:
        label = _("Archief (%(type)s)") % {"type": archive.extension.upper()}
        return _refuse_archive(archive.mime, label)
    kind = filetype.guess(head)
    return _refuse_unknown(kind.mime if kind else "application/octet-stream")


# Storage names


_UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)
MAX_STORAGE_NAME = 100


def safe_storage_name(original: str) -> str:
    """A file name safe on any disk and in any URL, close to the uploader's name.

    Directory parts (browsers on Windows may send ``C:\\...``), control characters
    and everything outside ASCII letters, digits, ``.``, ``_`` and ``-`` are removed
    (accents are folded: ``café`` becomes ``cafe``); the extension is kept and
    lowercased; the result is at most 100 characters. The original name is kept
    separately for display.
    """
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = _UNSAFE_CHARACTERS.sub("", extension).lower()[:10]
    stem = _UNSAFE_CHARACTERS.sub("-", stem.strip())
    stem = re.sub(r"[-.]{2,}", "-", stem).strip("._-")
    if not stem:
        stem = "bestand"
    suffix = f".{extension}" if extension else ""
    stem = stem[: MAX_STORAGE_NAME - len(suffix)].rstrip("._-") or "bestand"
    if stem.lower().split(".", 1)[0] in _WINDOWS_RESERVED:
        stem = f"{stem}_"  # still a device name on Windows, e.g. in a backup
    return f"{stem}{suffix}"


def _extension(filename: str) -> str:
    suffix = PurePath(filename.replace("\\", "/")).suffix
    return suffix[1:].lower()
