"""The code graph of `VENOM_WORKSPACE`, from Python's `ast` (no code is imported or run).

Nodes are modules, classes, functions and the external modules they import; edges are
`defines` (module -> class/function, class -> method) and `imports` (module -> module).
The scan result is saved as JSON so the graph survives restarts without a rescan.
"""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path
from typing import Any

from venom_core.core import safe_fs

SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache",
                       "build", "dist", ".next"})
MAX_FILES = 5000
MAX_FILE_BYTES = 1_000_000
# Bumped when a saved scan may hold what a new scan would not: version 2 walks with core.safe_fs
# (no symlinked folders, no links out of the workspace), so an older saved scan is rescanned.
SCAN_VERSION = 2


def _module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1] or ["__init__"]
    return ".".join(parts)


def _walk(root: Path) -> safe_fs.Walk:
    """The `.py` files under `root`: bounded, no symlinked folders, no FIFOs or devices, no links out."""
    return safe_fs.walk(root, root, limit=MAX_FILES, skip_dirs=SKIP_DIRS, skip_hidden_dirs=True,
                        want=lambda name: name.endswith(".py"))


def _resolve_import(module: str, node: ast.ImportFrom) -> str:
    base = node.module or ""
    if node.level:
        parts = module.split(".")[: -node.level] if node.level <= module.count(".") + 1 else []
        base = ".".join([*parts, base] if base else parts)
    return base


def scan_workspace(root: Path) -> dict[str, Any]:
    """Scan every `.py` file under `root`; unparsable files are listed in `errors`, not fatal."""
    t0 = time.perf_counter()
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, str]] = []
    errors: list[dict[str, str]] = []
    root = root.resolve()
    walk = _walk(root) if root.is_dir() else safe_fs.Walk()
    files = walk.files
    for reason, paths in walk.examples.items():
        errors += [{"path": p, "error": f"skipped: {reason}"} for p in paths]
    modules = {_module_name(root, p): p for p in files}
    for module, path in modules.items():
        rel = str(path.relative_to(root))
        mod_id = f"code:mod:{module}"
        nodes[mod_id] = {"id": mod_id, "label": module, "type": "module", "path": rel}
        try:
            head = safe_fs.read_head(root, path, MAX_FILE_BYTES)  # never a FIFO, a device or a link out
            if head.truncated:
                raise ValueError("file too large to scan")
            tree = ast.parse(head.data.decode("utf-8", errors="replace"), filename=rel)
        except (SyntaxError, ValueError, OSError, RecursionError) as exc:
            errors.append({"path": rel, "error": f"{type(exc).__name__}: {exc}"})
            continue
        for stmt in tree.body:
            _add_definition(stmt, mod_id, module, rel, nodes, edges)
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve_import(module, node)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                if not target or target == "__future__":
                    continue
                internal = target if target in modules else next(
                    (m for m in modules if target.startswith(m + ".")), None)
                if internal is not None:
                    target_id = f"code:mod:{internal}"
                else:
                    top = target.split(".")[0]
                    target_id = f"code:ext:{top}"
                    nodes.setdefault(target_id, {"id": target_id, "label": top, "type": "external_module"})
                if target_id != mod_id:
                    edges.append({"source": mod_id, "target": target_id, "type": "imports"})
    unique = {(e["source"], e["target"], e["type"]): e for e in edges}
    return {
        "version": SCAN_VERSION,
        "root": str(root),
        "scanned_at": time.time(),
        "duration_ms": round((time.perf_counter() - t0) * 1000, 1),
        "files": len(files),
        "errors": errors,
        "nodes": list(nodes.values()),
        "edges": list(unique.values()),
    }


def _add_definition(stmt: ast.stmt, parent_id: str, qual: str, rel: str,
                    nodes: dict[str, dict[str, Any]], edges: list[dict[str, str]]) -> None:
    if isinstance(stmt, ast.ClassDef):
        kind = "class"
    elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        kind = "function"
    else:
        return
    name = f"{qual}.{stmt.name}"
    node_id = f"code:{'cls' if kind == 'class' else 'fn'}:{name}"
    nodes[node_id] = {"id": node_id, "label": stmt.name, "type": kind, "qualname": name, "path": rel,
                      "line": stmt.lineno}
    edges.append({"source": parent_id, "target": node_id, "type": "defines"})
    if isinstance(stmt, ast.ClassDef):
        for inner in stmt.body:
            _add_definition(inner, node_id, name, rel, nodes, edges)


def save_scan(scan: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(scan), encoding="utf-8")
    tmp.replace(path)


def load_scan(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "nodes" not in data or data.get("version") != SCAN_VERSION:
        return None  # missing, damaged or from an older scanner: the start-up scan runs again
    return data
