"""A file is found by a word of its name (issue 6, items 1 and 3).

Whoosh's default tokenizer keeps "auditverslag_2025-03.pdf" as the tokens
"auditverslag_2025" and "03.pdf", so searching "auditverslag" found nothing by
the name. Dots and underscores now separate words, in the index, in queries, in
autocomplete and in highlighting alike; an evidence file also indexes its name's
words apart (``EvidenceFile.name_words``), so the database backend finds them too.
"""

from __future__ import annotations

import pytest

from portal.roles import OFFICE_MANAGER, QUALITY_OFFICER
from search.backends.whoosh.analysis import (
    analyze,
    autocomplete_query_analyzer,
    text_analyzer,
)
from tests.factories import ClientFactory, UserFactory
from tests.search.test_search_page import (
    make_evidence,
    result_of,
    search,
    suggest,
    titles,
)

pytestmark = pytest.mark.django_db


def test_dots_and_underscores_separate_words():
    analyzer = text_analyzer("nl")
    assert analyze(analyzer, "Auditverslag_2025-03.pdf") == [
        "auditverslag",
        "2025",
        "03",
        "pdf",
    ]
    assert analyze(analyzer, "www.zorggroep.nl") == ["www", "zorggroep", "nl"]
    assert analyze(autocomplete_query_analyzer(), "rapport_def") == ["rapport", "def"]


@pytest.fixture
def as_qo(client):
    client.force_login(UserFactory(roles=[QUALITY_OFFICER]))
    return client


@pytest.fixture
def files():
    office = UserFactory(roles=[OFFICE_MANAGER])
    client = ClientFactory(name="Kwartiermakers Zorg")
    return [
        make_evidence(
            client,
            name,
            "Inhoud zonder de woorden uit de naam.",
            by=office,
        )
        for name in (
            "Auditverslag_2025-03.pdf",
            "boomvalkrapport.txt",
            "notulen_kerngroepoverleg.txt",
        )
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("auditverslag", "Auditverslag_2025-03.pdf"),
        ("auditverslagen", "Auditverslag_2025-03.pdf"),  # stemmed like any word
        ("Auditverslag_2025-03.pdf", "Auditverslag_2025-03.pdf"),  # the whole name
        ("boomvalkrapport", "boomvalkrapport.txt"),
        ("boomvalkrapport.txt", "boomvalkrapport.txt"),
    ],
)
def test_a_word_of_the_file_name_finds_the_file(as_qo, files, typed, expected):
    response = search(as_qo, typed)
    assert titles(response) == [expected]
    assert result_of(response).total == 1


def test_a_later_word_of_the_name_autocompletes(as_qo, files):
    entries = suggest(as_qo, "kerngroepov")
    assert [e["titel"] for e in entries] == ["notulen_kerngroepoverleg.txt"]
