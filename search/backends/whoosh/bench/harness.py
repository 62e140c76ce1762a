"""The measuring run of ``manage.py benchmark_search`` (see that command).

Runs inside the sandbox settings (:mod:`search.backends.whoosh.bench.settings`):
a temporary SQLite database and index folder. Every indexing phase runs in a
forked child process, so that its peak memory is its own; the queries run in this
process, interleaved per query, user and engine, so that a busy machine slows
every engine alike.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections

from cases.models import Client, EvidenceFile
from cases.selectors import evidence_visible_to
from cases.services.grants import dossier_access_grant
from portal.roles import OFFICE_MANAGER, role_group

from .corpus import GROUPS, RESTRICTED_GROUP, Corpus, file_name

ENGINES = ("portaal-whoosh", "kale-whoosh", "portaal-database")
USERS = ("alles", "beperkt")
TOP_K = 10
CHUNK = 1000


class Sink:
    """A stdout replacement that counts what update_index writes."""

    def __init__(self) -> None:
        self.chars = 0
        self.dots = 0

    def write(self, text: str, *args, **kwargs) -> None:
        self.chars += len(text)
        self.dots += text.count(".")

    def flush(self) -> None:
        pass


# ------------------------------------------------------------------ helpers


def _rss_kb(key: str = "VmRSS") -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def _child(conn, fn, args, trace):
    try:
        start_rss = _rss_kb()
        if trace:
            tracemalloc.start()
        cpu = time.process_time()
        wall = time.perf_counter()
        result = fn(*args)
        result["seconds"] = time.perf_counter() - wall
        result["cpu_seconds"] = time.process_time() - cpu
        if trace:
            result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["peak_rss_mb"] = peak / 1024
        result["peak_rss_growth_mb"] = max(0, peak - start_rss) / 1024
        conn.send(("ok", result))
    except BaseException as exc:  # report anything to the parent, then exit
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def in_child(fn, *args, trace=False) -> dict:
    """Run ``fn(*args)`` in a forked process; return its result and measurements."""
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, fn, args, trace))
    process.start()
    sender.close()
    status, payload = receiver.recv()
    process.join()
    if status != "ok":
        raise RuntimeError(payload)
    return payload


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# -------------------------------------------------------------------- setup


def load_corpus(n: int, out) -> dict:
    """Create the users, the client dossiers and ``n`` evidence files."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    everything = user_model.objects.create_user(
        "bench-alles", first_name="Alles", last_name="Zien"
    )
    everything.groups.add(role_group(OFFICE_MANAGER))
    restricted = user_model.objects.create_user(
        "bench-beperkt", first_name="Een", last_name="Dossier"
    )
    clients = Client.objects.bulk_create(
        Client(name=f"Klantorganisatie {g:02d}", region="UT", city="Utrecht")
        for g in range(GROUPS)
    )
    dossier_access_grant(
        client=clients[RESTRICTED_GROUP],
        user=restricted,
        by=everything,
        reason="benchmark",
    )
    client_ids = [c.pk for c in clients]
    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    batch = []
    corpus = Corpus()
    for doc in corpus.documents(n):
        body = doc.body.encode("utf-8")
        batch.append(
            EvidenceFile(
                client_id=client_ids[doc.group],
                original_name=file_name(doc.title, doc.id),
                content_type="application/pdf",
                type_label="PDF",
                size=len(body),
                sha256=hashlib.sha256(body).hexdigest(),
                description=doc.title,
                extracted_text=doc.body,
                uploaded_by=everything,
                extracted_at=now,
            )
        )
        if len(batch) >= 2000:
            EvidenceFile.objects.bulk_create(batch)
            batch = []
            if not doc.id % 20_000:
                out(f"  {doc.id:>7} documenten aangemaakt")
    if batch:
        EvidenceFile.objects.bulk_create(batch)
    out(f"  {n:>7} documenten aangemaakt in {time.perf_counter() - started:.0f} s")
    visible = EvidenceFile.objects.filter(client=clients[RESTRICTED_GROUP]).count()
    return {
        "everything": everything.pk,
        "restricted": restricted.pk,
        "restricted_client": clients[RESTRICTED_GROUP].pk,
        "restricted_visible": visible,
        "queries": corpus.queries(),
    }


# ----------------------------------------------------------------- indexing


def phase_plain_whoosh(path: str) -> dict:
    """A plain Whoosh writer with the stock Dutch analyzer (the reference)."""
    from whoosh import fields, index
    from whoosh.analysis import LanguageAnalyzer

    os.makedirs(path, exist_ok=True)
    schema = fields.Schema(
        id=fields.ID(unique=True),
        title=fields.TEXT(analyzer=LanguageAnalyzer("nl")),
        body=fields.TEXT(analyzer=LanguageAnalyzer("nl")),
    )
    ix = index.create_in(path, schema)
    writer = ix.writer()
    count = 0
    rows = EvidenceFile.objects.order_by("pk").values_list(
        "pk", "description", "extracted_text"
    )
    for pk, title, body in rows.iterator(chunk_size=CHUNK):
        writer.add_document(id=str(pk), title=title, body=body)
        count += 1
    writer.commit()
    return {"documents": count, "index_bytes": _dir_size(Path(path))}


def phase_update_index(backend_name: str) -> dict:
    """Wagtail's own ``update_index`` for one backend (all models)."""

    sink = Sink()
    call_command(
        "update_index", backend_name=backend_name, chunk_size=CHUNK, stdout=sink
    )
    result = {"documents": EvidenceFile.objects.count(), "progress_chars": sink.chars}
    if backend_name == "default":
        from search.backends.whoosh import writer

        root = Path(settings.WAGTAILSEARCH_BACKENDS["default"]["PATH"])
        name = EvidenceFile._meta.label_lower.replace(".", "_")
        result["index_bytes"] = _dir_size(root / name)
        result["pool_peak_mb"] = writer.LAST_POOL_PEAK[0] / 2**20
    else:
        result["index_bytes"] = None
    return result


# ------------------------------------------------------------------ queries


class TimedOut(Exception):
    """A query of the database backend ran past its time budget."""


class Engines:
    """The three ways of answering one query for one user."""

    def __init__(self, setup: dict, db_timeout: float = 20.0) -> None:
        self.db_timeout = db_timeout
        from django.contrib.auth import get_user_model
        from modelsearch.query import Phrase, PlainText
        from wagtail.search.backends import get_search_backend
        from whoosh import query as wq

        from search.backends.whoosh.analysis import analyze, text_analyzer
        from search.backends.whoosh.schema import filter_field_name

        user_model = get_user_model()
        self.users = {
            "alles": user_model.objects.get(pk=setup["everything"]),
            "beperkt": user_model.objects.get(pk=setup["restricted"]),
        }
        backend = get_search_backend("default")
        self.backends = {
            "portaal-whoosh": backend,
            "portaal-database": get_search_backend("database"),
        }
        index = backend.get_index_for_model(EvidenceFile)
        self.searcher = index.store.open().searcher()
        self.pk_column = self.searcher.reader().column_reader("pk")
        fields = index.layout.text_fields()
        analyzer = text_analyzer(backend.language)
        client_field = next(
            f
            for f in EvidenceFile.get_filterable_search_fields()
            if f.field_name == "client"
        )
        client_name = filter_field_name(EvidenceFile, client_field)
        cid = setup["restricted_client"]
        self.bare_filters = {
            "alles": None,
            "beperkt": wq.NumericRange(client_name, cid, cid),
        }
        self.modelsearch_queries = {}
        self.whoosh_queries = {}
        for query in setup["queries"]:
            terms = analyze(analyzer, query.text)
            if query.kind == "phrase":
                self.modelsearch_queries[query] = Phrase(query.text)
                self.whoosh_queries[query] = wq.Or(
                    [wq.Phrase(f, terms, boost=b) for f, b in fields.items()]
                )
            else:
                self.modelsearch_queries[query] = PlainText(query.text, operator="and")
                self.whoosh_queries[query] = wq.And(
                    [
                        wq.Or([wq.Term(f, t, boost=b) for f, b in fields.items()])
                        for t in terms
                    ]
                )
        self._selector = None

    def run(self, engine: str, user: str, query) -> list:
        if engine == "kale-whoosh":
            results = self.searcher.search(
                self.whoosh_queries[query],
                limit=TOP_K,
                filter=self.bare_filters[user],
            )
            column = self.pk_column
            return [int(column[hit.docnum]) for hit in results]

        backend = self.backends[engine]
        results = backend.search(
            self.modelsearch_queries[query], evidence_visible_to(self.users[user])
        )
        if engine != "portaal-database":
            return [obj.pk for obj in results[:TOP_K]]
        return self._with_deadline(lambda: [obj.pk for obj in results[:TOP_K]])

    def _with_deadline(self, fn):
        """Run ``fn`` and abort its SQLite statements after ``db_timeout`` s.

        modelsearch's SQLite backend scores every match with a correlated
        subquery that repeats the full-text match, so its time grows with the
        square of the matches: a common word takes minutes at 10,000 documents.
        Such a query is cut off and reported as "at least the budget".
        """
        from django.db import OperationalError, connection

        connection.ensure_connection()
        raw = connection.connection
        deadline = time.perf_counter() + self.db_timeout
        raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 20_000)
        try:
            return fn()
        except OperationalError as exc:
            if "interrupt" in str(exc):
                raise TimedOut from exc
            raise
        finally:
            raw.set_progress_handler(None, 0)


def measure_queries(setup: dict, rounds: int, db_timeout: float, out) -> dict:
    engines = Engines(setup, db_timeout)
    queries = setup["queries"]
    plan = [(q, u, e) for q in queries for u in USERS for e in ENGINES]
    answers = {}
    timed_out = set()
    for q, u, e in plan:  # warm-up: caches, searchers, SQLite pages
        try:
            answers[(q, u, e)] = engines.run(e, u, q)
        except TimedOut:
            answers[(q, u, e)] = []
            timed_out.add((q, u, e))
            out(f"  {e} / {u} / {q.label}: langer dan {db_timeout:.0f} s, afgebroken")
    timings: dict[tuple, list[float]] = defaultdict(list)
    rng = random.Random(1)  # noqa: S311 - shuffling, not security
    for round_no in range(rounds):
        order = list(plan)
        rng.shuffle(order)
        for key in order:
            if key in timed_out:
                # Not run again: counted as the budget (a lower bound).
                timings[key].append(db_timeout * 1000)
                continue
            q, u, e = key
            started = time.perf_counter()
            try:
                engines.run(e, u, q)
            except TimedOut:
                timed_out.add(key)
            timings[key].append((time.perf_counter() - started) * 1000)
        out(f"  ronde {round_no + 1}/{rounds} klaar")
    agree = {
        u: sum(
            answers[(q, u, "portaal-whoosh")] == answers[(q, u, "kale-whoosh")]
            for q in queries
        )
        for u in USERS
    }
    # Equal sets in another order: scores that tie up to float rounding (the
    # matcher tree Whoosh optimises differs between filter= and intersection).
    same_set = {
        u: sum(
            set(answers[(q, u, "portaal-whoosh")])
            == set(answers[(q, u, "kale-whoosh")])
            for q in queries
        )
        for u in USERS
    }
    return {
        "timings": timings,
        "answers": answers,
        "agree": agree,
        "same_set": same_set,
        "timed_out": sorted(f"{e}/{u}/{q.label}" for q, u, e in timed_out),
    }


# ------------------------------------------------------------------- report


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
        "per_kind_p50_ms": per_kind,
        "per_query": per_query,
        "targets": targets,
        "agreement_top10": measured["agree"],
        "same_documents_top10": measured["same_set"],
        "timed_out": measured["timed_out"],
    }


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


def run(
    n: int, rounds: int, plain: bool, trace: bool, out, db_timeout: float = 20.0
) -> dict:
    if not getattr(settings, "BENCHMARK_SANDBOX", False):
        raise RuntimeError(
            "Only under search.backends.whoosh.bench.settings (a temporary sandbox)."
        )
    bench_dir = Path(settings.BENCH_DIR)
    out(f"Werkmap: {bench_dir}")
    out("Database aanmaken (migrate) ...")
    call_command("migrate", verbosity=0, interactive=False)
    out(f"Corpus van {n:,} documenten laden ...")
    setup = load_corpus(n, out)
    out(
        f"  beperkte gebruiker ziet {setup['restricted_visible']:,} documenten "
        f"({100 * setup['restricted_visible'] / n:.1f} %)"
    )
    indexing = {}
    if plain:
        out("Indexeren: kale Whoosh-schrijver (LanguageAnalyzer('nl')) ...")
        indexing["plain"] = in_child(phase_plain_whoosh, str(bench_dir / "plain"))
    out("Indexeren: manage.py update_index (portaal, Whoosh) ...")
    indexing["portal"] = in_child(phase_update_index, "default")
    limitmb = settings.WAGTAILSEARCH_BACKENDS["default"].get("LIMITMB", 128)
    indexing["portal"]["limitmb"] = limitmb
    if trace:
        out("Geheugen: update_index (portaal) nogmaals, onder tracemalloc ...")
        traced = in_child(phase_update_index, "default", trace=True)
        indexing["portal"]["tracemalloc_peak_mb"] = traced["tracemalloc_peak_mb"]
        indexing["portal"]["tracemalloc_seconds"] = traced["seconds"]
    out("Indexeren: manage.py update_index --backend database (SQLite FTS5) ...")
    db_before = os.path.getsize(settings.DATABASES["default"]["NAME"])
    indexing["database"] = in_child(phase_update_index, "database")
    indexing["database"]["index_bytes"] = (
        os.path.getsize(settings.DATABASES["default"]["NAME"]) - db_before
    )
    for row in indexing.values():
        row["docs_per_s"] = row["documents"] / row["seconds"]
        row["cpu_docs_per_s"] = row["documents"] / row["cpu_seconds"]
    out(f"Zoeken: {rounds} rondes ...")
    gc.collect()
    measured = measure_queries(setup, rounds, db_timeout, out)
    from .page import measure_page, print_page

    out("Zoekpagina: dezelfde vragen door site_search ...")
    page = measure_page(setup, rounds, out)
    result = {
        "documents": n,
        "rounds": rounds,
        "db_timeout_s": db_timeout,
        "restricted_visible": setup["restricted_visible"],
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "load_average": os.getloadavg(),
        },
        "indexing": indexing,
        **summarise(setup, indexing, measured),
    }
    result["search_page"] = page
    print_report(result, out)
    print_page(page, out)
    return result
