"""The query phase of the benchmark: one query for one user, three engines.

Each query is answered by the portal's Whoosh backend, by a bare Whoosh searcher
with an equivalent filter (the reference: stock Whoosh reading the same index
files with its own codec, :func:`stock_searcher`) and by the database backend, and timed
interleaved per query, user and engine, so that a busy machine slows every engine
alike. Apart from the indexing phases (``harness``) because these run in the
measuring process itself, against the indexes those phases left behind.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from cases.models import EvidenceFile
from cases.selectors import evidence_visible_to

ENGINES = ("portaal-whoosh", "kale-whoosh", "portaal-database")
USERS = ("alles", "beperkt")
TOP_K = 10


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def stock_searcher(ix):
    """A searcher on ``ix`` that reads it as stock Whoosh does: every segment
    through Whoosh 3's own codec, not the portal's (``codec.PortalCodec``,
    pickled into the segments, with its inline and block readers). The files
    are standard Whoosh 3, so this is what Whoosh itself makes of them: the
    floor the portal's read path is compared with."""
    import copy

    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.reading import MultiReader, SegmentReader
    from whoosh.searching import Searcher

    toc = ix._read_toc()
    readers = []
    for segment in toc.segments:
        stock = copy.copy(segment)
        stock._codec = W3Codec()
        readers.append(
            SegmentReader(ix.storage, toc.schema, stock, generation=toc.generation)
        )
    reader = readers[0] if len(readers) == 1 else MultiReader(readers)
    return Searcher(reader, fromindex=ix)


class TimedOut(Exception):
    """A query of the database backend ran past its time budget."""


class Engines:
    """The three ways of answering one query for one user."""

    def __init__(self, setup: dict, db_timeout: float = 20.0, engines=ENGINES) -> None:
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
        self.backends = {"portaal-database": get_search_backend("database")}
        self.modelsearch_queries = {
            query: Phrase(query.text)
            if query.kind == "phrase"
            else PlainText(query.text, operator="and")
            for query in setup["queries"]
        }
        self._selector = None
        if "portaal-whoosh" not in engines and "kale-whoosh" not in engines:
            return  # the production peer: no Whoosh index in its sandbox
        backend = get_search_backend("default")
        self.backends["portaal-whoosh"] = backend
        index = backend.get_index_for_model(EvidenceFile)
        self.searcher = stock_searcher(index.store.open())
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
        self.whoosh_queries = {}
        for query in setup["queries"]:
            terms = analyze(analyzer, query.text)
            if query.kind == "phrase":
                self.whoosh_queries[query] = wq.Or(
                    [wq.Phrase(f, terms, boost=b) for f, b in fields.items()]
                )
            else:
                self.whoosh_queries[query] = wq.And(
                    [
                        wq.Or([wq.Term(f, t, boost=b) for f, b in fields.items()])
                        for t in terms
                    ]
                )

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
        if connection.vendor == "postgresql":
            return self._with_statement_timeout(fn)
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

    def _with_statement_timeout(self, fn):
        """PostgreSQL cancels a statement past ``db_timeout`` itself."""
        from django.db import OperationalError, connection

        setting = f"SET statement_timeout = {int(self.db_timeout * 1000)}"
        try:
            with connection.cursor() as cursor:
                cursor.execute(setting)
        except OperationalError as exc:
            # The previous query's timeout can fire just as it finishes and
            # cancel the next statement instead (seen at 100,000 documents):
            # that statement is this setting, so it is simply given again.
            if "statement timeout" not in str(exc):
                raise
            with connection.cursor() as cursor:
                cursor.execute(setting)
        try:
            return fn()
        except OperationalError as exc:
            if "statement timeout" in str(exc):
                raise TimedOut from exc
            raise


def measure_queries(
    setup: dict, rounds: int, db_timeout: float, out, engines=ENGINES
) -> dict:
    runner = Engines(setup, db_timeout, engines)
    queries = setup["queries"]
    plan = [(q, u, e) for q in queries for u in USERS for e in engines]
    answers = {}
    timed_out = set()
    for q, u, e in plan:  # warm-up: caches, searchers, SQLite pages
        try:
            answers[(q, u, e)] = runner.run(e, u, q)
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
                runner.run(e, u, q)
            except TimedOut:
                timed_out.add(key)
            timings[key].append((time.perf_counter() - started) * 1000)
        out(f"  ronde {round_no + 1}/{rounds} klaar")
    if "kale-whoosh" not in engines:
        return {
            "timings": timings,
            "answers": answers,
            "timed_out": sorted(f"{e}/{u}/{q.label}" for q, u, e in timed_out),
        }
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
