"""Hostile sample files for bounded extraction, built in code and small in bytes.

Each builder returns the file's bytes: a DOCX zip bomb, a DOCX that is valid but
needs gigabytes to parse, PDFs whose content streams inflate hugely or take
very long to read. ``scripts/bench_extraction.py`` uses them too.
"""

import struct
import zlib

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType='
    b'"application/vnd.openxmlformats-officedocument.wordprocessingml.'
    b'document.main+xml"/></Types>'
)
_MIB = 1024 * 1024


def docx_zip_bomb(*, inflated_mib: int = 100, copies: int = 20) -> bytes:
    """A DOCX of a few hundred KB whose entries inflate to gigabytes.

    ``word/document.xml`` inflates to `inflated_mib` MiB of paragraphs; the
    central directory then lists that one entry `copies` times (entries that
    overlap, all pointing at the same data), so unpacking every entry writes
    ``copies * inflated_mib`` MiB."""
    block = _paragraphs(_MIB)
    body, crc, size = _deflate_repeated(block, inflated_mib, prefix=_DOC_HEAD)
    members = [("[Content_Types].xml", *_deflate_once(_CONTENT_TYPES))]
    members += [("word/document.xml", body, crc, size)]
    return _zip(members, repeat_last=copies)


def docx_one_huge_paragraph(*, runs: int = 3_000_000) -> bytes:
    """A valid DOCX under every size bound (about 90 MB inflated) whose only
    paragraph holds millions of runs: reading it whole needs gigabytes."""
    run = b"<w:r><w:t>x</w:t></w:r>"
    content = _DOC_HEAD + b"<w:p>" + run * runs + b"</w:p></w:body></w:document>"
    members = [
        ("[Content_Types].xml", *_deflate_once(_CONTENT_TYPES)),
        ("word/document.xml", *_deflate_once(content)),
    ]
    return _zip(members)


def pdf_huge_stream(*, inflated_mib: int = 70) -> bytes:
    """A one-page PDF of about 100 KB whose content stream inflates to
    `inflated_mib` MiB of text operators. The stream is compressed one MiB at a
    time, so building it takes about one MiB here, not the inflated size."""
    operators = b"(ab) Tj " * (_MIB // 8)
    pieces = [b"BT /F1 12 Tf 10 10 Td ", *[operators] * inflated_mib, b"ET"]
    compressor = zlib.compressobj(9)
    stream = b"".join(compressor.compress(piece) for piece in pieces)
    return _pdf_with_stream(stream + compressor.flush(), pages=1)


def pdf_slow(*, pages: int = 200) -> bytes:
    """A PDF of a few KB that takes minutes to read: every page shares one content
    stream of nearly two million empty text operators (below pypdf's limit per
    stream), which are parsed again for each page."""
    operators = b"() Tj " * 950_000
    return pdf_with_content(b"BT /F1 12 Tf " + operators + b"ET", pages=pages)


def pdf_with_content(content: bytes, *, pages: int) -> bytes:
    """A PDF whose `pages` pages all draw one compressed content stream."""
    return _pdf_with_stream(zlib.compress(content, 9), pages=pages)


def _pdf_with_stream(stream: bytes, *, pages: int) -> bytes:
    """A PDF whose `pages` pages all draw `stream` (zlib-compressed operators)."""
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>"
    )
    objects += [page] * pages
    return pdf_from_objects(objects)


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF file from its numbered objects (1, 2, ...; object 1 the catalog)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


_DOC_HEAD = f'<w:document xmlns:w="{_W}"><w:body>'.encode()


def _paragraphs(size: int) -> bytes:
    paragraph = b"<w:p><w:r><w:t>bom</w:t></w:r></w:p>"
    return (paragraph * (size // len(paragraph) + 1))[:size]


def _deflate_once(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = compressor.compress(data) + compressor.flush()
    return body, zlib.crc32(data), len(data)


def _deflate_repeated(
    block: bytes, times: int, *, prefix: bytes = b""
) -> tuple[bytes, int, int]:
    """Raw deflate data of `prefix` plus `block` repeated `times` times, from a
    single compression of `block`: a full flush empties the compressor's
    history, so every copy compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    copy = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = head + copy * times + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return body, crc, len(prefix) + len(block) * times


def _zip(members: list[tuple[str, bytes, int, int]], *, repeat_last: int = 1) -> bytes:
    """A ZIP archive of deflated members; the last one listed `repeat_last`
    times in the central directory (overlapping entries)."""
    out = bytearray()
    central = bytearray()
    entries = 0
    for index, (name, body, crc, size) in enumerate(members):
        offset = len(out)
        encoded = name.encode()
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(body),
            size,
            len(encoded),
            0,
        )
        out += encoded + body
        copies = repeat_last if index == len(members) - 1 else 1
        for _ in range(copies):
            central += struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(body),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            central += encoded
            entries += 1
    directory = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(central), directory, 0
    )
    return bytes(out)
