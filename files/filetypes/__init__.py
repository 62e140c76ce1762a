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
from os import PathLike
from typing import IO, BinaryIO

import filetype
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .containers import _OLE_MAGIC, _ZIP_MAGIC, _ole_container, _zip_container
from .names import MAX_STORAGE_NAME, safe_storage_name
from .text import _as_text, _text_file, _unknown_binary
from .verdicts import (
    ALLOWED_DESCRIPTION,
    HEAD_BYTES,
    SniffResult,
    _accept,
    _refuse,
    _refuse_executable,
)


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


__all__ = [
    "ALLOWED_DESCRIPTION",
    "HEAD_BYTES",
    "MAX_STORAGE_NAME",
    "SniffResult",
    "safe_storage_name",
    "sniff",
]
