"""Importing an existing procedure document (.txt, .docx, .pdf) as a draft page.

Reading is pure: `parse_document` turns the file's bytes into a `ParsedDocument`
(title, sections of paragraphs and lists, the page headers and footers it left out)
without touching the database, so the rules below are tested on their own. One write,
`procedure_import`, creates the draft (or a new draft revision) from it; the
``import_procedure`` command and the admin upload form both only call these two.

What the reader recognises in text from a .txt or a .pdf:

- page headers and footers: the organisation's footer
  ("<org> | <title> | versie 2305 | blz. 4 van 4"), "blz./pagina X van Y", bare page
  numbers at a page edge, and any line repeated at the top or bottom of most pages;
- headings: a short line (at most 70 characters) that starts with a capital or a
  section number ("3.2 Beroep"), ends without a full stop, follows the end of a
  sentence or a blank line, and is followed by text;
- list items: lines starting with "-", "•", "*", "–", "o " (unordered) or "1." / "a)"
  (numbered); an item's wrapped lines are joined to it;
- paragraphs: wrapped lines are joined (also across a page break when the sentence
  runs on in lowercase), "klach-" + "ten" becomes "klachten"; a paragraph ends at a
  blank line, or at a clearly short line that ends a sentence.

A .docx is read by its structure instead: Word heading styles ("Heading 1", "Kop 1")
or outline levels, the Title style, list styles or numbering for list items.
"""

from .page import ImportOutcome, next_free_code, procedure_import
from .reading import FORMATS, MAX_UPLOAD_BYTES, detect_format, parse_document
from .result import Block, ParsedDocument, Section
from .text import parse_pdf, parse_text
from .word import parse_docx

__all__ = [
    "FORMATS",
    "MAX_UPLOAD_BYTES",
    "Block",
    "ImportOutcome",
    "ParsedDocument",
    "Section",
    "detect_format",
    "next_free_code",
    "parse_document",
    "parse_docx",
    "parse_pdf",
    "parse_text",
    "procedure_import",
]
