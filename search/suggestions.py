"""Suggestions, scoped like every search: "Bedoelde u ..." on a page without
results, and the titles the search box lists while typing (/zoeken/suggesties/).

Both come only from objects the user may see: a "Bedoelde u" word is read from
the stored text of visible objects that the engine's fuzzy search found within
the user's scope, and is only offered if the corrected query finds something
for this user; autocomplete searches the same scoped querysets as the page.

Reading words the way the index does (stems, accent folding) is the backend's
job; a backend without that analysis (modelsearch's database backends) gets no
"Bedoelde u". Those had none in practice: SQLite has no fuzzy search, and
PostgreSQL's needs the pg_trgm extension, which the portal does not install.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from django.db import DatabaseError, transaction
from modelsearch.query import Fuzzy
from wagtail.search.backends import get_search_backend

from .forms import ParsedQuery, autocomplete_text, clean_text
from .scoping import may_match, run_search, search_kinds
from .selectors import (
    SNIPPET_TEXT_LIMIT,
    Scope,
    numbered_cases,
    safe_count,
    safe_slice,
)

logger = logging.getLogger(__name__)

#: Results of one kind whose text is read for "Bedoelde u".
SUGGESTION_HITS = 5


# -- "Bedoelde u ..." ----------------------------------------------------------


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with transpositions; ``limit + 1`` once above it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


#: What a backend offers to read words as its index does (see the Whoosh
#: backend's ``PortalMethods``).
ANALYSIS_METHODS = ("text_terms", "text_tokens", "fold")


def _analysing_backend():
    """The configured backend if it analyses words, else None."""
    backend = get_search_backend()
    if all(hasattr(backend, name) for name in ANALYSIS_METHODS):
        return backend
    return None


def _closest_visible_word(word: str, scope: Scope, backend) -> str | None:
    """The word nearest to ``word`` in the text of objects ``user`` may see, or
    None when ``word`` itself occurs there (or nothing near does).

    The engine's fuzzy search, scoped like every search, finds the visible objects
    with a near word; the word is then read from their own stored text. So a
    suggestion can only ever be a word of an object the user may see."""
    stems = backend.text_terms(word)
    if len(stems) != 1 or len(stems[0]) < 3:
        return None
    stem = stems[0]
    limit = 1 if len(stem) <= 5 else 2
    fold = backend.fold
    typed = fold(word)
    found: dict[str, tuple[int, int]] = {}
    frequency: Counter = Counter()
    fuzzy = Fuzzy(word)
    for kind in search_kinds():
        if not may_match(fuzzy, kind, backend):
            continue
        results = run_search(fuzzy, scope.queryset(kind))
        try:
            hits = list(results[:SUGGESTION_HITS])
        except NotImplementedError:
            continue  # no fuzzy search on this backend, or an empty Whoosh index
        for obj in hits:
            for text in [kind.title(obj), *kind.texts(obj)]:
                for term, written in backend.text_tokens(text[:SNIPPET_TEXT_LIMIT]):
                    distance = _edit_distance(term, stem, limit)
                    if distance > limit:
                        continue
                    if distance == 0:
                        return None  # the word itself is there (maybe inflected)
                    original = written.lower()
                    frequency[original] += 1
                    surface = _edit_distance(fold(original), typed, 9)
                    found[original] = min(
                        found.get(original, (9, 9)), (distance, surface)
                    )
    if not found:
        return None
    best = min(found, key=lambda w: (*found[w], -frequency[w], w))
    return best if fold(best) != typed else None


def did_you_mean(*, parsed: ParsedQuery, scope: Scope) -> str | None:
    """A corrected query ("Bedoelde u ...") that finds something ``user`` may see,
    or None. Only words from visible objects are suggested, and the suggestion is
    only made if it finds something for this user."""
    from .forms import parse_query

    backend = _analysing_backend()
    if backend is None:
        return None
    text = parsed.text
    changed = False
    for word in list(dict.fromkeys(parsed.plain_words))[:3]:
        if word.isdigit():
            continue
        try:
            # A savepoint: a database error in the fuzzy search (a backend that
            # needs pg_trgm, say) must not take the request's transaction down.
            with transaction.atomic():
                better = _closest_visible_word(word, scope, backend)
        except DatabaseError as exc:
            logger.info("No spelling suggestions: %s", exc)
            return None
        if better:
            pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
            text = re.sub(pattern, better, text, flags=re.IGNORECASE)
            changed = True
    if not changed:
        return None
    suggested = parse_query(text)
    if suggested.query is None:
        return None
    for kind in search_kinds():
        if not may_match(suggested.query, kind, backend):
            continue
        results = run_search(suggested.query, scope.queryset(kind))
        if safe_count(results):
            return suggested.text
    return None


# -- autocomplete --------------------------------------------------------------


def autocomplete(*, user, text: str, request=None, limit: int = 8) -> list[dict]:
    """Titles for the search box's suggestion list, from objects ``user`` may
    see, interleaved by kind like the results page."""
    words = autocomplete_text(text)
    if len(words) < 2:
        return []
    scope = Scope(user, request)
    # A case number, or its start, lists those cases first, in number order.
    pins = numbered_cases(clean_text(text)[0], search_kinds(), scope, limit=limit)
    per_kind = []
    for kind in search_kinds():
        results = run_search(words, scope.queryset(kind), autocomplete=True)
        per_kind.append((kind, safe_slice(results, 0, limit + len(pins))))
    ranked = [
        (kind, objects[rank])
        for rank in range(limit + len(pins))
        for kind, objects in per_kind
        if rank < len(objects)
    ]
    entries = []
    seen = set()
    for kind, obj in [*pins, *ranked]:
        if (kind.key, obj.pk) in seen or len(entries) >= limit:
            continue
        seen.add((kind.key, obj.pk))
        entries.append(
            {
                "soort": str(kind.singular),
                "titel": kind.title(obj),
                "url": kind.url(obj, user, request),
            }
        )
    return entries
