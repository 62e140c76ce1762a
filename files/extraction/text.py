"""Plain text and HTML, and decoding text whose encoding nobody told us."""

import codecs
from typing import BinaryIO

# HTML carries markup around its text; read this many bytes per character of the cap.
_HTML_BYTES_PER_CHAR = 10


def extract_text_file(stream: BinaryIO, max_chars: int) -> str:
    # UTF-8 needs at most 4 bytes per character, so this is enough for the cap.
    limit = max_chars * 4
    data = stream.read(limit + 1)
    return decode_text(data[:limit], final=len(data) <= limit)


def extract_html_file(stream: BinaryIO, max_chars: int) -> str:
    limit = max_chars * _HTML_BYTES_PER_CHAR
    return html_to_text(stream.read(limit), max_chars)


def decode_text(data: bytes, *, final: bool = True) -> str:
    """Decode text whose encoding nobody told us: BOMs, then UTF-8, then cp1252.

    Dutch files that are not UTF-8 are nearly always Windows-1252; latin-1 is the
    last resort because it decodes anything (cp1252 leaves five bytes undefined).
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return codecs.getincrementaldecoder(encoding)("replace").decode(
                data, final=final
            )
    try:
        # Not final when the data was cut off: a split multi-byte character at the
        # end must not make a UTF-8 file look like cp1252.
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# Elements whose content a reader never sees.
_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "head", "iframe", "svg"]
# Elements that start a new line, so their words do not run together.
_BLOCK_TAGS = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "title",
    "tr",
    "ul",
]


def html_to_text(data: bytes | str, max_chars: int) -> str:
    """The visible text of an HTML document.

    BeautifulSoup (already a Wagtail dependency) with lxml's parser: it copes with
    real-world broken markup and detects the encoding from BOM and ``<meta>``.
    Extraction never fetches anything the document refers to.
    """
    from bs4 import BeautifulSoup, Comment

    if not data.strip():
        return ""
    soup = BeautifulSoup(data, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for element in soup.find_all(_INVISIBLE_TAGS):
        element.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for element in soup.find_all(_BLOCK_TAGS):
        element.insert_before("\n")
        element.insert_after("\n")
    text = soup.get_text()
    if title and title not in text:
        text = f"{title}\n\n{text}"
    return text[: max_chars + 1]
