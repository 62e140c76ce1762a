"""The search benchmark's instruments (issue 15, item 3): the corpus file of
shared/bench/make_corpus.py is read as written, and the production peer's
PostgreSQL database is made for the run and always dropped."""

from __future__ import annotations

import io
import json

import psycopg
import pytest
from django.core.management.base import CommandError

from search.backends.whoosh.bench import peer_database
from search.backends.whoosh.bench.corpus import FileCorpus, Query

SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _write_corpus(folder, n=3):
    path = folder / "corpus.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": i, "g": i % 100, "t": f"Titel {i}", "b": f"tekst {i}"})
            + "\n"
            for i in range(1, n + 1)
        ),
        "utf-8",
    )
    (folder / "queries.json").write_text(
        json.dumps(
            [
                {"kind": "common", "terms": ["klacht"]},
                {"kind": "phrase", "terms": ["hoor", "wederhoor"]},
            ]
        ),
        "utf-8",
    )
    return path


def test_the_corpus_file_is_read_as_written(tmp_path):
    corpus = FileCorpus(_write_corpus(tmp_path))
    documents = list(corpus.documents(2))
    assert [(d.id, d.group, d.title, d.body) for d in documents] == [
        (1, 1, "Titel 1", "tekst 1"),
        (2, 2, "Titel 2", "tekst 2"),
    ]
    assert corpus.queries() == [
        Query("common", ("klacht",)),
        Query("phrase", ("hoor", "wederhoor")),
    ]
    assert corpus.queries()[1].label == '"hoor wederhoor"'


def test_a_corpus_shorter_than_asked_is_an_error(tmp_path):
    corpus = FileCorpus(_write_corpus(tmp_path, n=2))
    with pytest.raises(ValueError, match="2 documenten, gevraagd zijn er 5"):
        list(corpus.documents(5))


def test_a_corpus_without_its_queries_is_refused(tmp_path):
    path = _write_corpus(tmp_path)
    (tmp_path / "queries.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"queries\.json"):
        FileCorpus(path)


def _exists(name: str) -> bool:
    with psycopg.connect(SERVER) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    return row is not None


def _interrupted_run(seen: list, out) -> None:
    with peer_database.temporary(SERVER, out) as url:
        seen.append(url.rsplit("/", 1)[1])
        seen.append(_exists(seen[0]))
        raise RuntimeError("halverwege afgebroken")


def test_the_peer_database_is_created_and_always_dropped():
    try:
        psycopg.connect(SERVER, connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    out, seen = io.StringIO(), []
    with pytest.raises(RuntimeError, match="halverwege"):
        _interrupted_run(seen, out)
    name, existed = seen
    assert name.startswith("portal_bench_peer_")
    assert existed
    assert not _exists(name)
    assert "verwijderd" in out.getvalue()


def _enter(url: str) -> None:
    with peer_database.temporary(url, io.StringIO()):
        pass


def test_the_peer_database_must_be_postgresql():
    with pytest.raises(CommandError, match="PostgreSQL-adres"):
        _enter("sqlite:///tmp/x.sqlite3")


def test_the_bare_reference_reads_the_index_as_stock_whoosh(tmp_path):
    """The benchmark's "bare Whoosh" reads the portal's index files through
    Whoosh 3's own codec (not the portal's faster readers), and finds what the
    portal's codec finds."""
    from whoosh import fields, index
    from whoosh import query as wq
    from whoosh.codec.whoosh3 import W3Codec

    from search.backends.whoosh.bench.queries import stock_searcher
    from search.backends.whoosh.codec import PortalCodec
    from search.backends.whoosh.writer import FastSegmentWriter

    ix = index.create_in(str(tmp_path), fields.Schema(t=fields.TEXT(phrase=True)))
    for commit in range(2):
        writer = FastSegmentWriter(ix, limitmb=16, bulk=True)
        for i in range(400):
            writer.add_document(t=f"klacht zaak{i % 7} brief{commit} uniek{commit}x{i}")
        writer.commit(merge=False)
    portal = ix.searcher()
    stock = stock_searcher(ix)
    assert all(isinstance(s.codec(), PortalCodec) for s in ix._segments())
    readers = [r for r, _offset in stock.reader().leaf_readers()]
    assert len(readers) == 2
    assert all(type(r._codec) is W3Codec for r in readers)
    for query in (
        wq.Term("t", "klacht"),
        wq.And([wq.Term("t", "zaak3"), wq.Term("t", "brief1")]),
        wq.Term("t", "uniek0x5"),
        wq.Phrase("t", ["zaak2", "brief0"]),
    ):
        ours = [(h.docnum, round(h.score, 6)) for h in portal.search(query, limit=20)]
        theirs = [(h.docnum, round(h.score, 6)) for h in stock.search(query, limit=20)]
        assert ours == theirs
        assert ours
