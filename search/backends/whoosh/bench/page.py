"""The whole search page, measured on the benchmark corpus (``benchmark_search``).

The three engines of :mod:`.queries` answer "the top 10 for this user"; the page
``/zoeken/`` does more for the same query: a count per kind, the kind, status,
client and year facets, highlighted snippets of the ten hits shown. This times
:func:`search.selectors.site_search`, the function behind the page, per user,
so that the cost of the facets at scale shows up in the report. It is not one of
the issue's three targets (those compare like with like).
"""

from __future__ import annotations

import time

from .queries import USERS, percentile


def measure_page(setup: dict, rounds: int, out) -> dict:
    from django.contrib.auth import get_user_model

    from search.forms import parse_query
    from search.selectors import site_search

    user_model = get_user_model()
    users = {
        "alles": user_model.objects.get(pk=setup["everything"]),
        "beperkt": user_model.objects.get(pk=setup["restricted"]),
    }
    queries = setup["queries"]
    typed = {q: f'"{q.text}"' if q.kind == "phrase" else q.text for q in queries}
    # One warm-up pass (opens the searchers, fills the column caches).
    for q in queries:
        for u in USERS:
            site_search(user=users[u], parsed=parse_query(typed[q]))
    timings: dict[str, list[float]] = {u: [] for u in USERS}
    totals: dict[str, int] = dict.fromkeys(USERS, 0)
    for _round in range(rounds):
        for q in queries:
            for u in USERS:
                started = time.perf_counter()
                result = site_search(user=users[u], parsed=parse_query(typed[q]))
                _ = [hit.snippet for hit in result.hits]
                timings[u].append((time.perf_counter() - started) * 1000)
                if not _round:
                    totals[u] += result.total
    summary = {
        u: {
            "p50_ms": percentile(timings[u], 0.50),
            "p95_ms": percentile(timings[u], 0.95),
            "max_ms": max(timings[u]),
            "hits_per_query": totals[u] / len(queries),
        }
        for u in USERS
    }
    return summary


def print_page(summary: dict, out) -> None:
    out("")
    out("Zoekpagina /zoeken/ (site_search: aantallen, facetten, fragmenten):")
    for u in USERS:
        s = summary[u]
        out(
            f"  {u:<8} p50 {s['p50_ms']:7.0f} ms  p95 {s['p95_ms']:7.0f} ms"
            f"  max {s['max_ms']:7.0f} ms  ({s['hits_per_query']:,.0f} treffers/vraag)"
        )
