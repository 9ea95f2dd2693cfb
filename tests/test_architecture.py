"""The architecture, enforced: every module on its own layer, imports flowing one way.

``cli`` -> ``api`` -> ``loader``, ``checks`` -> ``core`` -> ``models`` ->
``money`` / ``dates`` -> ``errors``; ``render`` takes core results and sits
below the loader, so it can import neither the loader, the checks nor yaml.
Each module has its own rank in :data:`ORDER` and may import only modules
ranked below it, so a sideways import (a renderer reaching for the loader, a
core module for a renderer) fails here. The lower layers never import typer,
rich or yaml, never print and never open files.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "computelease"

#: Every module, lowest first. A module may import only the modules before it.
ORDER = [
    "errors",
    "money",
    "dates",
    "paths",
    "fields",
    "models",
    "schema",
    "starter",
    "validation",
    "locations",
    "core",
    "core.capacity",
    "core.schedule",
    "core.totals",
    "core.valuation",
    "core.commitment",
    "core.credit",
    "core.market",
    "core.units",
    "core.costs",
    "core.financing",
    "core.breakeven",
    "core.scenario",
    "core.accounting",
    "core.reconcile",
    "core.analysis",
    "core.metrics",
    "core.whatif",
    "core.diff",
    "core.sensitivity",
    "core.book",
    "core.reported",
    "core.reports",
    "core.gates",
    "core.risk",
    "core.montecarlo",
    "results",
    "render.options",
    "render.safe",
    "render.document",
    "render.table",
    "render.markdown",
    "render.json",
    "render.csv",
    "render.text",
    "render.github",
    "render.junit",
    "render.sarif",
    "render.xlsx",
    "render.charts",
    "render.html",
    "render",
    "yamltree",
    "source",
    "gitref",
    "loader",
    "actuals",
    "config",
    "checks",
    "api",
    "arguments",
    "output",
    "cli",
    "__main__",
]
RANK = {name: i for i, name in enumerate(ORDER)}
PURE = {
    "errors",
    "money",
    "dates",
    "paths",
    "fields",
    "models",
    "schema",
    "starter",
    "validation",
    "locations",
    "results",
}
FORBIDDEN_IN_PURE = {"typer", "rich", "yaml", "click", "sys", "os", "pathlib", "io", "subprocess"}
IO_CALLS = {"print", "open", "input", "read_text", "read_bytes", "write_text", "write_bytes"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = rel.parts[:-1] if rel.parts[-1] == "__init__" else rel.parts
    return ".".join(parts)


def modules() -> list[tuple[str, Path]]:
    """Every module of the package but the package itself (which exports the API lazily)."""
    return [(module_name(p), p) for p in sorted(PACKAGE.rglob("*.py")) if module_name(p) != ""]


def absolute(name: str, package: bool, node: ast.ImportFrom) -> str:
    """The module a ``from`` import names, relative ones (``from ..loader import x``) resolved.

    ``name`` is the importing module's (``render.document``); ``package`` says
    whether it is a package's ``__init__``, which is its own package.
    """
    if not node.level:
        return node.module or ""
    parts = ["computelease", *name.split(".")] if name else ["computelease"]
    base = parts if package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(path: Path, name: str | None = None) -> set[str]:
    """Every computelease module ``path`` imports, at the top, in a function or for typing.

    ``name`` is the module ``path`` holds (by default, the one its place in the package says).
    """
    if name is None:
        name = module_name(path)
    package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = absolute(name, package, node)
            for alias in node.names:
                # ``from computelease.render import table`` depends on the module render.table;
                # ``from computelease.money import parse`` on computelease.money.
                full = f"{module}.{alias.name}"
                found.add(full if full.removeprefix("computelease.") in RANK else module)
    return found


def internal(name: str) -> str | None:
    """The module of ORDER that an imported name belongs to, or None if it is not ours."""
    if not name.startswith("computelease."):
        return None
    parts = name.split(".")[1:]
    while parts and ".".join(parts) not in RANK:
        parts.pop()
    return ".".join(parts) if parts else None


def is_pure(name: str) -> bool:
    return name in PURE or name == "core" or name.startswith("core.")


def test_every_module_has_a_layer() -> None:
    names = {name for name, _ in modules()}
    assert names == set(ORDER), (
        f"not ranked: {sorted(names - set(ORDER))}; gone: {sorted(set(ORDER) - names)}"
    )


def violations(name: str, path: Path) -> list[str]:
    """The imports of module ``name`` (at ``path``) that do not reach below its rank."""
    out = []
    for imported in sorted(imports(path, name)):
        target = internal(imported)
        if target is not None and target != name and RANK[target] >= RANK[name]:
            out.append(f"{name} imports {imported} ({target} is not below it)")
    return out


@pytest.mark.parametrize(("name", "path"), modules(), ids=lambda v: str(v))
def test_imports_flow_one_way(name: str, path: Path) -> None:
    assert violations(name, path) == []


@pytest.mark.parametrize(
    ("name", "path"), [(n, p) for n, p in modules() if is_pure(n)], ids=lambda v: str(v)
)
def test_pure_layers_do_no_io(name: str, path: Path) -> None:
    roots = {imported.split(".")[0] for imported in imports(path, name)}
    assert not roots & FORBIDDEN_IN_PURE, f"{name} imports {roots & FORBIDDEN_IN_PURE}"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            assert called not in IO_CALLS, f"{name}:{node.lineno} calls {called}"


@pytest.mark.parametrize(
    ("name", "path"),
    [(n, p) for n, p in modules() if n.startswith("render")],
    ids=lambda v: str(v),
)
def test_renderers_never_import_the_loader_the_checks_or_yaml(name: str, path: Path) -> None:
    banned = {"yaml", "computelease.loader", "computelease.checks", "computelease.api"}
    banned |= {"computelease.yamltree", "computelease.source", "computelease.cli"}
    found = {i for i in imports(path, name) if i.split(".")[0] == "yaml" or internal(i) is not None}
    hits = {i for i in found if i == "yaml" or any(i.startswith(b) for b in banned)}
    assert not hits, f"{name} imports {sorted(hits)}"


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("render.table", "from computelease.loader import load\n"),
        ("render.json", "def f() -> None:\n    from computelease import checks\n"),
        ("core.schedule", "from computelease.render import table\n"),
        ("render.document", "import computelease.render.table\n"),
        ("render.document", "def f() -> None:\n    from ..loader import load\n"),
        ("render.table", "from . import json\n"),
        ("core.totals", "from .book import book\n"),
        ("render.json", "from .. import api\n"),
    ],
)
def test_a_sideways_import_fails(tmp_path: Path, name: str, source: str) -> None:
    """The rule above is not vacuous: each of these imports breaks it."""
    bad = tmp_path / "module.py"
    bad.write_text(source, encoding="utf-8")
    assert violations(name, bad)


def test_every_module_has_a_docstring() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path} has no module docstring"


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_import_computelease_is_cheap_and_exports_lazily() -> None:
    loaded = _loaded_after("import computelease")
    assert not {"yaml", "pydantic", "rich", "typer", "computelease.api"} & loaded
    loaded = _loaded_after("from computelease import analyse")
    assert "computelease.api" in loaded


@pytest.mark.parametrize(
    "name",
    ["Axis", "CheckRun", "Loaded", "LoadedDeal", "Problem", "Result", "Scenario", "Settings"],
)
def test_naming_a_public_type_does_not_import_the_loader(name: str) -> None:
    loaded = _loaded_after(f"from computelease import {name}")
    assert not {"yaml", "computelease.loader", "computelease.api"} & loaded


def test_renderers_and_result_types_do_not_import_yaml() -> None:
    loaded = _loaded_after(
        "import computelease.render.table, computelease.render.json, computelease.render.csv, "
        "computelease.render.markdown, computelease.core.reports, computelease.core.sensitivity"
    )
    assert "yaml" not in loaded
    assert "computelease.loader" not in loaded


def _commands() -> list[ast.FunctionDef]:
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(
            isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "command"
            for d in node.decorator_list
        )
    ]


def test_every_command_is_a_thin_client_of_the_api() -> None:
    """Parse options, call one API function, render, exit: a body of a dozen lines at most."""
    commands = _commands()
    assert len(commands) == 15
    for command in commands:
        body = command.body[1:] if ast.get_docstring(command) else command.body
        lines = body[-1].end_lineno - body[0].lineno + 1  # type: ignore[operator]
        assert lines <= 12, f"{command.name} has a {lines}-line body"
        calls = {
            node.func.attr
            for node in ast.walk(command)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "api"
        }
        assert 1 <= len(calls) <= 2, f"{command.name} calls api.{calls}"


def _strings(tree: ast.AST) -> list[str]:
    """Every string the code can show a user: constants, but not docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_the_core_speaks_no_command_line() -> None:
    """Option names and usage errors belong to the command line, not to the core or the API."""
    below = ("checks", "api", "loader", "source", "yamltree", "config", "starter")
    for name, path in modules():
        if not (is_pure(name) or name in below):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert "UsageError" not in imports(path) | {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
        }, f"{name} raises usage errors"
        for text in _strings(tree):
            assert not re.search(OPTION, text), f"{name} says {text!r}"
    # The pattern is not vacuous: it finds an option in a message, not in a docstring.
    assert [
        t
        for t in _strings(ast.parse('"""see --rate"""\nx = "pass --rate"'))
        if re.search(OPTION, t)
    ]
    assert not _strings(ast.parse('"""see --rate"""'))


#: A command-line option named in text: ``--rate``, ``(--fx ...)``.
OPTION = r"(^|[\s(])--[a-z]"
