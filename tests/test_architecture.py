"""The layers of the code, checked from the source (DESIGN.md, "Apps"; issue 12).

Every module of the project is read with ``ast`` (nothing is imported) and put in
one unit:

- ``ground``: what every app may import: portal's small shared core (roles, the
  User and organisation settings, the dashboard and extension hooks, formatting,
  the scope guard, the benchmarks' sandbox) and ``files`` (reading uploaded
  files);
- ``cases`` (the register and the dossiers), ``documents`` (the quality system),
  ``search``;
- ``site``: the rest of portal, which puts the apps together (URLs, settings,
  the home page's context, the demo data, the site structure), and every
  settings module.

Imports may only point the way of ``ALLOWED``: no cycle between the apps, the
register and the documents never import the search app, the documents reach the
register only through its selectors, services and permissions (that only the
search backend imports the engine, Whoosh, is tests/search/test_engine_confined.py).
An import inside a function that crosses units is refused outside ``apps.py``
(the app registry is not ready at import time there): with the units acyclic, no
such import is needed to dodge a cycle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "documents", "cases", "search", "insights", "files")
PORTAL_GROUND = {
    "portal.roles",
    "portal.models",
    "portal.dashboard",
    "portal.downloads",
    "portal.hooks",
    "portal.formatting",
    "portal.scoping",
    "portal.middleware",
    # The benchmarks' throwaway database (benchmark_review, benchmark_register).
    "portal.sandbox",
    # What a server process (and benchmark_search's measuring run) does once
    # before its first request: it imports nothing of the apps.
    "portal.startup",
}
ALLOWED = {
    "ground": {"ground"},
    "cases": {"ground", "cases"},
    "documents": {"ground", "cases", "documents"},
    "search": {"ground", "cases", "documents", "search"},
    # Management information (C11) reads the register and the quality documents.
    "insights": {"ground", "cases", "documents", "insights"},
    "site": {"ground", "cases", "documents", "search", "insights", "site"},
}
# What the documents may use of the register (never its models).
DOCUMENTS_READ_CASES_THROUGH = (
    "cases.selectors",
    "cases.services",
    "cases.permissions",
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    path: Path
    line: int
    target: str  # the imported module (absolute)
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[Import] = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.Import):
                found.extend(
                    Import(module, path, child.lineno, alias.name, in_function)
                    for alias in child.names
                )
            elif isinstance(child, ast.ImportFrom):
                target = _absolute(module, path, child)
                found.append(Import(module, path, child.lineno, target, in_function))
                # "from portal import hooks" imports the module portal.hooks.
                found.extend(
                    Import(
                        module, path, child.lineno, f"{target}.{a.name}", in_function
                    )
                    for a in child.names
                    if (ROOT / target.replace(".", "/") / f"{a.name}.py").exists()
                    or (ROOT / target.replace(".", "/") / a.name).is_dir()
                )
            visit(child, inner)

    visit(tree, False)
    return found


def unit(module: str) -> str | None:
    """The unit of a project module, None for anything else (Django, Wagtail...)."""
    top = module.split(".")[0]
    if top not in PACKAGES:
        return None
    if "settings" in module.split("."):
        return "site"
    if top == "files" or any(
        module == g or module.startswith(g + ".") for g in PORTAL_GROUND
    ):
        return "ground"
    if top == "portal":
        return "ground" if module == "portal" else "site"
    return top


def all_imports() -> list[Import]:
    return [i for path in project_modules() for i in imports_of(path)]


def _where(i: Import) -> str:
    return f"{i.path.relative_to(ROOT)}:{i.line} imports {i.target}"


def test_the_scan_sees_the_project():
    """Not vacuous: the scan finds the imports that the layers are made of."""
    found = {(unit(i.module), unit(i.target)) for i in all_imports()}
    assert ("cases", "ground") in found
    assert ("search", "cases") in found
    assert ("site", "documents") in found
    assert ("documents", "cases") in found
    assert len(project_modules()) > 100


def test_imports_point_only_the_allowed_way():
    wrong = [
        f"{_where(i)} ({unit(i.module)} -> {unit(i.target)})"
        for i in all_imports()
        if unit(i.target) is not None and unit(i.target) not in ALLOWED[unit(i.module)]
    ]
    assert not wrong, "\n".join(wrong)


def test_there_is_no_cycle_between_the_units():
    edges = {
        (unit(i.module), unit(i.target))
        for i in all_imports()
        if unit(i.target) is not None and unit(i.module) != unit(i.target)
    }
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str, seen: frozenset = frozenset()) -> bool:
        return any(
            n == goal or (n not in seen and reaches(n, goal, seen | {n}))
            for n in graph.get(start, ())
        )

    cycles = sorted(a for a in graph if reaches(a, a))
    assert not cycles, f"units on a cycle: {cycles}"


def test_the_register_and_the_documents_never_import_search():
    wrong = [
        _where(i)
        for i in all_imports()
        if unit(i.module) in ("cases", "documents", "ground")
        and i.target.split(".")[0] == "search"
    ]
    assert not wrong, "\n".join(wrong)


def test_the_documents_read_the_register_only_through_its_selectors_and_services():
    wrong = [
        _where(i)
        for i in all_imports()
        if unit(i.module) == "documents"
        and unit(i.target) == "cases"
        and i.target != "cases"
        and not i.target.startswith(DOCUMENTS_READ_CASES_THROUGH)
    ]
    assert not wrong, "\n".join(wrong)


# What management information may use of the apps below it (issue 13: "reads only
# through the selectors of cases and documents"); ``cases.kinds`` is the registry.
INSIGHTS_READ_THROUGH = (
    "cases.selectors",
    "cases.kinds",
    "cases.permissions",
    "documents.selectors",
    "documents.permissions",
)


def test_management_information_reads_only_through_selectors():
    wrong = [
        _where(i)
        for i in all_imports()
        if unit(i.module) == "insights"
        and unit(i.target) in ("cases", "documents")
        and i.target not in ("cases", "documents")
        and not i.target.startswith(INSIGHTS_READ_THROUGH)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_inside_a_function_crosses_units():
    wrong = [
        _where(i)
        for i in all_imports()
        if i.in_function
        and unit(i.target) is not None
        and unit(i.target) != unit(i.module)
        and i.path.name != "apps.py"
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("portal.roles", "ground"),
        ("portal.urls", "site"),
        ("portal.settings.base", "site"),
        ("files.extraction.docx", "ground"),
        ("cases.services.appeals", "cases"),
        ("search.conformance.settings", "site"),
        ("django.db", None),
    ],
)
def test_modules_fall_in_the_unit_the_design_names(module, expected):
    assert unit(module) == expected
