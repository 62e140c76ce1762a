"""What every download the portal answers carries (issue 18, item 4): saved as a
file under a safe name, never sniffed into something a browser runs, never kept
in a cache (evidence, exports and letters are confidential); and the tables it
exports as CSV (";", with BOM, for Excel in a Dutch locale) and XLSX."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import tempfile
from collections.abc import Iterable

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_download(response, filename: str, *, inline: bool = False):
    """``inline`` only for PDFs the portal rendered itself (a letter template's
    preview), which a reader wants to see at once; uploads are always saved."""
    # content_disposition_header quotes the name and encodes anything outside
    # ASCII (RFC 6266), so a client's file name cannot break the header.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    return response


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    text = str(value)
    # A typed note starting like a formula must stay text in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class WholeBodyMixin:
    """A streamed download that still answers ``.content`` (a test, a caller
    that wants the bytes): reading it reads the stream to its end, once, and
    keeps the bytes for ``streaming_content``."""

    @property
    def content(self) -> bytes:
        body = b"".join(self.streaming_content)
        self.streaming_content = [body]
        return body


class StreamingDownload(WholeBodyMixin, StreamingHttpResponse):
    pass


class FileDownload(WholeBodyMixin, FileResponse):
    block_size = 64 * 1024


def _in_this_request(lines: Iterable):
    """``lines`` read while the response streams, after the view has returned:
    in the language and time zone of the request that asked for them."""
    language = translation.get_language()
    zone = timezone.get_current_timezone()
    with translation.override(language), timezone.override(zone):
        yield from lines


# Lines of CSV sent at a time: one chunk per line would cost a write per line.
CSV_BATCH = 500


def csv_response(lines: Iterable[list], *, filename: str) -> StreamingHttpResponse:
    """``lines`` (a header, then rows; any iterable, read once) as a CSV download,
    written while it is sent."""

    def chunks():
        # A BOM and ';': Excel in a Dutch locale opens the file with the right
        # characters and columns by double-clicking it.
        yield "\ufeff"
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        for n, line in enumerate(_in_this_request(lines), start=1):
            writer.writerow([cell_text(v) for v in line])
            if n % CSV_BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()

    response = StreamingDownload(chunks(), content_type="text/csv; charset=utf-8")
    return as_download(response, filename)


def _cell_value(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones
    return value


def _column_width(width: int) -> int:
    return min(max(width + 2, 10), 60)


def _write_sheet(ws, table: list[list]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for r, line in enumerate(table, start=1):
        for c, value in enumerate(line, start=1):
            value = _cell_value(value)
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if r == 1:
                cell.font = Font(bold=True)
            elif isinstance(value, datetime.datetime):
                cell.number_format = "DD-MM-YYYY HH:MM"
            elif isinstance(value, datetime.date):
                cell.number_format = "DD-MM-YYYY"
            shown = len(cell_text(value)) if value is not None else 0
            widths[c] = max(widths.get(c, 0), shown)
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = _column_width(width)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


# Rows an XLSX export sizes its columns on: a write-only sheet takes its column
# widths before its first row, so they follow the header and the first rows.
WIDTH_SAMPLE = 1000


def _write_only_sheet(ws, lines: Iterable[list]) -> None:
    """``lines`` (a header, then rows) into a write-only sheet, formatted as
    `_write_sheet` does: a bold header, dates as dates, a formula-like text as
    text, sized columns, the header frozen and filtered."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    lines = iter(lines)
    first = list(itertools.islice(lines, WIDTH_SAMPLE + 1))
    widths: dict[int, int] = {}
    for line in first:
        for c, value in enumerate(line, start=1):
            value = _cell_value(value)
            shown = len(cell_text(value)) if value is not None else 0
            widths[c] = max(widths.get(c, 0), shown)
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = _column_width(width)
    ws.freeze_panes = "A2"

    def cell(value, header: bool):
        value = _cell_value(value)
        formula_like = isinstance(value, str) and value.startswith("=")
        if not (header or formula_like or isinstance(value, datetime.date)):
            return value
        cell = WriteOnlyCell(ws, value=value)
        if formula_like:
            cell.data_type = "s"  # text, never a formula
        if header:
            cell.font = bold
        elif isinstance(value, datetime.datetime):
            cell.number_format = "DD-MM-YYYY HH:MM"
        elif isinstance(value, datetime.date):
            cell.number_format = "DD-MM-YYYY"
        return cell

    rows = columns = 0
    for r, line in enumerate(itertools.chain(first, lines), start=1):
        ws.append([cell(value, r == 1) for value in line])
        rows, columns = r, max(columns, len(line))
    if rows > 1 and columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows}"


def xlsx_file_response(
    lines: Iterable[list], *, filename: str, title: str | None = None
) -> FileResponse:
    """``lines`` (a header, then rows; any iterable, read once) as an XLSX
    download, written row by row (openpyxl's write-only workbook) to a temporary
    file that is sent and then removed."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title or _("Blad"), set()))
    _write_only_sheet(ws, _in_this_request(lines))
    out = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the response)
    try:
        wb.save(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    response = FileDownload(out, content_type=XLSX)
    return as_download(response, filename)


def _workbook_response(wb, filename: str) -> HttpResponse:
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type=XLSX,
    )
    return as_download(response, filename)


def sheet_title(title: str, taken: set[str]) -> str:
    r"""A worksheet name Excel accepts: at most 31 characters, none of []:*?/\,
    unique in the workbook."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    clean = clean[:31] or "Blad"
    name, n = clean, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def xlsx_response(
    table: list[list], *, filename: str, title: str | None = None
) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title or _("Blad"), set())
    _write_sheet(ws, table)
    return _workbook_response(wb, filename)


def xlsx_tables_response(tables: list[tuple[str, list[list]]], *, filename: str):
    """Several tables, one worksheet each: ``[(title, [header, *rows]), ...]``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for title, table in tables:
        _write_sheet(wb.create_sheet(sheet_title(title, taken)), table)
    return _workbook_response(wb, filename)
