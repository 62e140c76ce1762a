"""Fuzzing the search page's and the autocomplete's parameters (issue 11).

The outside probe found ``/zoeken/?klant=99999999999999999999`` answering 500
(the engine's numeric field overflowed). Instead of listing the values someone
thought of, every parameter gets a few hundred generated values: edge numbers,
the engine's and the database's syntax, control and combining characters, very
long strings, repeated parameters, and seeded random mixtures of all of these.
The page must answer 200 (or the documented 503 of an unavailable index, never
here) and never 500; what a hostile value names is never echoed unescaped.

Bounded: a fixed seed, a fixed number of values per parameter, and a time budget
per parameter after which the remaining values are skipped (said in the
output), so a slow machine cannot make CI run long.
"""

from __future__ import annotations

import random
import time

import pytest

from portal.roles import CORE_GROUP, OFFICE_MANAGER, QUALITY_OFFICER
from search.forms import MAX_KEY
from search.scoping import kinds_by_key
from tests.factories import ClientFactory, UserFactory
from tests.search.test_search_page import (
    SEARCH,
    SUGGEST,
    make_complaint,
    make_procedure,
)

pytestmark = pytest.mark.django_db

SEED = 20261204
VALUES_PER_PARAMETER = 200
SECONDS_PER_PARAMETER = 60.0


@pytest.fixture(autouse=True)
def _no_search_bound(settings):
    # Hundreds of requests a minute as one user: what the bound is there to stop
    # (tests/portal/test_security_headers.py tests the bound itself).
    settings.PORTAL_SEARCH_RATE = None


EDGE_NUMBERS = [
    "0",
    "-0",
    "1",
    "-1",
    str(MAX_KEY),
    str(MAX_KEY + 1),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "9" * 20,
    "9" * 400,
    "-" + "9" * 30,
    "1e9",
    "1E400",
    "NaN",
    "inf",
    "-Infinity",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits: int() reads them
    "\uff11\uff12",  # full-width digits
    " 7 ",
    "7.5",
    "+3",
    "2026",
    "1899",
    "3000",
]
SYNTAX = [
    "*",
    "?",
    "~",
    "^",
    ":",
    "(",
    ")",
    "[a TO z]",
    "{}",
    '"',
    '""',
    '"""',
    "\\",
    "%",
    "_",
    "%%",
    "' OR 1=1 --",
    "'; DROP TABLE cases_client; --",
    "title:x",
    "klacht:*",
    "NOT",
    "NIET",
    "AND OR NOT",
    "-",
    "--",
    "-klacht",
    "klacht^100",
    "klacht~2",
    "k*",
    "<script>alert(1)</script>",
    "&lt;b&gt;",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "../../etc/passwd",
    "status:klacht:",
    "klacht:",
    ":closed",
    "klacht:closed:extra",
]
ODD_TEXT = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u200b",
    "\u202e",
    "e\u0301",
    "ﬁ",
    "ß",
    "İ",
    "🙂",
    "👩‍👩‍👧",
    "klacht " * 400,
    "x" * 5000,
    "a" * 201,
    "ą" * 300,
    "\ufeff",
    "\ufffd",
]
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzéëïöüç0123456789 -_.:*?\"'()[]{}^~%&|!+<>=/\\#@$;,"
    "\x00\x01\t\n\u200b\u0301🙂ß"
)


def generated_values(rng: random.Random, n: int) -> list[str]:
    """The fixed lists first, then random strings and numbers to make ``n``."""
    values = [*EDGE_NUMBERS, *SYNTAX, *ODD_TEXT, *kinds_by_key()]
    values += [f"{k}:{s}" for k in kinds_by_key() for s in ("", "open", "x" * 70)]
    while len(values) < n:
        shape = rng.randrange(4)
        if shape == 0:
            values.append(str(rng.randint(-(2**70), 2**70)))
        elif shape == 1:
            length = rng.choice([1, 2, 5, 20, 80, 300])
            values.append("".join(rng.choice(ALPHABET) for _ in range(length)))
        elif shape == 2:
            values.append(rng.choice(SYNTAX) + rng.choice(EDGE_NUMBERS))
        else:
            values.append(
                " ".join(
                    rng.choice([*SYNTAX, "klacht", "rapport"])
                    for _ in range(rng.randint(2, 8))
                )
            )
    return values[:n]


@pytest.fixture
def world(db):
    office = UserFactory(roles=[OFFICE_MANAGER])
    quality = UserFactory(roles=[QUALITY_OFFICER])
    handler = UserFactory(roles=[CORE_GROUP])
    acme = ClientFactory(name="Zorggroep Fuzz")
    for n in range(3):
        make_complaint(
            acme,
            f"Klacht nummer {n} over het rapport.",
            office=office,
            quality=quality,
            handler=handler,
        )
    make_procedure("Procedure klachten", "P-FUZZ", "Een klacht wordt behandeld.")
    return {"quality": quality, "handler": handler}


def _fuzz(http, path: str, parameter: str, base: dict) -> tuple[list, int]:
    rng = random.Random(f"{SEED}:{path}:{parameter}")  # noqa: S311 (test data)
    problems = []
    sent = 0
    started = time.monotonic()
    for value in generated_values(rng, VALUES_PER_PARAMETER):
        if time.monotonic() - started > SECONDS_PER_PARAMETER:
            break
        params = {**base, parameter: value}
        if sent % 17 == 0:
            # A repeated parameter: Django reads the last one.
            params[parameter] = [value, rng.choice(EDGE_NUMBERS)]
        response = http.get(path, params)
        sent += 1
        if response.status_code not in (200,):
            problems.append((parameter, value[:80], response.status_code))
            continue
        body = response.content.decode("utf-8", errors="replace")
        if "<script>alert(1)</script>" in body:
            problems.append((parameter, value[:80], "unescaped"))
    return problems, sent


@pytest.mark.parametrize(
    "parameter", ["q", "soort", "jaar", "klant", "status", "sorteer", "pagina"]
)
def test_the_search_page_never_answers_500_to_any_parameter_value(
    client, world, parameter
):
    # The restricted user: the longer path (scope translation, per-kind counts).
    client.raise_request_exception = False
    client.force_login(world["handler"])
    base = {} if parameter == "q" else {"q": "klacht"}
    problems, sent = _fuzz(client, SEARCH, parameter, base)
    assert sent >= 100, f"only {sent} values sent within the time budget"
    assert not problems, problems[:20]


@pytest.mark.parametrize("who", ["quality", "handler"])
def test_the_autocomplete_never_answers_500_to_any_query(client, world, who):
    client.raise_request_exception = False
    client.force_login(world[who])
    problems, sent = _fuzz(client, SUGGEST, "q", {})
    assert sent >= 100
    assert not problems, problems[:20]
    # Parameters it does not know change nothing.
    for extra in ("klant", "soort", "pagina"):
        response = client.get(SUGGEST, {"q": "kla", extra: "9" * 30})
        assert response.status_code == 200


def test_a_fuzzed_query_still_finds_what_it_names(client, world):
    """The fuzzing is not vacuous: the same page finds the complaints."""
    client.force_login(world["quality"])
    response = client.get(SEARCH, {"q": "rapport", "klant": "9" * 20, "pagina": "-4"})
    assert response.status_code == 200
    assert response.context["result"].total == 3
