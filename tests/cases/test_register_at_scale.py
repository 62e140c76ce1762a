"""The register at scale (issue 15, item 4): every page and export a role works
with costs the same number of queries whatever the number of cases, logbook
lines and files; and ``manage.py benchmark_register`` runs and prints its table.

The registers are made by the benchmark's own generator (`portal.bench`), once
small and once about eight times larger, in the same database (``tag`` keeps
their names apart); each role's pages are counted after one warming request.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.views.register_rows import SORTS, register_rows
from portal.bench.generate import ROLES, Plan, generate
from portal.bench.measure import client_for, count_queries, has_admin, pages_for
from portal.management.commands import benchmark_register

pytestmark = pytest.mark.django_db

# 5 against 40 own cases, 10 against 80 logbook lines on the case page, 5
# against 50 files in the dossier, 40 against 440 cases in the register.
SMALL = Plan(cases=40, events=200, files=10, own=5, case_events=10, dossier_files=5)
LARGE = Plan(cases=400, events=2000, files=80, own=40, case_events=80, dossier_files=50)


def _counts(reg, role: str) -> dict[str, tuple[int, int]]:
    browser = client_for(reg.users[role])
    counts = {}
    for page in pages_for(reg, role):
        count_queries(browser, page.url)  # warm the caches
        counts[page.key] = count_queries(browser, page.url)
    return counts


@pytest.mark.parametrize("role", [key for key, _code, _name in ROLES])
def test_query_counts_do_not_grow_with_the_register(role):
    small = generate(replace(SMALL, tag="a"))
    large = generate(replace(LARGE, tag="b"))
    few, many = _counts(small, role), _counts(large, role)
    assert set(few) == set(many)
    assert all(status == 200 for status, _n in [*few.values(), *many.values()]), (
        few,
        many,
    )
    grown = {
        page: (few[page][1], many[page][1])
        for page in few
        if many[page][1] != few[page][1]
    }
    assert not grown, f"queries (klein, groot) per pagina van {role}: {grown}"


def test_the_generator_gives_each_role_its_share():
    reg = generate(LARGE)
    assert reg.counts["cases"] == 400
    assert reg.counts["events"] == 2000
    assert reg.counts["files"] == 80
    handler, decider = reg.users["kerngroep"], reg.users["beslisser"]
    assert handler.handled_complaints.count() == 40
    assert decider.assigned_appeals.count() == 40
    assert reg.focus["kwaliteit"].events.count() >= 80
    assert reg.focus_client.evidence.count() == 50


def test_benchmark_register_refuses_without_sandbox():
    with pytest.raises(CommandError, match="--sandbox"):
        call_command("benchmark_register", "--cases=200")


def test_benchmark_register_runs_and_prints_its_table(monkeypatch, settings, tmp_path):
    """The brief's command line, with the child process run in this process on
    the test database (a new sandbox spends most of a minute on migrations)."""
    settings.BENCHMARK_SANDBOX = True
    out = io.StringIO()
    calls = []

    def in_this_process(command, arguments, **kwargs):
        calls.append((command, arguments, kwargs["prefix"]))
        call_command(command, "--inner", *arguments, stdout=out)
        return 0

    monkeypatch.setattr(benchmark_register, "run_in_sandbox", in_this_process)
    report = tmp_path / "register.json"
    call_command(
        "benchmark_register",
        "--sandbox",
        "--cases",
        "200",
        "--events",
        "1000",
        "--files",
        "50",
        "--rounds",
        "1",
        "--json",
        str(report),
    )
    assert calls[0][0] == "benchmark_register"
    assert calls[0][2] == "benchmark-register-"
    text = out.getvalue()
    assert "200 zaken" in text
    for header in ("Rol", "Pagina", "p50", "p95", "queries", "piekgeheugen"):
        assert header in text
    for label in ("Register, klant", "Export CSV", "Export XLSX", "Dashboard /admin/"):
        assert label in text
    assert " ms" in text
    assert " MB" in text
    data = json.loads(report.read_text("utf-8"))
    assert data["generated"]["cases"] == 200
    assert {r["status"] for r in data["results"]} == {200}
    assert {r["role"] for r in data["results"]} == {k for k, _c, _n in ROLES}


# -- the page reads only its own rows; the exports stream (issue 15, item 4) -----


ADMIN_ROLES = [key for key, code, _name in ROLES if has_admin(code)]


def _keys(rows) -> list[tuple[str, int]]:
    return [(values["row_kind"], values["row_pk"]) for values in rows]


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_a_page_holds_exactly_the_rows_of_the_full_register_at_its_place_C4(role):
    """A page computes its logbook counts and closing dates for its own rows only:
    it must still be the same slice of the same rows, in every order and under
    the filters, as the register read whole (what the exports read)."""
    reg = generate(LARGE)
    user = reg.users[role]
    now = timezone.now()
    orders = [None, *[(key, desc) for key in SORTS for desc in (False, True)]]
    selections = [{}, {"kind": "complaint"}, {"stage": "closed"}, {"year": reg.year}]
    for filters in selections:
        for sort in orders:
            rows = register_rows(user, filters, now=now, sort=sort)
            whole = list(rows.export().iterator())
            assert rows.count() == len(whole)
            for start in (0, 50, 100, max(len(whole) - 30, 0)):
                page = rows[start : start + 50]
                assert _keys(page) == _keys(whole[start : start + 50]), (filters, sort)
                assert page == whole[start : start + 50]


def test_the_exports_are_counted_with_the_pages():
    """The query counts above cover both exports, read to their end."""
    reg = generate(SMALL)
    for role in ADMIN_ROLES:
        pages = {page.key: page for page in pages_for(reg, role)}
        assert pages["csv"].export
        assert pages["xlsx"].export


def test_the_csv_export_streams_and_the_xlsx_has_its_header_and_rows():
    reg = generate(SMALL)
    browser = client_for(reg.users["kwaliteit"])
    url = reverse("cases_admin:register")

    response = browser.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))

    response = browser.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    assert response.streaming  # a FileResponse over the written file
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    table = [list(row) for row in ws.iter_rows(values_only=True)]

    header = lines[0]
    assert table[0][: len(header)] == header
    assert table[0][len(header) :] == [
        "Omschrijving",
        "Oorzaakanalyse",
        "Genomen maatregelen",
        "Geleerde lessen",
    ]
    assert len(table) == len(lines) == reg.counts["cases"] + 1
    assert [row[0] for row in table[1:]] == [line[0] for line in lines[1:]]
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:R{len(table)}"
