"""What every download the portal answers carries (issue 18, item 4): saved as a
file under a safe name, never sniffed into something a browser runs, never kept
in a cache (evidence, exports and letters are confidential); and the tables it
exports as CSV (";", with BOM, for Excel in a Dutch locale) and XLSX."""

from __future__ import annotations

import csv
import datetime
import io

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _


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


def csv_response(table: list[list], *, filename: str) -> HttpResponse:
    # A BOM and ';': Excel in a Dutch locale opens the file with the right
    # characters and columns by double-clicking it.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    as_download(response, filename)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    for line in table:
        writer.writerow([cell_text(v) for v in line])
    return response


def _write_sheet(ws, table: list[list]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for r, line in enumerate(table, start=1):
        for c, value in enumerate(line, start=1):
            if isinstance(value, datetime.datetime):
                value = value.replace(tzinfo=None)  # Excel has no time zones
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
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _workbook_response(wb, filename: str) -> HttpResponse:
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
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
