"""The search engine stays inside ``search/backends/`` (issue 12, item 5).

Only the backend package imports Whoosh, so that another engine can replace it
without touching the portal: the search page asks the configured backend to
highlight and to analyse words for "Bedoelde u", and makes do without on a
backend that cannot (plain word marking, no suggestion), as with modelsearch's
database backends.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from wagtail.search.backends import get_search_backend

from portal.roles import OFFICE_MANAGER, QUALITY_OFFICER
from search import selectors as search_selectors
from search import suggestions as search_suggestions
from search.backends.whoosh import WhooshSearchBackend
from search.words import highlight_words
from tests.factories import ClientFactory, UserFactory
from tests.search.test_search_page import (
    make_complaint,
    result_of,
    search,
    suggest,
)

ROOT = Path(__file__).resolve().parents[2]
ENGINE_HOME = ROOT / "search" / "backends"
#: The project's apps; any other top-level folder with an ``apps.py`` counts too.
APPS = ("portal", "documents", "cases", "search", "files")


def app_folders() -> list[Path]:
    folders = {ROOT / name for name in APPS}
    folders.update(path.parent for path in ROOT.glob("*/apps.py"))
    return sorted(folders)


def python_files() -> list[Path]:
    return [
        path
        for folder in app_folders()
        for path in sorted(folder.rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


def _is_whoosh(name: str) -> bool:
    return name == "whoosh" or name.startswith("whoosh.")


def _imported_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0:
        return [node.module or ""]
    if isinstance(node, ast.Call) and node.args:
        # importlib.import_module("whoosh...") or __import__("whoosh...")
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        if name in {"import_module", "__import__"} and isinstance(first, ast.Constant):
            return [str(first.value)]
    return []


def whoosh_imports(path: Path) -> list[int]:
    """Line numbers where ``path`` imports Whoosh, at any depth (also inside a
    function, where an import is easily overlooked)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if any(_is_whoosh(name) for name in _imported_names(node))
    ]


def test_only_the_search_backends_import_whoosh():
    assert all(folder.is_dir() for folder in app_folders())
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in python_files()
        if not path.is_relative_to(ENGINE_HOME)
        for line in whoosh_imports(path)
    ]
    assert offenders == []


def test_the_scan_would_see_an_import_of_whoosh():
    inside = [path for path in python_files() if path.is_relative_to(ENGINE_HOME)]
    assert any(whoosh_imports(path) for path in inside)
    tree = ast.parse(
        "import whoosh.query\n"
        "from whoosh import highlight\n"
        "def f():\n"
        "    from whoosh.analysis import Token\n"
        "    importlib.import_module('whoosh.lang')\n"
        "from .whoosh import x\n"
        "import whooshy\n"
    )
    found = [
        n.lineno for n in ast.walk(tree) if any(map(_is_whoosh, _imported_names(n)))
    ]
    assert sorted(found) == [1, 2, 4, 5]


# -- the plain highlighter, for backends without one -------------------------------


def test_the_plain_highlighter_escapes_the_text_and_marks_the_word():
    marked = highlight_words(
        "Hij schreef <script>'x'</script> over tureluur.", "tureluur"
    )
    assert marked == (
        "Hij schreef &lt;script&gt;&#x27;x&#x27;&lt;/script&gt; over "
        "<mark>tureluur</mark>."
    )


def test_the_plain_highlighter_ignores_case_and_accents_both_ways():
    assert highlight_words("Geëscaleerd, zei ze.", "GEESCALEERD") == (
        "<mark>Geëscaleerd</mark>, zei ze."
    )
    assert highlight_words("Het is geescaleerd.", "geëscaleerd") == (
        "Het is <mark>geescaleerd</mark>."
    )


def test_the_plain_highlighter_marks_whole_words_only():
    assert highlight_words("De klachten en de klachtbehandeling.", "klacht") == ""
    assert highlight_words("verslag_2025.pdf", "verslag pdf") == (
        "<mark>verslag</mark>_2025.<mark>pdf</mark>"
    )
    assert highlight_words("", "klacht") == ""
    assert highlight_words("Een klacht.", "  *  ") == ""


def test_the_plain_highlighter_shows_a_few_fragments_around_the_matches():
    filler = " ".join(["woord"] * 30)
    text = f"{filler} tureluur {filler} tureluur {filler} tureluur {filler}"
    marked = highlight_words(text, "tureluur", top=2, surround=20)
    fragments = marked.split(" … ")
    assert len(fragments) == 2
    for fragment in fragments:
        assert fragment.count("<mark>tureluur</mark>") == 1
        assert fragment.startswith("woord")
        assert fragment.endswith("woord")
        assert len(fragment) < 80


# -- the Whoosh backend answers these questions itself ------------------------------


def test_the_whoosh_backend_highlights_and_analyses_words(tmp_path):
    backend = WhooshSearchBackend({"PATH": str(tmp_path), "LANGUAGE": "nl"})
    assert backend.text_terms("De klachten") == ["klacht"]
    assert list(backend.text_tokens("Geëscaleerde klachten")) == [
        ("geescaleerd", "Geëscaleerde"),
        ("klacht", "klachten"),
    ]
    assert backend.fold("Geëscaleerd") == "geescaleerd"
    marked = backend.highlight("Twee <b>klachten</b>.", "klacht")
    assert marked.startswith('Twee &lt;b&gt;<mark class="match term0">klachten</mark>')


# -- the search page on a backend without highlighting or word analysis ------------


class WithoutPortalMethods:
    """The configured backend as modelsearch's own backends are: it searches,
    but neither highlights nor analyses words for the portal."""

    HIDDEN = frozenset({"highlight", "text_terms", "text_tokens", "fold"})

    def __init__(self, backend) -> None:
        self._backend = backend

    def __getattr__(self, name):
        if name in self.HIDDEN:
            raise AttributeError(name)
        return getattr(self._backend, name)


@pytest.fixture
def people(db):
    return {
        "qo": UserFactory(roles=[QUALITY_OFFICER]),
        "office": UserFactory(roles=[OFFICE_MANAGER]),
    }


@pytest.fixture
def as_qo(client, people):
    client.force_login(people["qo"])
    return client


@pytest.fixture
def plain_backend(monkeypatch):
    def plain(*args, **kwargs):
        return WithoutPortalMethods(get_search_backend(*args, **kwargs))

    monkeypatch.setattr(search_selectors, "get_search_backend", plain)
    monkeypatch.setattr(search_suggestions, "get_search_backend", plain)


def test_the_page_marks_words_without_a_backend_highlighter(
    as_qo, people, plain_backend
):
    make_complaint(
        ClientFactory(name="Zorggroep De Linde"),
        "Hij schreef <script>alert('x')</script> over de tureluur.",
        office=people["office"],
        quality=people["qo"],
    )
    response = search(as_qo, "tureluur")
    (hit,) = result_of(response).hits
    assert "<mark>tureluur</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<script>alert" not in response.content.decode()


def test_suggestions_work_without_a_backend_that_analyses_words(
    as_qo, people, plain_backend
):
    make_complaint(
        ClientFactory(name="Stichting Kraanvogel"),
        "De kraanvogel-rapportage kwam te laat.",
        office=people["office"],
        quality=people["qo"],
    )
    missed = result_of(search(as_qo, "kraanvogl"))
    assert missed.total == 0
    assert missed.suggestion is None  # no analysis, so no "Bedoelde u"
    assert result_of(search(as_qo, "kraanvogel")).total
    titles = [entry["titel"] for entry in suggest(as_qo, "kraanv")]
    assert "Stichting Kraanvogel" in titles
