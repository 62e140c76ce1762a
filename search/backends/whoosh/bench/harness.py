"""The measuring run of ``manage.py benchmark_search`` (see that command).

Runs inside the sandbox settings (:mod:`search.backends.whoosh.bench.settings`):
a temporary SQLite database and index folder. This module loads the corpus, runs
every indexing phase in a forked child process, so that its peak memory is its
own, and puts the run together; the queries are timed by ``queries`` and
``page``, the report is made by ``report``.
"""

from __future__ import annotations

import datetime
import hashlib
import multiprocessing
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections

from cases.models import Client, EvidenceFile
from cases.services.grants import dossier_access_grant
from portal.roles import OFFICE_MANAGER, role_group
from portal.startup import freeze_loaded_objects

from .corpus import GROUPS, RESTRICTED_GROUP, Corpus, FileCorpus, file_name
from .page import measure_page, print_page
from .queries import measure_queries
from .report import print_report, summarise, summarise_peer

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


# -------------------------------------------------------------------- setup


def load_corpus(n: int, out, corpus=None) -> dict:
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
    corpus = corpus if corpus is not None else Corpus()
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


def _corpus(corpus_path):
    return FileCorpus(corpus_path) if corpus_path else None


def run_peer(
    n: int, rounds: int, out, db_timeout: float = 20.0, corpus_path=None
) -> dict:
    """The production peer: the same corpus in PostgreSQL, indexed and searched
    by modelsearch's database backend only (``--peer-database``)."""
    from django.db import connection

    if not getattr(settings, "BENCHMARK_SANDBOX", False):
        raise RuntimeError("Only under search.backends.whoosh.bench.settings.")
    out(f"Peer: {connection.vendor}, database {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    out(f"Corpus van {n:,} documenten laden ...")
    setup = load_corpus(n, out, _corpus(corpus_path))
    out("Indexeren: manage.py update_index --backend database ...")
    indexing = in_child(phase_update_index, "database")
    indexing["docs_per_s"] = indexing["documents"] / indexing["seconds"]
    indexing["cpu_docs_per_s"] = indexing["documents"] / indexing["cpu_seconds"]
    out(f"Zoeken: {rounds} rondes ...")
    freeze_loaded_objects()
    measured = measure_queries(
        setup, rounds, db_timeout, out, engines=("portaal-database",)
    )
    return {
        "documents": n,
        "rounds": rounds,
        "vendor": connection.vendor,
        "indexing": indexing,
        **summarise_peer(setup, measured),
    }


def run(
    n: int,
    rounds: int,
    plain: bool,
    trace: bool,
    out,
    db_timeout: float = 20.0,
    corpus_path=None,
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
    setup = load_corpus(n, out, _corpus(corpus_path))
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
    # As a server process starts (portal/wsgi.py): what is loaded by now is
    # left out of the garbage collector's full collections.
    freeze_loaded_objects()
    measured = measure_queries(setup, rounds, db_timeout, out)

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
