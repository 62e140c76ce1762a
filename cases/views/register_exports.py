"""The register's exports: the listing as CSV (";", with BOM, for Excel) and
XLSX, and one case's logbook as CSV."""

from __future__ import annotations

import csv
import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .downloads import as_download
from .register_rows import RegisterRow

# -- export ------------------------------------------------------------------


def export_rows(rows, now) -> list[list]:
    header = [
        _("Nummer"),
        _("Soort"),
        _("Klant"),
        _("Ontvangen op"),
        _("Status"),
        _("Behandelaar"),
        _("Termijn"),
        _("Termijnstatus"),
        _("Logboekregels"),
        _("Waarschuwing"),
    ]
    body = []
    for values in rows:
        row = RegisterRow.from_values(values, now)
        deadline = row.open_deadline
        body.append(
            [
                row.number,
                row.kind_label,
                row.client,
                row.local_date,
                row.state_label,
                row.responsible,
                timezone.localtime(deadline) if deadline else None,
                row.deadline_text,
                row.events,
                row.e6_warning,
            ]
        )
    return [header, *body]


def local_text(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else ""


def _cell_text(value) -> str:
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


def _filename(ext: str) -> str:
    return f"casusregister-{timezone.localdate():%Y-%m-%d}.{ext}"


def csv_response(table: list[list], *, filename: str | None = None) -> HttpResponse:
    # A BOM and ';': Excel in a Dutch locale opens the file with the right
    # characters and columns by double-clicking it.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    as_download(response, filename or _filename("csv"))
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    for line in table:
        writer.writerow([_cell_text(v) for v in line])
    return response


def xlsx_response(table: list[list]) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("Casusregister")
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
            shown = len(_cell_text(value)) if value is not None else 0
            widths[c] = max(widths.get(c, 0), shown)
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
    )
    return as_download(response, _filename("xlsx"))
