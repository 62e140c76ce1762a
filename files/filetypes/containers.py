"""Office and OpenDocument files (ZIP) and Outlook messages (OLE2), told apart
by their member names."""

import struct
import zipfile
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .verdicts import (
    SniffResult,
    _accept,
    _refuse,
    _refuse_archive,
    _refuse_executable,
    _refuse_unknown,
)

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
