"""The charts of the annual management review (C11): SVG that embeds inline in a
page and in the PDF, with its labels as Dutch text. The SVG is parsed, not
matched as a string."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring

from insights import charts
from insights.figures import MONTHS, annual_figures

SVG = "{http://www.w3.org/2000/svg}"


def figures() -> dict:
    """Figures as `annual_figures` shapes them (only the parts charts read)."""
    return {
        "year": 2025,
        "per_month": {
            "months": list(MONTHS),
            "series": [
                {
                    "key": "signal",
                    "label": "Klantsignalen",
                    "values": [1234, *range(11)],
                },
                {"key": "complaint", "label": "Klachten", "values": [3] * 12},
                {"key": "appeal", "label": "Beroepen", "values": [0] * 12},
            ],
        },
        "timeliness": [
            {
                "key": "signal",
                "label": "Klantsignalen binnen 48 uur beoordeeld",
                "share": 87.5,
            },
            {
                "key": "complaint",
                "label": "Klachten binnen een maand afgehandeld",
                "share": 100.0,
            },
            {
                "key": "appeal",
                "label": "Beroepen binnen 42 dagen besloten",
                "share": None,
            },
        ],
        "timeliness_target": 90,
        "trend": {
            "years": [2021, 2022, 2023, 2024, 2025],
            "series": [
                {
                    "key": "signal",
                    "label": "Klantsignalen",
                    "received": [1500, 1234, 20, 5, 7],
                    "closed": [0] * 5,
                },
                {
                    "key": "complaint",
                    "label": "Klachten",
                    "received": [4, 3, 2, 1, 0],
                    "closed": [0] * 5,
                },
            ],
        },
    }


def parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg"), (
        "no XML declaration or doctype: it is embedded inline"
    )
    assert "<!DOCTYPE" not in svg
    assert "<?xml" not in svg
    return fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def ids(root: ET.Element, prefix: str) -> list[str]:
    return [
        e.get("id")
        for e in root.iter()
        if e.get("id") and e.get("id").startswith(prefix)
    ]


CHARTS = [charts.bars_per_month, charts.timeliness, charts.trend]


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_is_inline_svg_with_a_title_and_a_fixed_a4_width_C11(chart):
    root = parse(chart(figures()))
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text
    assert root.get("role") == "img"
    width = float(root.get("width").removesuffix("pt"))
    assert 400 < width <= 453.6  # 16 cm: the text width of an A4 page
    assert root.get("viewBox")
    # Labels are text, not glyph paths (svg.fonttype = none).
    assert texts(root)
    # Its style sheet reaches only itself, not the page it is embedded in.
    style = "".join(s.text or "" for s in root.iter(f"{SVG}style"))
    assert "\n*{" not in style
    assert not style.lstrip().startswith("*")


def test_the_charts_of_one_page_share_no_id_C11():
    """Inline on one page (and in its PDF) no id may be defined twice."""
    found = [i for chart in CHARTS for i in ids(parse(chart(figures())), "")]
    assert len(found) == len(set(found))
    assert {i for i in found if i.startswith("grafiek-")} == {
        "grafiek-maanden",
        "grafiek-tijdigheid",
        "grafiek-trend",
    }


def test_bars_per_month_C11():
    root = parse(charts.bars_per_month(figures()))
    assert len(ids(root, "bar-")) == 3 * 12
    assert len(ids(root, "bar-signal-")) == 12
    labels = texts(root)
    for month in (
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
    ):
        assert month in labels
    assert "mar" not in labels
    assert "oct" not in labels
    # Dutch thousands separator on the axis (1.234 reaches above 1.000).
    assert "1.000" in labels or "1.200" in labels
    assert not any("," in t and t.replace(",", "").isdigit() for t in labels)
    assert {"Klantsignalen", "Klachten", "Beroepen"} <= set(labels)


def test_greyscale_and_hatches_tell_the_series_apart_C11():
    svg = charts.bars_per_month(figures())
    root = parse(svg)
    fills = set()
    for e in root.iter(f"{SVG}path"):
        style = e.get("style") or ""
        for part in style.split(";"):
            if part.strip().startswith("fill: #"):
                fills.add(part.split(":")[1].strip())
    for colour in fills:
        r, g, b = colour[1:3], colour[3:5], colour[5:7]
        assert r == g == b, f"not a grey: {colour}"
    assert "<pattern" in svg  # hatches


def test_timeliness_bars_and_dashed_target_C11():
    root = parse(charts.timeliness(figures()))
    assert len(ids(root, "bar-")) == 3
    labels = texts(root)
    assert "87,5%" in labels
    assert "100%" in labels
    assert "geen zaken" in labels  # no cases: no share, said so
    assert "Norm 90%" in labels
    target = next(e for e in root.iter() if e.get("id") == "target")
    dashed = [
        p
        for p in target.iter(f"{SVG}path")
        if "stroke-dasharray" in (p.get("style") or "")
    ]
    assert dashed
    joined = " ".join(labels)
    assert "48 uur" in joined
    assert "een maand" in joined


def test_trend_C11():
    root = parse(charts.trend(figures()))
    assert len(ids(root, "line-")) == 2
    labels = texts(root)
    for year in ("2021", "2022", "2023", "2024", "2025"):
        assert year in labels
    assert "1.234" in labels
    assert "1.500" in labels


def test_the_charts_draw_the_figures_of_a_real_register_C11(db):
    """Also when the register is empty: no division by zero, no empty axis."""
    real = annual_figures(2026)
    for chart in CHARTS:
        root = parse(chart(real))
        assert root.find(f"{SVG}title") is not None
    assert len(ids(parse(charts.bars_per_month(real)), "bar-")) == 12 * len(
        real["kinds"]
    )
