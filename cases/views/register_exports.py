"""The register's exports: the listing as CSV (";", with BOM, for Excel) and
XLSX, and one case's logbook (``cases.views.logbook``).

The rows are the listing's, so scoped exactly as it is (C4, E4). The XLSX adds
the texts a clerk reports on (issue 16, item 7): description, cause analysis,
measures and lessons learned, for each kind whose model keeps them, read for
exactly the rows exported."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal import downloads

from .. import kinds
from .register_rows import RegisterRow

# The texts the XLSX export adds, by model field: a kind shows those its model
# has (a complaint all four, a signal its description), others an empty cell.
TEXT_COLUMNS = (
    ("description", _lazy("Omschrijving")),
    ("cause_analysis", _lazy("Oorzaakanalyse")),
    ("measures", _lazy("Genomen maatregelen")),
    ("lessons_learned", _lazy("Geleerde lessen")),
)

# -- export ------------------------------------------------------------------


def _text_fields(spec: kinds.CaseKind) -> list[str]:
    names = {f.name for f in spec.model._meta.concrete_fields}
    return [name for name, _label in TEXT_COLUMNS if name in names]


def case_texts(values_rows: list[dict]) -> dict[tuple[str, int], dict]:
    """(kind, pk) -> {field: text} for the exported rows: one query per kind that
    keeps any of the texts, whatever the number of rows."""
    wanted: dict[str, list[int]] = {}
    for values in values_rows:
        wanted.setdefault(values["row_kind"], []).append(values["row_pk"])
    texts = {}
    for key, pks in wanted.items():
        spec = kinds.by_key(key)
        fields = _text_fields(spec)
        if not fields:
            continue
        for item in spec.model.objects.filter(pk__in=pks).values("pk", *fields):
            texts[(key, item.pop("pk"))] = item
    return texts


def export_rows(rows, now, *, texts: bool = False) -> list[list]:
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
    rows = list(rows)
    extra = {}
    if texts:
        header += [str(label) for _name, label in TEXT_COLUMNS]
        extra = case_texts(rows)
    body = []
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
            own = extra.get((row.spec.key, row.pk), {})
            line += [own.get(name, "") for name, _label in TEXT_COLUMNS]
        body.append(line)
    return [header, *body]


def local_text(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else ""


def _filename(ext: str) -> str:
    return f"casusregister-{timezone.localdate():%Y-%m-%d}.{ext}"


def csv_response(table: list[list], *, filename: str | None = None) -> HttpResponse:
    return downloads.csv_response(table, filename=filename or _filename("csv"))


def xlsx_response(
    table: list[list], *, filename: str | None = None, title: str | None = None
) -> HttpResponse:
    return downloads.xlsx_response(
        table, filename=filename or _filename("xlsx"), title=title or _("Casusregister")
    )
