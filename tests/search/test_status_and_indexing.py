"""search_status, update_index at scale, the fast writer and in-engine scoping.

The command tests run on whichever backend the settings configure (Whoosh, or
modelsearch's database backend with PORTAL_SEARCH_BACKEND=database); tests of
Whoosh internals skip themselves on the database backend.
"""

import datetime
import hashlib
import io
import os
import random
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import OuterRef
from wagtail.search.backends import get_search_backend

from cases.models import Client, EvidenceFile
from cases.selectors import evidence_visible_to
from cases.services.grants import dossier_access_grant, dossier_access_revoke
from portal.roles import OFFICE_MANAGER
from tests.factories import ClientFactory, UserFactory

# -- helpers -------------------------------------------------------------------


def is_whoosh() -> bool:
    return hasattr(get_search_backend(), "layout_for")


def whoosh_only():
    if not is_whoosh():
        pytest.skip("Whoosh-specifiek; deze run gebruikt de database-backend")


def status():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("search_status", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


ROW = re.compile(r"^(\S+) \(.*?\)\s+([\d.]+|\?)\s+([\d.]+|\?)\s+([+-]?[\d.]+|\?)\s*$")


def rows(output: str) -> dict[str, tuple[str, str, str]]:
    found = {}
    for line in output.splitlines():
        match = ROW.match(re.sub(r"\x1b\[[0-9;]*m", "", line))
        if match:
            found[match.group(1)] = match.groups()[1:]
    return found


def update_index(**options) -> str:
    out = io.StringIO()
    call_command("update_index", stdout=out, **options)
    return out.getvalue()


def make_evidence(client, user, name, text="", **fields):
    return EvidenceFile.objects.create(
        client=client,
        original_name=name,
        content_type="text/plain",
        size=len(text),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        description=fields.pop("description", ""),
        extracted_text=text,
        uploaded_by=user,
        **fields,
    )


def bulk_evidence(client, user, count, text_for) -> list[EvidenceFile]:
    """Rows inserted without signals: nothing reaches the index."""
    rows_ = [
        EvidenceFile(
            client=client,
            original_name=f"bijlage-{i}.txt",
            content_type="text/plain",
            size=10,
            sha256="0" * 64,
            extracted_text=text_for(i),
            uploaded_by=user,
        )
        for i in range(count)
    ]
    return EvidenceFile.objects.bulk_create(rows_)


@pytest.fixture
def office(db):
    return UserFactory(username="office", roles=[OFFICE_MANAGER])


@pytest.fixture
def dossier(office):
    client = ClientFactory(name="Reigersbos Zorg")
    make_evidence(
        client, office, "verslag.txt", "De klachtencommissie bespreekt het verslag."
    )
    make_evidence(client, office, "brief.txt", "Een brief over de beoordeling.")
    return client


# -- search_status ---------------------------------------------------------------


def test_status_is_clean_after_update_index(dossier):
    update_index()

    code, out, err = status()

    assert code == 0, out + err
    table = rows(out)
    assert table["cases.EvidenceFile"] == ("2", "2", "0")
    assert table["cases.Client"] == ("1", "1", "0")
    # Pages count once, under their own type (Wagtail's root page is a Page).
    assert table["wagtailcore.Page"][0] == table["wagtailcore.Page"][1]
    assert "Verschil" in out
    assert "Totaal" in out
    assert "De zoekindex is in orde" in out


def test_status_reports_objects_missing_from_the_index(dossier, office):
    update_index()
    bulk_evidence(dossier, office, 3, lambda i: f"nagekomen stuk {i}")

    code, out, err = status()

    assert code == 1
    assert rows(out)["cases.EvidenceFile"] == ("5", "2", "-3")
    assert "wijkt af van de database bij 1 model(len)" in err
    assert "manage.py update_index" in err


def test_status_reports_objects_left_in_the_index(dossier):
    update_index()
    gone = ClientFactory(name="Verdwenen Klant")  # indexed on save
    with connection.cursor() as cursor:  # deleted behind the index's back
        cursor.execute("DELETE FROM cases_client WHERE id = %s", [gone.pk])

    code, out, _err = status()

    assert code == 1
    assert rows(out)["cases.Client"] == ("1", "2", "+1")


def test_status_says_clearly_that_the_index_is_missing(dossier, settings):
    whoosh_only()
    update_index()
    index_dir = os.path.join(
        settings.WAGTAILSEARCH_BACKENDS["default"]["PATH"], "cases_client"
    )
    for name in os.listdir(index_dir):
        os.remove(os.path.join(index_dir, name))
    os.rmdir(index_dir)

    code, out, err = status()

    assert code == 2
    assert "De zoekindex ontbreekt. Voer 'manage.py update_index' uit" in err
    assert rows(out)["cases.Client"] == ("1", "?", "?")
    assert rows(out)["cases.EvidenceFile"] == ("2", "2", "0")


# -- update_index at scale -------------------------------------------------------


def test_update_index_indexes_2500_objects_in_chunks_with_progress(office, settings):
    whoosh = is_whoosh()
    if whoosh:
        # A 1 MB budget for the writer's posting pool: it must spill to disk.
        backends = {k: dict(v) for k, v in settings.WAGTAILSEARCH_BACKENDS.items()}
        backends["default"]["LIMITMB"] = 1
        settings.WAGTAILSEARCH_BACKENDS = backends
    client = ClientFactory(name="Grootboek Beheer")
    words = ["klacht", "beroep", "beoordeling", "verslag", "maatregel", "dossier"]
    rng = random.Random(7)  # noqa: S311
    bulk_evidence(
        client,
        office,
        2500,
        lambda i: (
            " ".join(rng.choices(words, k=60))
            + (" ijsvogelrapport" if i == 2499 else "")
        ),
    )

    output = update_index(chunk_size=250)

    progress = next(line for line in output.splitlines() if "EvidenceFile" in line)
    assert progress.count(".") >= 10  # one dot per chunk of 250
    code, out, err = status()
    assert code == 0, out + err
    assert rows(out)["cases.EvidenceFile"] == ("2.500", "2.500", "0")
    backend = get_search_backend()
    hits = list(backend.search("ijsvogelrapport", evidence_visible_to(office)))
    assert [e.original_name for e in hits] == ["bijlage-2499.txt"]
    assert backend.search("klacht", evidence_visible_to(office)).count() > 2000
    if whoosh:
        from search.backends.whoosh import writer

        # Memory is bounded by the writer's budget, not by the 2,500 documents
        # (each document adds ~25 kB of postings here: ~60 MB in all) ...
        assert 0 < writer.LAST_POOL_PEAK[0] <= 1.2 * 2**20
        # ... and the rebuild still wrote one segment, once.
        index = backend.get_index_for_model(EvidenceFile)
        assert len(index.store.open()._segments()) == 1


def test_rebuild_removes_abandoned_staging_directories_but_not_a_busy_one(
    dossier, settings
):
    whoosh_only()
    from whoosh.filedb.filestore import FileStorage

    root = settings.WAGTAILSEARCH_BACKENDS["default"]["PATH"]
    abandoned = os.path.join(root, "cases_client.rebuild-dead0000")
    busy = os.path.join(root, "cases_client.rebuild-busy0000")
    for path in (abandoned, busy):
        os.makedirs(path)
        with open(os.path.join(path, "_MAIN_1.toc"), "w") as handle:
            handle.write("half")
    lock = FileStorage(busy).lock("MAIN_WRITELOCK")
    assert lock.acquire()
    try:
        update_index()
    finally:
        lock.release()

    assert not os.path.exists(abandoned)
    assert os.path.exists(busy)


# -- scoping inside the engine ---------------------------------------------------


def test_a_granted_dossier_is_searched_in_the_engine_and_a_revoke_counts_at_once(
    dossier, office
):
    other = ClientFactory(name="Buurman Bouw")
    make_evidence(other, office, "ander.txt", "De klachtencommissie elders.")
    reader = UserFactory(username="lezer")
    dossier_access_grant(client=dossier, user=reader, by=office, reason="test")
    backend = get_search_backend()

    found = backend.search("klachtencommissie", evidence_visible_to(reader))

    assert [e.original_name for e in found] == ["verslag.txt"]
    assert found.count() == 1
    if is_whoosh():
        from search.backends.whoosh.compiler import WhooshSearchQueryCompiler

        compiler = WhooshSearchQueryCompiler(evidence_visible_to(reader), "x")
        compiler.prepare(backend.get_index_for_model(EvidenceFile).layout)
        # The grant subquery became a term on the client filter field: no
        # "SELECT id FROM evidence WHERE ..." over the whole table.
        assert "f_client" in repr(compiler.engine_filter())

    dossier_access_revoke(client=dossier, user=reader, by=office, reason="test")

    assert list(backend.search("klachtencommissie", evidence_visible_to(reader))) == []


def test_a_correlated_subquery_scope_is_left_to_the_database(dossier, office):
    same_name = Client.objects.filter(name=OuterRef("original_name")).values("pk")
    named_after_client = make_evidence(
        dossier, office, "Reigersbos Zorg", "klachtencommissie"
    )
    scope = EvidenceFile.objects.filter(client__in=same_name)

    found = get_search_backend().search("klachtencommissie", scope)

    assert list(found) == [named_after_client]


# -- Whoosh internals: the fast writer and the in-matcher restriction ------------


def _schema():
    from whoosh import fields

    from search.backends.whoosh.analysis import autocomplete_analyzer, text_analyzer

    return fields.Schema(
        pk=fields.ID(unique=True, sortable=True),
        x_ct=fields.KEYWORD(lowercase=False, scorable=False),
        t_body=fields.TEXT(analyzer=text_analyzer("nl"), phrase=True),
        a_title=fields.TEXT(analyzer=autocomplete_analyzer(), phrase=False),
        f_group=fields.NUMERIC(bits=64, signed=True, sortable=True),
        f_date=fields.DATETIME(sortable=True),
    )


def _documents(count):
    rng = random.Random(11)  # noqa: S311
    words = [
        *("klacht", "klachten", "beroep", "beoordelaar", "beoordelaars"),
        *("geëscaleerd", "dossier", "de", "het", "een", "maatregel", "verslag"),
        *("commissie", "behandeling", "termijn"),
    ]
    start = datetime.datetime(2024, 1, 1)  # noqa: DTZ001 - Whoosh stores naive
    for i in range(count):
        yield {
            "pk": str(i),
            "x_ct": "cases_evidencefile",
            # ... plus words in 1 to 4 documents: their postings are inlined.
            "t_body": " ".join(rng.choices(words, k=rng.randint(1, 80)))
            + f" zeldzaam{i % 97} bijzonder{i % 89}",
            "a_title": " ".join(rng.choices(words, k=3)),
            "f_group": i % 7,
            "f_date": start + datetime.timedelta(days=i),
        }


def _searches(ix):
    from whoosh import query as wq

    from search.backends.whoosh.analysis import analyze, text_analyzer

    def terms(text):
        return analyze(text_analyzer("nl"), text)

    start = datetime.datetime(2024, 2, 1)  # noqa: DTZ001
    queries = [
        wq.Term("t_body", terms("klachten")[0]),
        wq.Phrase("t_body", terms("beoordelaars geëscaleerd")),
        wq.Phrase("t_body", ["zeldzaam5", "bijzonder5"]),
        wq.Or([wq.Term("t_body", "zeldzaam5"), wq.Term("t_body", "klacht")]),
        wq.And([wq.Term("t_body", t) for t in terms("verslag termijn")]),
        wq.Or([wq.Term("t_body", t) for t in terms("commissie maatregel")]),
        wq.AndNot(wq.Term("t_body", terms("dossier")[0]), wq.Term("f_group", 3)),
        wq.FuzzyTerm("t_body", "behandelin", maxdist=1),
        wq.Term("a_title", "beo"),
        wq.NumericRange("f_group", 2, 4),
        wq.DateRange("f_date", start, start + datetime.timedelta(days=40)),
    ]
    with ix.searcher() as searcher:
        return [
            (
                [(h.docnum, round(h.score, 5)) for h in searcher.search(q, limit=25)],
                len(searcher.search(q, limit=None)),
            )
            for q in queries
        ]


def _dump(ix):
    from whoosh.formats import Positions

    reader = ix.reader()
    postings = {}
    for fieldname in reader.indexed_field_names():
        positional = isinstance(ix.schema[fieldname].format, Positions)
        for text in reader.lexicon(fieldname):
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            items = []
            while matcher.is_active():
                value = matcher.value()
                if positional:
                    value = ix.schema[fieldname].format.decode_positions(value)
                items.append((matcher.id(), matcher.weight(), value))
                matcher.next()
            postings[(fieldname, text)] = (
                info.doc_frequency(),
                info.weight(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                items,
            )
    lengths = {
        name: [reader.doc_field_length(d, name) for d in range(reader.doc_count_all())]
        for name in reader.indexed_field_names()
    }
    return postings, lengths, _searches(ix)


@pytest.mark.parametrize(("limitmb", "commits"), [(64, 1), (0.05, 1), (64, 3)])
def test_fast_writer_writes_what_the_stock_writer_writes(tmp_path, limitmb, commits):
    """Same postings, weights, positions, lengths, block statistics and search
    results, also when the pool spills to run files (tiny budget), when segments
    are merged, and for short posting lists stored inline in the term table."""
    from whoosh import index

    from search.backends.whoosh.writer import FastSegmentWriter

    docs = list(_documents(300))
    built = []
    for name, make in (
        ("stock", lambda ix: ix.writer()),
        ("fast", lambda ix: FastSegmentWriter(ix, limitmb=limitmb, bulk=True)),
    ):
        path = tmp_path / name
        path.mkdir()
        ix = index.create_in(str(path), _schema())
        size = len(docs) // commits
        for start in range(0, len(docs), size):
            writer = make(ix)
            for doc in docs[start : start + size]:
                writer.add_document(**doc)
            writer.commit()
        built.append(_dump(ix))

    assert built[0] == built[1]


def test_restricting_inside_the_matcher_equals_whoosh_filter(tmp_path):
    from whoosh import fields, index
    from whoosh import query as wq

    from search.backends.whoosh.docset import restrict

    ix = index.create_in(str(tmp_path), fields.Schema(t=fields.TEXT(phrase=True)))
    rng = random.Random(3)  # noqa: S311
    words = ["klacht", "beroep", "dossier", "zaak", "brief"]
    for _segment in range(3):
        writer = ix.writer()
        for _ in range(700):
            writer.add_document(t=" ".join(rng.choices(words, k=rng.randint(1, 30))))
        writer.commit(merge=False)
    searcher = ix.searcher()
    queries = [
        wq.Term("t", "klacht"),
        wq.And([wq.Term("t", "klacht"), wq.Term("t", "zaak")]),
        wq.Or([wq.Term("t", "brief"), wq.Term("t", "zaak")]),
        wq.Phrase("t", ["klacht", "zaak"]),
    ]
    for query in queries:
        for share in (0.01, 0.1, 0.5):
            allowed = set(rng.sample(range(2100), int(2100 * share)))
            ours = searcher.search(restrict(query, allowed), limit=10)
            theirs = searcher.search(query, filter=allowed, limit=10)
            assert [(h.docnum, round(h.score, 6)) for h in ours] == [
                (h.docnum, round(h.score, 6)) for h in theirs
            ]
            everything = searcher.search(restrict(query, allowed), limit=None)
            assert len(everything) == len(
                searcher.search(query, filter=allowed, limit=None)
            )
            assert set(searcher.docs_for_query(restrict(query, allowed))) == (
                set(searcher.docs_for_query(query)) & allowed
            )


def test_restricted_top_k_equals_scoring_every_allowed_document(tmp_path):
    """The intersection must not lose score on the way: Whoosh turns a union
    whose weak side cannot reach the top-k into an ``AndMaybeMatcher``, whose
    ``skip_to`` leaves that side behind (a document then loses part of its
    score and drops out). Compared with exhaustive scoring of the allowed set."""
    from whoosh import collectors, fields, index
    from whoosh import query as wq

    from search.backends.whoosh.docset import restrict

    ix = index.create_in(str(tmp_path), fields.Schema(a=fields.TEXT(), b=fields.TEXT()))
    rng = random.Random(5)  # noqa: S311
    writer = ix.writer()
    for _ in range(6000):
        body = rng.choices(["klacht", "zaak", "brief", "dossier"], k=rng.randint(1, 40))
        title = rng.choices(["klacht", "beroep", "verslag"], k=rng.randint(1, 8))
        writer.add_document(
            a=" ".join(body), b=" ".join(title) if rng.random() < 0.3 else "leeg"
        )
    writer.commit()
    searcher = ix.searcher()
    queries = [
        wq.Or([wq.Term("a", "klacht"), wq.Term("b", "klacht", boost=3)]),
        wq.Or(
            [
                wq.Term("a", "zaak"),
                wq.Term("b", "beroep", boost=5),
                wq.Term("a", "brief"),
            ]
        ),
        wq.And(
            [
                wq.Or([wq.Term("a", "klacht"), wq.Term("b", "klacht", boost=2)]),
                wq.Or([wq.Term("a", "zaak"), wq.Term("b", "verslag", boost=4)]),
            ]
        ),
    ]
    for query in queries:
        for share in (0.01, 0.05, 0.2):
            allowed = set(rng.sample(range(6000), int(6000 * share)))
            fast = collectors.TopCollector(limit=10)
            searcher.search_with_collector(restrict(query, allowed), fast)
            exhaustive = collectors.TopCollector(limit=10, usequality=False, replace=0)
            searcher.search_with_collector(
                query, collectors.FilterCollector(exhaustive, allow=allowed)
            )
            assert [(h.docnum, round(h.score, 6)) for h in fast.results()] == [
                (h.docnum, round(h.score, 6)) for h in exhaustive.results()
            ]
