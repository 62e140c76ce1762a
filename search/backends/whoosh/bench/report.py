"""The benchmark's summary (latencies, the issue's targets) and its printed report.

Apart from the measuring (``harness``, ``queries``) so that what is measured
and how it is shown can change independently; the summary also goes into the
JSON file the command writes.
"""

from __future__ import annotations

import statistics

from .queries import ENGINES, TOP_K, USERS, percentile


def summarise(setup, indexing, measured) -> dict:
    queries = setup["queries"]
    timings = measured["timings"]
    latency = {}
    for u in USERS:
        for e in ENGINES:
            samples = [t for q in queries for t in timings[(q, u, e)]]
            latency[f"{e}/{u}"] = {
                "p50_ms": percentile(samples, 0.50),
                "p95_ms": percentile(samples, 0.95),
                "mean_ms": statistics.fmean(samples),
                "samples": len(samples),
            }
    per_kind = {}
    for kind in ("common", "rare", "and2", "phrase"):
        for u in USERS:
            for e in ENGINES:
                samples = [
                    t for q in queries if q.kind == kind for t in timings[(q, u, e)]
                ]
                per_kind[f"{kind}/{e}/{u}"] = percentile(samples, 0.50)
    per_query = [
        {
            "kind": q.kind,
            "query": q.label,
            **{
                f"{e}/{u}_p50_ms": percentile(timings[(q, u, e)], 0.5)
                for u in USERS
                for e in ENGINES
            },
            **{
                f"{e}/{u}_hits": len(measured["answers"][(q, u, e)])
                for u in USERS
                for e in ENGINES
            },
        }
        for q in queries
    ]
    plain = indexing.get("plain")
    ours = indexing["portal"]
    targets = {}
    for u in USERS:
        ours_p95 = latency[f"portaal-whoosh/{u}"]["p95_ms"]
        targets[f"1_bare_ratio/{u}"] = ours_p95 / latency[f"kale-whoosh/{u}"]["p95_ms"]
        targets[f"2_database_ratio/{u}"] = (
            ours_p95 / latency[f"portaal-database/{u}"]["p95_ms"]
        )
    if plain:
        targets["3_indexing_ratio"] = ours["docs_per_s"] / plain["docs_per_s"]
        targets["3_indexing_ratio_cpu"] = (
            ours["cpu_docs_per_s"] / plain["cpu_docs_per_s"]
        )
    return {
        "latency": latency,
        "answers_top10": _answers(measured["answers"]),
        "per_kind_p50_ms": per_kind,
        "per_query": per_query,
        "targets": targets,
        "agreement_top10": measured["agree"],
        "same_documents_top10": measured["same_set"],
        "timed_out": measured["timed_out"],
    }


def _answers(answers) -> dict:
    return {f"{e}/{u}/{q.label}": pks for (q, u, e), pks in answers.items()}


def summarise_peer(setup, measured) -> dict:
    """The production peer's figures: the database backend only."""
    queries = setup["queries"]
    timings = measured["timings"]
    latency = {}
    for u in USERS:
        samples = [t for q in queries for t in timings[(q, u, "portaal-database")]]
        latency[f"portaal-database/{u}"] = {
            "p50_ms": percentile(samples, 0.50),
            "p95_ms": percentile(samples, 0.95),
            "mean_ms": statistics.fmean(samples),
            "samples": len(samples),
        }
    per_kind = {
        f"{kind}/{u}": percentile(
            [
                t
                for q in queries
                if q.kind == kind
                for t in timings[(q, u, "portaal-database")]
            ],
            0.50,
        )
        for kind in ("common", "rare", "and2", "phrase")
        for u in USERS
    }
    return {
        "latency": latency,
        "per_kind_p50_ms": per_kind,
        "answers_top10": _answers(measured["answers"]),
        "timed_out": measured["timed_out"],
    }


def print_peer(main: dict, peer: dict, out) -> None:
    """The production peer beside the portal's own engine, from both runs."""
    out("")
    out(
        f"Productie-peer: modelsearch database-backend op {peer['vendor']} "
        f"({peer['documents']:,} documenten, dezelfde zoekvragen), p50 / p95 in ms"
    )
    out(f"{'engine':<28}" + "".join(f"{'gebruiker ' + u:>24}" for u in USERS))
    rows = (
        ("portaal-whoosh", "portaal (Whoosh)", main),
        ("portaal-database", "database (SQLite)", main),
        ("portaal-database", f"database ({peer['vendor']})", peer),
    )
    for engine, label, source in rows:
        cells = []
        for u in USERS:
            row = source["latency"][f"{engine}/{u}"]
            cells.append(f"{row['p50_ms']:.2f} / {row['p95_ms']:.2f}")
        out(f"{label:<28}" + "".join(f"{c:>24}" for c in cells))
    index = peer["indexing"]
    out(
        f"  indexeren {peer['vendor']}: {index['docs_per_s']:,.0f} doc/s "
        f"({index['seconds']:.1f} s)"
    )
    for u in USERS:
        ours = main["latency"][f"portaal-whoosh/{u}"]["p95_ms"]
        theirs = peer["latency"][f"portaal-database/{u}"]["p95_ms"]
        out(f"  portaal p95 / {peer['vendor']} p95 ({u}): {ours / theirs:.2f}")
    overlap = []
    for key, pks in peer["answers_top10"].items():
        ours = main.get("answers_top10", {}).get(
            key.replace("portaal-database", "portaal-whoosh", 1)
        )
        if ours is not None and pks:
            overlap.append(len(set(ours) & set(pks)) / len(pks))
    if overlap:
        out(
            "  gemiddelde overlap van de top 10 met het portaal: "
            f"{100 * sum(overlap) / len(overlap):.0f} % (andere rangschikking)"
        )
    if peer["timed_out"]:
        out(f"  afgebroken: {len(peer['timed_out'])} zoekvragen")


def _mb(value) -> str:
    return "-" if value is None else f"{value / 2**20:,.1f}"


def print_report(result: dict, out) -> None:
    n = result["documents"]
    out("")
    out(f"Indexeren ({n:,} documenten)")
    header = (
        f"{'engine':<34}{'doc/s':>8}{'CPU doc/s':>10}{'tijd s':>9}"
        f"{'piek RSS':>10}{'+RSS MB':>9}{'index MB':>10}"
    )
    out(header)
    labels = {
        "plain": "Whoosh kaal (LanguageAnalyzer nl)",
        "portal": "portaal: update_index (Whoosh)",
        "database": "update_index database (SQLite)",
    }
    for key, label in labels.items():
        row = result["indexing"].get(key)
        if not row:
            continue
        out(
            f"{label:<34}{row['docs_per_s']:>8,.0f}{row['cpu_docs_per_s']:>10,.0f}"
            f"{row['seconds']:>9.1f}"
            f"{row['peak_rss_mb']:>10,.0f}{row['peak_rss_growth_mb']:>9,.0f}"
            f"{_mb(row.get('index_bytes')):>10}"
        )
    portal = result["indexing"]["portal"]
    if portal.get("pool_peak_mb") is not None:
        out(
            "  buffer van de schrijver (geschat, piek): "
            f"{portal['pool_peak_mb']:.0f} MB van LIMITMB {portal['limitmb']}"
        )
    if portal.get("tracemalloc_peak_mb") is not None:
        out(
            "  piek Python-geheugen (tracemalloc) tijdens update_index: "
            f"{portal['tracemalloc_peak_mb']:.0f} MB"
        )
    out("")
    out(
        f"Zoeken: p50 / p95 in ms, top {TOP_K}, "
        f"{result['rounds']} rondes x {len(result['per_query'])} zoekvragen"
    )
    out(f"{'engine':<20}" + "".join(f"{'gebruiker ' + u:>24}" for u in USERS))
    budget = result["db_timeout_s"] * 1000
    for e in ENGINES:
        cells = []
        for u in USERS:
            row = result["latency"][f"{e}/{u}"]
            p50, p95 = row["p50_ms"], row["p95_ms"]
            mark50 = ">=" if p50 >= budget else ""
            mark95 = ">=" if p95 >= budget else ""
            cells.append(f"{mark50}{p50:.2f} / {mark95}{p95:.2f}")
        out(f"{e:<20}" + "".join(f"{c:>24}" for c in cells))
    if result["timed_out"]:
        out(
            f"  >= : afgebroken na {result['db_timeout_s']:.0f} s "
            f"({len(result['timed_out'])} zoekvragen van de database-backend), "
            "geteld als die grens"
        )
    out("")
    out("p50 per soort zoekvraag (ms)")
    columns = [f"{e[:12]}/{u[:4]}" for u in USERS for e in ENGINES]
    out(f"{'soort':<8}" + "".join(f"{c:>19}" for c in columns))
    for kind in ("common", "rare", "and2", "phrase"):
        out(
            f"{kind:<8}"
            + "".join(
                f"{result['per_kind_p50_ms'][f'{kind}/{e}/{u}']:>19.2f}"
                for u in USERS
                for e in ENGINES
            )
        )
    out("")
    t = result["targets"]
    out("Doelen (verhoudingen in deze run)")
    for u in USERS:
        ratio = t[f"1_bare_ratio/{u}"]
        out(
            f"  1. portaal p95 / kale Whoosh p95 ({u}): {ratio:.2f} (doel <= 1.3) "
            + ("gehaald" if ratio <= 1.3 else "NIET gehaald")
        )
    for u in USERS:
        ratio = t[f"2_database_ratio/{u}"]
        out(
            f"  2. portaal p95 / database p95 ({u}): {ratio:.2f} (doel <= 1.0) "
            + ("gehaald" if ratio <= 1.0 else "NIET gehaald")
        )
    if "3_indexing_ratio" in t:
        ratio = t["3_indexing_ratio"]
        out(
            f"  3. indexeren portaal / kale Whoosh: {ratio:.2f}x (doel >= 2) "
            + ("gehaald" if ratio >= 2 else "NIET gehaald")
            + f" (in CPU-tijd {t['3_indexing_ratio_cpu']:.2f}x)"
        )
    agree = result["agreement_top10"]
    same = result["same_documents_top10"]
    total = len(result["per_query"])
    out(
        "  zelfde top 10 als kale Whoosh (volgorde / documenten): "
        + ", ".join(f"{u} {agree[u]}/{total} / {same[u]}/{total}" for u in USERS)
    )
