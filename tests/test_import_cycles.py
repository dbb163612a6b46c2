"""The venom_core package has no import circles, not even ones hidden behind `TYPE_CHECKING` or
inside a function: every module can be read (and imported) knowing only the modules below it.

The graph is read from the source with `ast`, so it sees every import statement wherever it is,
and nothing is imported to build it (fast, no side effects).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "venom_core"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package modules that `name` imports, at any depth of its syntax tree."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()

    def add(target: str) -> None:
        # `import a.b.c` also runs a/__init__ and a/b/__init__, but an __init__ that imports
        # nothing adds no edge worth reporting, so the named module is what counts.
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, path.name == "__init__.py", node)
            if base.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                add(sub if sub in known else base)  # `from pkg import module` imports the module
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each with one circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def one_circle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, for the failure message."""
    members = set(component)
    start = component[0]
    paths: dict[str, list[str]] = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    return [*paths[v], start]
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    nxt.append(w)
        frontier = nxt
    return component


def test_the_graph_is_read() -> None:
    graph = import_graph()
    assert "venom_core.services" in graph
    assert "venom_core.config" in graph["venom_core.services"]


def test_no_import_circles() -> None:
    graph = import_graph()
    found = cycles(graph)
    report = "\n".join(
        f"{len(c)} modules: {' -> '.join(one_circle(graph, c))}\n    all: {', '.join(c)}" for c in found
    )
    assert not found, f"import circles in {PACKAGE}:\n{report}"


def test_the_walk_sees_hidden_imports(tmp_path: Path) -> None:
    """A circle through a `TYPE_CHECKING` block or a function-local import is still a circle."""
    (tmp_path / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from venom_core.b import B\n")
    (tmp_path / "b.py").write_text("def f():\n    from venom_core import a\n")
    known = {"venom_core.a": tmp_path / "a.py", "venom_core.b": tmp_path / "b.py"}
    graph = {n: imports_of(n, p, known) for n, p in known.items()}
    assert cycles(graph) == [["venom_core.a", "venom_core.b"]]


def reachable(graph: dict[str, set[str]], start: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        v = todo.pop()
        for w in graph.get(v, ()):
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def test_the_runtime_layer_knows_nothing_of_tasks() -> None:
    """The runtimes record into a task's trace through `venom_core.tracer`, so nothing they import,
    directly or not, is about tasks, agents, the orchestrator or the app's wiring."""
    graph = import_graph()
    runtimes = {m for m in graph if m.startswith(f"{PACKAGE}.runtimes")}
    above = sorted(m for m in reachable(graph, runtimes) - runtimes
                   if m.startswith((f"{PACKAGE}.core.models", f"{PACKAGE}.core.orchestration", f"{PACKAGE}.core.task",
                                    f"{PACKAGE}.orchestrator", f"{PACKAGE}.agents", f"{PACKAGE}.services",
                                    f"{PACKAGE}.api", f"{PACKAGE}.memory", f"{PACKAGE}.tools")))
    assert not above, f"the runtime layer imports {above}"
