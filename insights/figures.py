"""The figures of the annual management review (directiebeoordeling, C11).

`annual_figures(year)` reads the register and the quality documents through
their selectors (``cases.selectors_figures``, ``documents.selectors_figures``)
and returns plain JSON data (str, int, float, list, dict, None; moments as ISO
strings): an approved review freezes it (``ManagementReview.frozen_figures``).
`figure_tables(figures)` turns it into tables (title, columns, rows): the text
beside each chart, for the page, the PDF and the spreadsheet.

Every label is formal Dutch and names no rule id of the procedure.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import override

from cases import kinds
from cases import selectors_figures as register
from documents import selectors_figures as quality

MONTHS = (
    "jan",
    "feb",
    "mrt",
    "apr",
    "mei",
    "jun",
    "jul",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)
TREND_YEARS = 5
HOLDER_ROW = "complaint_about_holder"

SIGNAL_GROUNDS = {
    "a": "Brief of e-mail duidelijk als klacht aangeduid",
    "b": "Mondeling of telefonisch ongenoegen geuit",
    "c": "Evaluatieformulier met opmerkingen die op ongenoegen wijzen",
    "": "Geen grond (geen klacht of nog niet beoordeeld)",
}
SIGNAL_STATES = {
    "complaint": "Als klacht aangemerkt",
    "not_complaint": "Niet als klacht aangemerkt",
    "received": "Nog niet beoordeeld",
}


def _timeliness_labels() -> dict[str, str]:
    return {
        "signal": "Klantsignalen binnen 48 uur beoordeeld",
        "complaint": "Klachten binnen een maand afgehandeld",
        "appeal": (
            f"Beroepen binnen {settings.PORTAL_APPEAL_DECISION_DAYS} dagen besloten"
        ),
    }


def timeliness_target() -> int:
    """The share (percent) of cases that should meet their term: all of them,
    unless the organisation sets a norm (``PORTAL_REVIEW_TIMELINESS_TARGET``)."""
    return int(getattr(settings, "PORTAL_REVIEW_TIMELINESS_TARGET", 100))


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _choices(model_choices) -> dict[str, str]:
    with override("nl"):
        return {value: str(label) for value, label in model_choices}


def _kinds() -> list[kinds.CaseKind]:
    return list(kinds.all_kinds())


def _title(spec: kinds.CaseKind) -> str:
    with override("nl"):
        return str(spec.plural or spec.label or spec.key).capitalize()


def _case_rows(year: int, specs) -> list[dict]:
    rows = []
    for spec in specs:
        rows.append(
            {"key": spec.key, "label": _title(spec)} | register.case_counts(spec, year)
        )
        if spec.key == "complaint":
            rows.append(
                {"key": HOLDER_ROW, "label": "Waarvan klachten over certificaathouders"}
                | register.case_counts(
                    spec, year, about=spec.model.About.CERTIFICATE_HOLDER
                )
            )
    return rows


def _per_month(year: int, specs) -> dict:
    return {
        "months": list(MONTHS),
        "series": [
            {
                "key": spec.key,
                "label": _title(spec),
                "values": register.received_per_month(spec, year),
            }
            for spec in specs
        ],
    }


def _signals(year: int) -> dict | None:
    if "signal" not in kinds.keys():  # noqa: SIM118 (a function)
        return None
    spec = kinds.by_key("signal")
    channels = _choices(spec.model.Channel.choices)
    per_ground = register.per_value(spec, year, "ground")
    per_channel = register.per_value(spec, year, "channel")
    states = register.signal_qualifications(year)
    return {
        "per_ground": [
            {"key": key, "label": label, "count": per_ground.get(key, 0)}
            for key, label in SIGNAL_GROUNDS.items()
        ],
        "per_channel": [
            {"key": key, "label": label.capitalize(), "count": per_channel.get(key, 0)}
            for key, label in channels.items()
        ],
        "per_state": [
            {"key": key, "label": label, "count": states.get(key, 0)}
            for key, label in SIGNAL_STATES.items()
        ],
        "about_holder": states["about_holder"],
    }


def _clients(year: int, specs, limit: int = 10) -> list[dict]:
    found = register.per_client(year)
    rows = [
        {
            "name": entry["name"],
            "counts": {spec.key: entry["kinds"].get(spec.key, 0) for spec in specs},
            "total": sum(entry["kinds"].values()),
        }
        for entry in found.values()
    ]
    rows.sort(key=lambda r: (-r["total"], r["name"]))
    return rows[:limit]


def _versions(year: int, specs) -> list[dict]:
    table: dict[str, dict[str, int]] = {}
    for spec in specs:
        if not register.has_field(spec, "procedure_version"):
            continue
        for version, n in register.per_value(spec, year, "procedure_version").items():
            table.setdefault(version, {})[spec.key] = n
    rows = [
        {
            "version": version,
            "label": version or "Niet vastgelegd",
            "counts": {spec.key: counts.get(spec.key, 0) for spec in specs},
            "total": sum(counts.values()),
        }
        for version, counts in table.items()
    ]
    rows.sort(key=lambda r: (r["version"] == "", r["version"]))
    return rows


def _timeliness(year: int, specs, now: datetime.datetime) -> list[dict]:
    labels = _timeliness_labels()
    rows = []
    for spec in specs:
        if not spec.deadline_field or not spec.deadline_states:
            continue
        counts = register.timeliness(spec, year, now)
        measured = counts["on_time"] + counts["late"] + counts["overdue"]
        rows.append(
            {
                "key": spec.key,
                "label": labels.get(spec.key, f"{_title(spec)} binnen de termijn"),
                **counts,
                "measured": measured,
                "share": _share(counts["on_time"], measured),
            }
        )
    return rows


def _lead_times(year: int, specs) -> list[dict]:
    return [
        {"key": spec.key, "label": _title(spec)} | register.lead_times(spec, year)
        for spec in specs
    ]


def _outcomes(year: int) -> dict:
    keys = kinds.keys()
    out: dict = {}
    if "complaint" in keys:
        out["complaints"] = register.complaint_outcomes(year)
        out["special_audits"] = register.follow_up_decisions(year)
    if "appeal" in keys:
        appeals = register.appeal_outcomes(year)
        reasons = _choices(kinds.by_key("appeal").model.Inadmissible.choices)
        appeals["inadmissible"] = [
            {
                "key": key,
                "label": label.capitalize(),
                "count": appeals["inadmissible"].get(key, 0),
            }
            for key, label in reasons.items()
        ]
        out["appeals"] = appeals
    if "mediation" in keys:
        out["mediations"] = register.mediation_outcomes(year)
    return out


def _documents(year: int, today: datetime.date) -> dict:
    return {
        "changes": quality.change_figures(year),
        "acknowledgements": [
            row | {"share": _share(row["done"], row["asked"])}
            for row in quality.acknowledgement_figures(year, today)
        ],
        "reviews": quality.review_figures(year, today),
    }


def _trend(year: int, specs) -> dict:
    first = register.first_year()
    start = max(year - TREND_YEARS + 1, first if first is not None else year)
    start = min(start, year)
    years = list(range(start, year + 1))
    series = []
    for spec in specs:
        per_year = register.received_per_year(spec, start, year)
        series.append(
            {
                "key": spec.key,
                "label": _title(spec),
                "received": [per_year[y][0] for y in years],
                "closed": [per_year[y][1] for y in years],
            }
        )
    return {"years": years, "series": series}


def annual_figures(year: int, *, now: datetime.datetime | None = None) -> dict:
    """The figures of ``year`` (local years, Europe/Amsterdam) as plain JSON data.

    Keys: year, generated_at, kinds, cases, per_month, signals, clients,
    procedure_versions, timeliness, timeliness_target, lead_times, outcomes,
    documents, trend. Open cases and terms still running are judged at ``now``
    (default: the present)."""
    now = now or timezone.now()
    specs = _kinds()
    return {
        "year": year,
        "generated_at": now.isoformat(),
        "kinds": [{"key": s.key, "label": _title(s)} for s in specs],
        "cases": _case_rows(year, specs),
        "per_month": _per_month(year, specs),
        "signals": _signals(year),
        "clients": _clients(year, specs),
        "procedure_versions": _versions(year, specs),
        "timeliness": _timeliness(year, specs, now),
        "timeliness_target": timeliness_target(),
        "lead_times": _lead_times(year, specs),
        "outcomes": _outcomes(year),
        "documents": _documents(year, timezone.localdate(now)),
        "trend": _trend(year, specs),
    }


# -- Dutch numbers -------------------------------------------------------------


def format_number(value, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (``decimals`` places, trailing ',0' dropped); None -> ''."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}".replace(",", "\0").replace(".", ",")
    text = text.replace("\0", ".")
    return text.removesuffix("," + "0" * decimals) if decimals else text


def format_percent(value) -> str:
    """87.5 -> '87,5%'; 100.0 -> '100%'; None -> '–'."""
    if value is None:
        return "–"
    return f"{format_number(value, 1)}%"


def format_cell(value, kind: str) -> str:
    """A table cell as the page shows it: ``kind`` is 'text', 'int', 'decimal' or
    'percent' (a table's ``formats``)."""
    if kind == "percent":
        return format_percent(value)
    if kind == "decimal":
        return format_number(value, 1)
    if kind == "int":
        return format_number(value)
    return "" if value is None else str(value)


# -- tables ------------------------------------------------------------------------


def _table(
    title: str, columns: list[str], formats: list[str], rows: list[list]
) -> dict:
    return {"title": title, "columns": columns, "formats": formats, "rows": rows}


def figure_tables(figures: dict) -> list[dict]:
    """The figures as tables: {title, columns, formats, rows}. Cells are raw
    values (numbers stay numbers for the spreadsheet); ``formats`` says per
    column how the page shows them (`format_cell`)."""
    year = figures["year"]
    specs = figures["kinds"]
    tables = [
        _table(
            f"Zaken in {year}: ontvangen, afgesloten en openstaand",
            [
                "Soort",
                "Open op 1 januari",
                "Ontvangen",
                "Afgesloten",
                "Open op 31 december",
            ],
            ["text", "int", "int", "int", "int"],
            [
                [
                    r["label"],
                    r["open_at_start"],
                    r["received"],
                    r["closed"],
                    r["open_at_end"],
                ]
                for r in figures["cases"]
            ],
        ),
        _table(
            f"Ontvangen per maand in {year}",
            ["Soort", *figures["per_month"]["months"], "Totaal"],
            ["text", *["int"] * 13],
            [
                [s["label"], *s["values"], sum(s["values"])]
                for s in figures["per_month"]["series"]
            ],
        ),
    ]
    signals = figures.get("signals")
    if signals:
        for key, title, column in (
            ("per_state", "Klantsignalen naar beoordeling", "Beoordeling"),
            ("per_ground", "Klantsignalen naar grond van de klacht", "Grond"),
            ("per_channel", "Klantsignalen naar ontvangstkanaal", "Kanaal"),
        ):
            tables.append(
                _table(
                    title,
                    [column, "Aantal"],
                    ["text", "int"],
                    [[r["label"], r["count"]] for r in signals[key]],
                )
            )
    kind_columns = [s["label"] for s in specs]
    tables.append(
        _table(
            "Klanten met de meeste zaken",
            ["Klant", *kind_columns, "Totaal"],
            ["text", *["int"] * (len(specs) + 1)],
            [
                [r["name"], *(r["counts"][s["key"]] for s in specs), r["total"]]
                for r in figures["clients"]
            ],
        )
    )
    tables.append(
        _table(
            "Zaken per geldende versie van de procedure",
            ["Versie", *kind_columns, "Totaal"],
            ["text", *["int"] * (len(specs) + 1)],
            [
                [r["label"], *(r["counts"][s["key"]] for s in specs), r["total"]]
                for r in figures["procedure_versions"]
            ],
        )
    )
    tables.append(
        _table(
            "Tijdigheid",
            [
                "Maatstaf",
                "Op tijd",
                "Te laat",
                "Open, termijn verstreken",
                "Open, binnen termijn",
                "Aandeel op tijd",
            ],
            ["text", "int", "int", "int", "int", "percent"],
            [
                [
                    r["label"],
                    r["on_time"],
                    r["late"],
                    r["overdue"],
                    r["pending"],
                    r["share"],
                ]
                for r in figures["timeliness"]
            ],
        )
    )
    tables.append(
        _table(
            "Doorlooptijd van afgesloten zaken (kalenderdagen)",
            ["Soort", "Afgesloten", "Mediaan", "90e percentiel", "Langste"],
            ["text", "int", "decimal", "int", "int"],
            [
                [r["label"], r["count"], r["median"], r["p90"], r["max"]]
                for r in figures["lead_times"]
            ],
        )
    )
    tables.extend(_outcome_tables(figures["outcomes"]))
    tables.extend(_document_tables(figures["documents"]))
    trend = figures["trend"]
    tables.append(
        _table(
            "Ontwikkeling over de jaren",
            [
                "Jaar",
                *(f"{s['label']} ontvangen" for s in trend["series"]),
                *(f"{s['label']} afgesloten" for s in trend["series"]),
            ],
            ["text", *["int"] * (2 * len(trend["series"]))],
            [
                [
                    str(y),
                    *(s["received"][i] for s in trend["series"]),
                    *(s["closed"][i] for s in trend["series"]),
                ]
                for i, y in enumerate(trend["years"])
            ],
        )
    )
    return tables


def _pairs(title: str, pairs: list[tuple[str, int]]) -> dict:
    return _table(
        title, ["Omschrijving", "Aantal"], ["text", "int"], [list(p) for p in pairs]
    )


def _outcome_tables(outcomes: dict) -> list[dict]:
    tables = []
    if c := outcomes.get("complaints"):
        tables.append(
            _pairs(
                "Uitkomsten van klachten",
                [
                    ("Afgesloten", c["closed"]),
                    ("Afgesloten met tevredenheid van de klant", c["closed_satisfied"]),
                    (
                        "Leidde tot wijziging van het kwaliteitssysteem",
                        c["leads_to_change"],
                    ),
                    ("Over een certificaathouder", c["about_holder"]),
                ],
            )
        )
    if s := outcomes.get("special_audits"):
        tables.append(
            _pairs(
                "Vervolg bij klachten over certificaathouders",
                [
                    ("Besloten tot een Speciaal Onderzoek", s["special_audit"]),
                    (
                        "Meegenomen in het volgende reguliere onderzoek",
                        s["next_regular"],
                    ),
                    ("Nog geen besluit over het vervolg", s["undecided"]),
                ],
            )
        )
    if a := outcomes.get("appeals"):
        tables.append(
            _pairs(
                "Uitkomsten van beroepen",
                [
                    ("Beslissing blijft in stand", a["upheld"]),
                    ("Beslissing gewijzigd", a["changed"]),
                    *(
                        (f"Niet-ontvankelijk: {r['label'].lower()}", r["count"])
                        for r in a["inadmissible"]
                    ),
                ],
            )
        )
    if m := outcomes.get("mediations"):
        tables.append(
            _pairs(
                "Mediations",
                [
                    ("Geregistreerd", m["registered"]),
                    ("Na een klacht", m["from_complaint"]),
                    ("Over een betwiste beslissing", m["from_decision"]),
                    ("Sessies gehouden", m["sessions"]),
                    ("Afgesloten", m["closed"]),
                    ("Afgesloten met vastgelegde uitkomst", m["closed_with_outcome"]),
                ],
            )
        )
    return tables


def _document_tables(documents: dict) -> list[dict]:
    ch = documents["changes"]
    rv = documents["reviews"]
    return [
        _pairs(
            "Wijzigingen van het kwaliteitssysteem",
            [
                ("Wijzigingsverzoeken naar aanleiding van klachten", ch["opened"]),
                ("Wijzigingsverzoeken afgerond", ch["completed"]),
                (
                    "Wijzigingsverzoeken open aan het eind van het jaar",
                    ch["open_at_end"],
                ),
                ("Gepubliceerde procedureversies", ch["published"]),
                ("Waarvan na een wijzigingsverzoek", ch["after_request"]),
                ("Herziene procedures", ch["procedures"]),
            ],
        ),
        _table(
            "Gelezen en begrepen per procedure",
            ["Procedure", "Gevraagd", "Bevestigd", "Te laat open", "Aandeel bevestigd"],
            ["text", "int", "int", "int", "percent"],
            [
                [
                    f"{r['code']} {r['title']}".strip(),
                    r["asked"],
                    r["done"],
                    r["overdue"],
                    r["share"],
                ]
                for r in documents["acknowledgements"]
            ],
        ),
        _pairs(
            "Periodieke beoordeling van procedures",
            [
                ("Beoordelingen uitgevoerd", rv["done"]),
                ("Procedures met verstreken beoordelingsdatum", rv["overdue"]),
            ],
        ),
    ]
