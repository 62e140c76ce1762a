"""The search page's scope, evaluated once per request (issue 15, item 1):
what a restriction allows becomes a literal list of keys for the whole page, the
"one copy per file" rule for someone who sees every file only excludes the
repeated copies, and the year facet puts a naive UTC date of the engine in its
Amsterdam year without converting each."""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Client, EvidenceFile
from search.scoping import (
    MATERIALISE_LIMIT,
    _materialised,
    _one_copy_each,
    _one_copy_per_file,
    kind_of_model,
    local_year,
    scoped_queryset,
)
from search.selectors import Scope
from tests.search.test_search_page import make_signal, whoosh_only

pytestmark = pytest.mark.django_db


def naive_utc(*parts) -> datetime.datetime:
    """A date as Whoosh returns it from a facet: naive, in UTC."""
    return datetime.datetime(*parts, tzinfo=datetime.UTC).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("value", "year"),
    [
        (naive_utc(2025, 12, 31, 22, 59), 2025),  # 23:59 in Amsterdam
        (naive_utc(2025, 12, 31, 23, 0), 2026),  # midnight in Amsterdam
        (naive_utc(2026, 1, 1, 0, 30), 2026),
        (naive_utc(2026, 6, 30, 21, 59), 2026),
        (naive_utc(2026, 12, 31, 22, 30), 2026),
    ],
)
def test_local_year_of_a_naive_utc_date_is_its_amsterdam_year(value, year):
    aware = timezone.make_aware(value, datetime.UTC)
    assert local_year(value) == year == timezone.localtime(aware).year


def test_local_year_follows_the_current_time_zone():
    with timezone.override("America/New_York"):
        # 1 January 03:00 UTC is still 31 December in New York.
        assert local_year(naive_utc(2026, 1, 1, 3, 0)) == 2025
        assert local_year(naive_utc(2026, 1, 1, 5, 0)) == 2026


def _file(client, name, body, by, **extra):
    return EvidenceFile.objects.create(
        client=client,
        original_name=name,
        content_type="application/pdf",
        type_label="PDF",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        description=name,
        extracted_text="inhoud",
        uploaded_by=by,
        **extra,
    )


def test_someone_who_sees_every_file_loses_only_the_repeated_copies(people):
    client = Client.objects.create(name="Bakkerij Veld", region="UT", city="Utrecht")
    office = people["office"]
    once = _file(client, "verslag.pdf", b"een", office)
    older = _file(client, "rapport.pdf", b"twee", office)
    newer = _file(client, "rapport.pdf", b"twee", office)
    other_name = _file(client, "kopie.pdf", b"twee", office)
    kind = kind_of_model(EvidenceFile)
    scoped = scoped_queryset(kind, office, ids={})
    assert set(scoped) == {once, newer, other_name}
    assert older not in scoped


def test_one_copy_per_file_from_a_list_of_keys_is_the_databases_rule(people):
    """A restricted user's files (a list of keys) get the rule decided in
    Python from one read of the rows; the database's rule (NOT EXISTS a better
    copy) says the same for every subset of files one may see: copies kept
    with a case win, then the newest; deleted files are no better copy; the
    same bytes under another name stay apart."""
    import random

    client = Client.objects.create(name="Bakkerij Veld", region="UT", city="Utrecht")
    office = people["office"]
    signal = make_signal(client, "Telefoon.", by=office)
    files = []
    for i in range(24):
        extra = {}
        if i % 3 == 0:
            extra["signal"] = signal
        if i % 5 == 0:
            extra["deleted_at"] = timezone.now()
        name = ["rapport.pdf", "kopie.pdf"][i % 4 == 1]
        body = [b"een", b"twee", b"drie"][i % 3 if i < 18 else 0]
        files.append(_file(client, name, body, office, **extra).pk)
    rng = random.Random(4)  # noqa: S311
    subsets = [files]
    subsets += [rng.sample(files, rng.randint(1, len(files))) for _ in range(25)]
    kept_somewhere = set()
    for pks in subsets:
        database = _one_copy_per_file(EvidenceFile.objects.filter(pk__in=pks))
        expected = sorted(database.values_list("pk", flat=True))
        assert sorted(_one_copy_each(pks)) == expected
        kept_somewhere.update(set(pks) - set(expected))
    assert kept_somewhere  # the rule did leave copies out
    assert _one_copy_each([]) == []


def test_a_restriction_is_read_once_per_request(people):
    """A page asks the same kind many times (count, facets, page, suggestions):
    the user's grants are read the first time only, into a list of keys."""
    from cases.services import dossier_access_grant

    client = Client.objects.create(name="Garage Oost", region="UT", city="Utrecht")
    assessor = people["assessor"]
    shown = _file(client, "verslag.pdf", b"verslag", people["office"])
    dossier_access_grant(client=client, user=assessor, by=people["qo"], reason="test")
    scope = Scope(assessor)
    kind = kind_of_model(EvidenceFile)
    with CaptureQueriesContext(connection) as first:
        queryset = scope.queryset(kind)
    with CaptureQueriesContext(connection) as again:
        scope.queryset(kind, year=2026)
        scope.queryset(kind, client=client.pk)
        assert list(queryset) == [shown]
    # The first asks the database what the grants allow; the later ones reuse
    # that list, and the files are read by their keys, without the grants.
    assert any("permission" in q["sql"] for q in first.captured_queries)
    assert len(again) == 1
    assert "permission" not in again.captured_queries[0]["sql"]


def test_a_new_request_sees_a_grant_made_after_the_previous_one(people):
    from cases.services import dossier_access_grant

    client = Client.objects.create(name="Garage Oost", region="UT", city="Utrecht")
    assessor = people["assessor"]
    secret = _file(client, "geheim.pdf", b"geheim", people["office"])
    kind = kind_of_model(EvidenceFile)
    assert secret not in Scope(assessor).queryset(kind)
    dossier_access_grant(client=client, user=assessor, by=people["qo"], reason="test")
    assert secret in Scope(assessor).queryset(kind)


def test_too_many_keys_stay_a_subquery():
    ids: dict = {}
    queryset = EvidenceFile.objects.all()
    assert isinstance(_materialised(queryset, ids, ("k",)), list)
    ids[("big",)] = None  # what a set above the limit leaves behind
    assert not isinstance(_materialised(queryset, ids, ("big",)), list)
    assert MATERIALISE_LIMIT >= 1_000


@whoosh_only
def test_the_year_facet_from_the_date_column_puts_each_file_in_its_amsterdam_year(
    people,
):
    """The years of a page's hits are counted from the index's raw date values
    (no date converted); a moment just before or after midnight on New Year's
    Eve in Amsterdam lands in the right year, as the per-date way says too."""
    from modelsearch.index import insert_or_update_object

    from search.forms import parse_query
    from search.scoping import run_search, year_start_utc
    from search.selectors import safe_facet, site_search

    client = Client.objects.create(name="Bakkerij Veld", region="UT", city="Utrecht")
    moments = {
        # UTC moment: its year in Amsterdam
        datetime.datetime(2025, 12, 31, 22, 59, tzinfo=datetime.UTC): 2025,
        datetime.datetime(2025, 12, 31, 23, 0, tzinfo=datetime.UTC): 2026,
        datetime.datetime(2026, 6, 30, 21, 59, tzinfo=datetime.UTC): 2026,
        datetime.datetime(2023, 3, 1, 12, 0, tzinfo=datetime.UTC): 2023,
    }
    for n, moment in enumerate(moments):
        evidence = _file(client, f"jaarstuk-{n}.pdf", f"{n}".encode(), people["qo"])
        EvidenceFile.objects.filter(pk=evidence.pk).update(uploaded_at=moment)
        insert_or_update_object(EvidenceFile.objects.get(pk=evidence.pk))
    page = site_search(user=people["office"], parsed=parse_query("inhoud"))
    assert {int(v.value): v.count for v in page.years} == {2026: 2, 2025: 1, 2023: 1}

    results = run_search(
        parse_query("inhoud").query,
        Scope(people["office"]).queryset(kind_of_model(EvidenceFile)),
    )
    per_date: Counter = Counter()
    for value, n in safe_facet(results, "uploaded_at").items():
        per_date[local_year(value)] += n
    assert results.facet_by_year("uploaded_at", year_start_utc) == per_date


@whoosh_only
def test_a_restricted_user_also_gets_one_result_per_file(people):
    """For a restricted user the copies are compared among the files he may see
    (a list of keys read once per request): the copy kept with a case wins over
    the same file in the dossier; another name is another file."""
    from cases.services import dossier_access_grant
    from search.forms import parse_query
    from search.selectors import site_search
    from tests.search.test_search_page import make_complaint, make_evidence

    office, assessor = people["office"], people["assessor"]
    anker = Client.objects.create(name="Het Anker", region="UT", city="Utrecht")
    complaint = make_complaint(
        anker, "Rapport te laat.", office=office, quality=people["qo"]
    )
    text = "Procedure P-07 als PDF: de wulpenregel geldt."
    kept = make_evidence(anker, "P-07.txt", text, by=office, case=complaint)
    make_evidence(anker, "P-07.txt", text, by=office)
    renamed = make_evidence(anker, "P-07 oud.txt", text, by=office)
    assert site_search(user=assessor, parsed=parse_query("wulpenregel")).total == 0
    dossier_access_grant(client=anker, user=assessor, by=people["qo"], reason="t")
    page = site_search(user=assessor, parsed=parse_query("wulpenregel"))
    assert page.total == 2
    assert {h.obj.pk for h in page.hits} == {kept.pk, renamed.pk}


def test_the_copies_left_out_for_everyone_are_found_once_and_forgotten_on_a_change(
    people,
):
    """The repeated copies someone who sees every file is spared are found by
    grouping the whole file table: kept in the cache for the next page (any
    register role), found again as soon as a file is added or deleted."""
    from cases.services.evidence import evidence_delete

    client = Client.objects.create(name="Bakkerij Veld", region="UT", city="Utrecht")
    office, quality = people["office"], people["qo"]
    older = _file(client, "rapport.pdf", b"twee", office)
    newer = _file(client, "rapport.pdf", b"twee", office)
    kind = kind_of_model(EvidenceFile)

    def scoped(user):
        with CaptureQueriesContext(connection) as queries:
            files = set(scoped_queryset(kind, user, ids={}))
        grouped = sum("GROUP BY" in q["sql"] for q in queries.captured_queries)
        return files, grouped

    assert scoped(office) == ({newer}, 1)
    assert scoped(office) == ({newer}, 0)  # kept
    assert scoped(quality) == ({newer}, 0)  # the same for every register role
    newest = _file(client, "rapport.pdf", b"twee", office)
    assert scoped(office) == ({newest}, 1)  # a new copy: found again at once
    evidence_delete(evidence=newest, by=quality, reason="dubbel")
    files, grouped = scoped(office)
    assert grouped == 1
    assert newer in files
    assert older not in files
