"""The text an excerpt is cut from (``search.words.readable``): a table of
contents' leader dots dropped, whitespace made single spaces. The leader pattern
is written for speed (issue 15: the excerpts of a results page); it must drop
exactly the runs the plain spelling of the rule drops."""

from __future__ import annotations

import random
import re

from search.words import readable

#: The rule as first written: 4+ times (a leader character, a space or not).
PLAIN = re.compile(r"(?:[.\u2024\u2026\u00b7\u2027\u22c5\u2219_]\s?){4,}")


def plain_readable(text: str) -> str:
    return " ".join(PLAIN.sub(" ", text).split())


def test_a_table_of_contents_reads_without_its_leader_dots():
    text = "Inhoud\n1. Klachten ........ 3\n2. Beroep . . . . . 7\n3. Slot _____ 9"
    assert readable(text) == "Inhoud 1. Klachten 3 2. Beroep 7 3. Slot 9"


def test_fewer_than_four_leaders_stay():
    assert readable("Zie art. 3... en v.d. Berg") == "Zie art. 3... en v.d. Berg"
    assert readable("a....b") == "a b"


def test_the_leader_runs_are_those_of_the_plain_rule():
    rng = random.Random(15)  # noqa: S311 (test data, not security)
    pieces = [".", "…", "·", "_", "\u2024", " ", "  ", "\t", "\n", "a", "Klacht", "3"]
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 40)))
        assert readable(text) == plain_readable(text), repr(text)
