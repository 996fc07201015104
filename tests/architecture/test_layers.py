"""Imports point down only, and no package imports itself in a circle (ast, no imports run).

    core, prompts  <-  index  <-  rag  <-  evaluation  <-  ui

``core`` holds the nouns, errors and settings; ``index`` the store and building it; ``rag``
the answer stage; ``evaluation`` scores it; ``ui`` is the CLI, the HTTP API, Gradio and the
widget. Every import counts, including the ones inside functions.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [("core", "prompts"), ("index",), ("rag",), ("evaluation",), ("ui",)]
RANK = {package: rank for rank, group in enumerate(LAYERS) for package in group}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name that ``path`` imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    modules = {module_name(p): p for package in RANK for p in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in imported_modules(path) if m in modules}
    return graph


def test_imports_point_down_only() -> None:
    upward = [
        f"{source} imports {target}"
        for source, targets in project_imports().items()
        for target in targets
        if RANK[target.split(".")[0]] > RANK[source.split(".")[0]]
    ]
    assert not upward, "imports that point up a layer:\n" + "\n".join(sorted(upward))


def test_layers_of_one_rank_do_not_import_each_other() -> None:
    sideways = [
        f"{source} imports {target}"
        for source, targets in project_imports().items()
        for target in targets
        if target.split(".")[0] != source.split(".")[0]
        and RANK[target.split(".")[0]] == RANK[source.split(".")[0]]
    ]
    assert not sideways, "\n".join(sorted(sideways))


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state[nxt] == 1:
                return [*path[path.index(nxt) :], nxt]
            if state[nxt] == 0 and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state[node] == 0 and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_modules() -> None:
    graph = {
        m: {t for t in targets if t != m and not m.startswith(t + ".")}
        for m, targets in project_imports().items()
    }
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The walk finds imports inside functions and through importlib, where cycles hide."""
    source = tmp_path / "mod.py"
    source.write_text(
        "import importlib\ndef f():\n    from ui.server import serve\n    importlib.import_module('rag.x')\n",
        encoding="utf-8",
    )
    assert {"ui.server", "ui.server.serve", "rag.x"} <= imported_modules(source)


@pytest.mark.parametrize(
    ("graph", "expected"), [({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]), ({"a": {"b"}, "b": set()}, None)]
)
def test_cycle_finder(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    assert _cycle(graph) == expected
