"""The search form and the parser that turns what a user typed into a query.

Whatever arrives in ``?q=`` is untrusted: it may be 5,000 characters long, hold
control characters, unbalanced quotes, bare operators or characters that mean
something to a search engine (``*``, ``:``, ``(``, ``%``). The parser keeps only
words (letters and digits), phrases between double quotes and the operators AND,
OR and NOT (also EN, OF, NIET and a leading ``-``), and says what it changed, so the
page can tell the user ("Uw zoekvraag is aangepast") instead of failing. What
reaches the search backend is built from modelsearch query objects with
sanitised words only, so no engine ever parses user syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _
from modelsearch.query import And, Not, Or, Phrase, PlainText, SearchQuery

from .words import WORD_PATTERN

#: Longer queries are cut (at a word boundary) to this many characters.
MAX_QUERY_LENGTH = 200
#: At most this many words (in plain text and phrases together) are searched.
MAX_WORDS = 12
#: Results per page, and the last page one can page to.
PAGE_SIZE = 20
MAX_PAGE = 50
#: The largest key a filter on a client may name.
MAX_KEY = 2**31 - 1

AND_WORDS = frozenset({"AND", "EN", "&&"})
OR_WORDS = frozenset({"OR", "OF", "||"})
NOT_WORDS = frozenset({"NOT", "NIET"})

# Words as the index's tokenizer sees them: "rapport.pdf" is two words, searched
# as the phrase "rapport pdf".
_WORD = re.compile(WORD_PATTERN)
# Characters with a meaning in some query syntax; worth telling the user we ignored
# them (unlike the hyphen in "K-2026-0001" or the dot in "rapport.pdf").
_SYNTAX = re.compile(r"[*:()\[\]{}^~+!?|&%<>=\\\"]")
# A phrase between quotes, or a run of non-space characters.
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')

RELEVANCE = "relevantie"
DATE = "datum"


@dataclass
class _Item:
    """One searchable item of a clause: plain words, or a phrase."""

    words: list[str]
    phrase: bool = False
    negated: bool = False


@dataclass
class ParsedQuery:
    """What the user typed, cleaned, and what will be searched."""

    text: str = ""  # the cleaned text, shown back in the search box
    query: SearchQuery | None = None  # None: nothing to search
    positive_words: list[str] = field(default_factory=list)  # for highlighting
    plain_words: list[str] = field(default_factory=list)  # candidates to correct
    notes: list[str] = field(default_factory=list)  # what was changed, in Dutch

    @property
    def adjusted(self) -> bool:
        return bool(self.notes)

    @property
    def highlight_text(self) -> str:
        return " ".join(self.positive_words)


def clean_text(raw: str) -> tuple[str, list[str]]:
    """Normalise Unicode, replace control characters by spaces, collapse spaces
    and cut to :data:`MAX_QUERY_LENGTH`. Returns the text and notes."""
    notes: list[str] = []
    text = unicodedata.normalize("NFC", raw or "")
    cleaned = "".join(
        " " if ch.isspace() or unicodedata.category(ch).startswith("C") else ch
        for ch in text
    )
    if any(
        not ch.isspace() and unicodedata.category(ch).startswith("C") for ch in text
    ):
        notes.append(str(_("onzichtbare stuurtekens zijn weggelaten")))
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > MAX_QUERY_LENGTH:
        cut = cleaned[:MAX_QUERY_LENGTH]
        if " " in cut and not cleaned[MAX_QUERY_LENGTH].isspace():
            cut = cut.rsplit(" ", 1)[0]
        cleaned = cut.strip()
        notes.append(
            str(_("de zoekvraag is ingekort tot %(n)d tekens"))
            % {"n": MAX_QUERY_LENGTH}
        )
    return cleaned, notes


def _tokens(text: str, notes: list[str]) -> list[tuple[str, str]]:
    """Split into ("phrase", text), ("op", AND/OR/NOT) and ("word", text)."""
    if text.count('"') % 2:
        # The last quote has no partner: read it as an ordinary character.
        head, _sep, tail = text.rpartition('"')
        text = f"{head} {tail}"
        notes.append(str(_("een aanhalingsteken zonder partner is genegeerd")))
    tokens = []
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            tokens.append(("phrase", phrase))
        elif word in AND_WORDS:
            tokens.append(("op", "AND"))
        elif word in OR_WORDS:
            tokens.append(("op", "OR"))
        elif word in NOT_WORDS:
            tokens.append(("op", "NOT"))
        elif word.startswith("-") and _WORD.search(word):
            tokens.append(("op", "NOT"))
            tokens.append(("word", word[1:]))
        else:
            tokens.append(("word", word))
    return tokens


def _clauses(tokens, notes) -> list[list[_Item]]:
    """Group the tokens into OR-separated clauses of (possibly negated) items."""
    clauses: list[list[_Item]] = [[]]
    negate = False
    dropped_syntax = False
    for kind, value in tokens:
        if kind == "op":
            if value == "OR":
                if clauses[-1]:
                    clauses.append([])
                negate = False
            elif value == "NOT":
                negate = True
            continue  # AND is what adjacent items mean anyway
        words = _WORD.findall(value)
        if kind == "word" and _SYNTAX.search(value):
            dropped_syntax = True
        if not words:
            negate = False
            continue
        # "K-2026-0001" or "rapport.pdf": the parts must stand together.
        phrase = kind == "phrase" or len(words) > 1
        clauses[-1].append(_Item(words, phrase=phrase, negated=negate))
        negate = False
    if dropped_syntax:
        notes.append(str(_("tekens als * : ( ) en leestekens zijn genegeerd")))
    return [c for c in clauses if c]


def _limit_words(clauses, notes) -> list[list[_Item]]:
    total = sum(len(i.words) for c in clauses for i in c)
    budget = MAX_WORDS
    limited = []
    for clause in clauses:
        kept = []
        for item in clause:
            if budget <= 0:
                break
            item.words = item.words[:budget]
            budget -= len(item.words)
            kept.append(item)
        if kept:
            limited.append(kept)
    if total > MAX_WORDS:
        notes.append(
            str(_("alleen de eerste %(n)d woorden zijn gezocht")) % {"n": MAX_WORDS}
        )
    return limited


def _item_query(item: _Item) -> SearchQuery:
    text = " ".join(item.words)
    return Phrase(text) if item.phrase else PlainText(text, operator="and")


def _clause_query(clause: list[_Item]) -> SearchQuery:
    positives = [i for i in clause if not i.negated]
    negatives = [i for i in clause if i.negated]
    # Adjacent plain words form one PlainText: the analyser then drops stop words
    # ("klacht van de klant") instead of a stop word voiding the whole AND.
    plain = [w for i in positives if not i.phrase for w in i.words]
    parts: list[SearchQuery] = []
    if plain:
        parts.append(PlainText(" ".join(plain), operator="and"))
    parts.extend(_item_query(i) for i in positives if i.phrase)
    parts.extend(Not(_item_query(i)) for i in negatives)
    return parts[0] if len(parts) == 1 else And(parts)


def parse_query(raw: str) -> ParsedQuery:
    """Parse what the user typed; never raises."""
    text, notes = clean_text(raw)
    parsed = ParsedQuery(text=text, notes=notes)
    if not text:
        return parsed
    clauses = _limit_words(_clauses(_tokens(text, notes), notes), notes)
    usable = []
    for clause in clauses:
        if any(not item.negated for item in clause):
            usable.append(clause)
        else:
            notes.append(
                str(_("alleen uitsluiten (NIET …) kan niet; geef ook een zoekwoord"))
            )
    if not usable:
        return parsed
    queries = [_clause_query(c) for c in usable]
    parsed.query = queries[0] if len(queries) == 1 else Or(queries)
    for clause in usable:
        for item in clause:
            if not item.negated:
                parsed.positive_words.extend(item.words)
                if not item.phrase:
                    parsed.plain_words.extend(item.words)
    parsed.notes = list(dict.fromkeys(notes))
    return parsed


def autocomplete_text(raw: str) -> str:
    """The words of ``raw`` for an autocomplete lookup (no operators, no syntax)."""
    text, _notes = clean_text(raw)
    words = [w for w in _WORD.findall(text) if w.upper() not in NOT_WORDS]
    return " ".join(words[:MAX_WORDS])


class SearchForm(forms.Form):
    """The GET parameters of /zoeken/. Every field is optional and an invalid
    value is ignored (a search page should not answer a typo in the URL with an
    error)."""

    q = forms.CharField(label=_("Zoeken"), required=False, strip=False)
    soort = forms.CharField(label=_("Soort"), required=False)
    jaar = forms.IntegerField(
        label=_("Jaar"), required=False, min_value=1900, max_value=2999
    )
    # Bounded both ways: the engine's numeric fields hold 64-bit keys, a database
    # key is never larger than this (a longer number would fail in the engine).
    klant = forms.IntegerField(
        label=_("Klant"), required=False, min_value=1, max_value=MAX_KEY
    )
    status = forms.CharField(label=_("Status"), required=False, max_length=60)
    sorteer = forms.ChoiceField(
        label=_("Sorteren op"),
        required=False,
        choices=[(RELEVANCE, _("relevantie")), (DATE, _("datum (nieuwste eerst)"))],
    )
    pagina = forms.IntegerField(
        label=_("Pagina"), required=False, min_value=1, max_value=10**6
    )

    def __init__(self, *args, kind_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_keys = frozenset(kind_keys)

    def values(self) -> dict:
        """The valid values, defaults for the rest."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        kind = data.get("soort") or None
        if kind not in self.kind_keys:
            kind = None
        status = data.get("status") or None
        status_kind = status.partition(":")[0] if status else None
        if status and (status_kind not in self.kind_keys or ":" not in status):
            status = None
        page = data.get("pagina") or 1
        return {
            "q": self.data.get("q", "") if hasattr(self.data, "get") else "",
            "kind": kind,
            "year": data.get("jaar"),
            "client": data.get("klant"),
            "status": status,
            "sort": data.get("sorteer") or RELEVANCE,
            "page": min(page, MAX_PAGE),
        }
