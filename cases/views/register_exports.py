"""The register's exports: the listing as CSV (";", with BOM, for Excel) and
XLSX, and one case's logbook (``cases.views.logbook``).

The rows are the listing's, so scoped exactly as it is (C4, E4). The XLSX adds
the texts a clerk reports on (issue 16, item 7): description, cause analysis,
measures and lessons learned, for each kind whose model keeps them, read in the
same query as the rows.

Both are written while the rows are read (issue 15, item 4): the CSV streams,
the XLSX is written row by row to a temporary file, so an export of 20,000
cases holds a chunk of rows in memory, never the whole table."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal import downloads

from .register_rows import RegisterRow

# The texts the XLSX export adds, by model field: a kind shows those its model
# has (a complaint all four, a signal its description), others an empty cell.
TEXT_COLUMNS = (
    ("description", _lazy("Omschrijving")),
    ("cause_analysis", _lazy("Oorzaakanalyse")),
    ("measures", _lazy("Genomen maatregelen")),
    ("lessons_learned", _lazy("Geleerde lessen")),
)
TEXT_FIELDS = tuple(name for name, _label in TEXT_COLUMNS)

# Rows read from the database at a time (``QuerySet.iterator``).
CHUNK_SIZE = 2000

# -- export ------------------------------------------------------------------


def export_rows(rows, now, *, texts: bool = False) -> Iterator[list]:
    """The header, then one line per row of ``rows`` (value rows of the register,
    with ``row_text_<field>`` for ``texts``), read in chunks while written."""
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
        _("Afgesloten op"),
        _("Doorlooptijd (dagen)"),
        _("Herkomst"),
        _("Omgezet in"),
    ]
    if texts:
        header += [str(label) for _name, label in TEXT_COLUMNS]
    yield header
    if hasattr(rows, "iterator"):
        rows = rows.iterator(chunk_size=CHUNK_SIZE)
    for values in rows:
        row = RegisterRow.from_values(values, now)
        deadline = row.open_deadline
        line = [
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
            row.closed_date,
            row.lead_days,
            row.origin_text,
            row.result_text,
        ]
        if texts:
            line += [values.get(f"row_text_{name}", "") for name in TEXT_FIELDS]
        yield line


def local_text(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else ""


def _filename(ext: str) -> str:
    return f"casusregister-{timezone.localdate():%Y-%m-%d}.{ext}"


def csv_response(
    table: Iterable[list], *, filename: str | None = None
) -> StreamingHttpResponse:
    return downloads.csv_response(table, filename=filename or _filename("csv"))


def xlsx_response(
    table: Iterable[list], *, filename: str | None = None, title: str | None = None
):
    return downloads.xlsx_file_response(
        table, filename=filename or _filename("xlsx"), title=title or _("Casusregister")
    )
