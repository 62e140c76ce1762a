"""What a reader sees of a page: its visible text, and the two things that must
never be in it — a rule id ("C6") and a date outside the one date style."""

import re

HIDDEN = re.compile(
    r"<(script|style|template)\b.*?</\1>|<!--.*?-->|<[^>]+>", re.S | re.I
)
RULE_ID = re.compile(r"\b[SCEA](?:1[0-2]|[1-9])\b")

_ENGLISH = (
    "January|February|March|April|May|June|July|August|September|October|"
    "November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DUTCH_CAPITALISED = (
    "Januari|Februari|Maart|April|Mei|Juni|Juli|Augustus|September|Oktober|"
    "November|December|Mrt|Okt"
)
# A day number followed by an English month or a capitalised Dutch one
# ("16 Dec", "5 Okt 2026", "1 Mei"), or a numeric date ("01-01-2027").
BAD_DATE = re.compile(
    rf"\b\d{{1,2}}\s+(?:{_ENGLISH}|{_DUTCH_CAPITALISED})\b"
    r"|\b\d{1,2}-\d{1,2}-\d{4}\b"
    r"|\b\d+\.\d\s?[kMG]B\b"
)


def visible_text(response) -> str:
    return HIDDEN.sub(" ", response.content.decode())


def _around(text: str, pattern: re.Pattern) -> list[str]:
    return [
        " ".join(text[max(0, m.start() - 40) : m.end() + 10].split())
        for m in pattern.finditer(text)
    ]


def rule_ids(response) -> list[str]:
    return _around(visible_text(response), RULE_ID)


def bad_dates(response) -> list[str]:
    """Each date on the page not in the portal's style, with its surroundings."""
    return _around(visible_text(response), BAD_DATE)
