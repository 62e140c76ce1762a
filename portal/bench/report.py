"""The benchmark's table (Dutch headers, numbers with units) and its JSON."""

from __future__ import annotations

import json
from pathlib import Path

from .generate import ROLES
from .measure import Result

HEADERS = ("Rol", "Pagina", "p50", "p95", "queries", "piekgeheugen", "antwoord")


def _size(n: int) -> str:
    if n >= 2**20:
        return f"{n / 2**20:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} B"


def table(results: list[Result]) -> list[str]:
    names = {key: name for key, _code, name in ROLES}
    rows = [
        (
            names[r.role],
            r.label,
            f"{r.p50:,.0f} ms",
            f"{r.p95:,.0f} ms",
            str(r.queries),
            "" if r.peak_mb is None else f"{r.peak_mb:,.1f} MB",
            f"{r.status}, {_size(r.size)}",
        )
        for r in results
    ]
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(HEADERS)
    ]
    right = {2, 3, 4, 5}

    def line(cells) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(HEADERS), line("-" * w for w in widths)]
    previous = None
    for row in rows:
        shown = ("" if row[0] == previous else row[0], *row[1:])
        previous = row[0]
        out.append(line(shown))
    return out


def write_json(path: Path, *, plan: dict, counts: dict, timings: dict, results) -> None:
    path.write_text(
        json.dumps(
            {
                "plan": plan,
                "generated": counts,
                "seconds": timings,
                "results": [r.as_dict() for r in results],
            },
            indent=2,
        ),
        "utf-8",
    )
