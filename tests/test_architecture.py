"""The architecture, enforced: imports flow one way, and the core does no I/O.

``cli`` -> ``render`` / ``loader`` / ``checks`` -> ``core`` -> ``models`` ->
``money`` / ``dates`` -> ``errors``. The lower layers never import typer,
rich or yaml, never print and never open files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "computelease"

LAYERS = {
    "errors": 0,
    "money": 1,
    "dates": 1,
    "models": 2,
    "core": 3,
    "loader": 4,
    "output": 4,
    "checks": 4,
    "render": 4,
    "cli": 5,
}
PURE = {"errors", "money", "dates", "models", "core"}
FORBIDDEN_IN_PURE = {"typer", "rich", "yaml", "click", "sys", "os", "pathlib", "io", "subprocess"}
IO_CALLS = {"print", "open", "input", "read_text", "read_bytes", "write_text", "write_bytes"}


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = rel.parts
        if parts[0] in ("__init__", "__main__"):
            continue
        out.append((parts[0], path))
    return out


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "computelease":
                found.update(f"computelease.{alias.name}" for alias in node.names)
    return found


def test_every_module_has_a_layer() -> None:
    assert {top for top, _ in modules()} <= set(LAYERS)


@pytest.mark.parametrize(("top", "path"), modules(), ids=lambda v: str(v))
def test_imports_flow_one_way(top: str, path: Path) -> None:
    for name in imports(path):
        if not name.startswith("computelease."):
            continue
        target = name.split(".")[1]
        if target.startswith("__"):  # the package itself: __version__
            continue
        assert LAYERS[target] <= LAYERS[top], f"{path.name} ({top}) imports {name}"


@pytest.mark.parametrize(
    ("top", "path"), [(t, p) for t, p in modules() if t in PURE], ids=lambda v: str(v)
)
def test_pure_layers_do_no_io(top: str, path: Path) -> None:
    roots = {name.split(".")[0] for name in imports(path)}
    assert not roots & FORBIDDEN_IN_PURE, f"{path.name} imports {roots & FORBIDDEN_IN_PURE}"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            assert name not in IO_CALLS, f"{path.name}:{node.lineno} calls {name}"


def test_every_module_has_a_docstring() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path} has no module docstring"
