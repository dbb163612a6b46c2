"""Chunking, entity heuristics and the AST scan: pure functions, no model, no server."""

from __future__ import annotations

from pathlib import Path

from venom_core.memory.chunking import chunk_text, content_hash
from venom_core.memory.code_graph import scan_workspace
from venom_core.memory.entities import extract_entities


def test_chunks_respect_size_and_keep_every_sentence() -> None:
    sentences = [f"Sentence {i} talks about item {i * 7}." for i in range(300)]
    chunks = chunk_text(" ".join(sentences))
    assert len(chunks) > 5 and all(len(c) <= 900 for c in chunks)
    joined = " ".join(chunks)
    assert all(s in joined for s in sentences)
    assert chunk_text("  short fact  ") == ["short fact"]
    assert chunk_text("   ") == []
    no_spaces = chunk_text("x" * 5000)
    assert "".join(no_spaces) == "x" * 5000


def test_content_hash_ignores_case_and_spacing_but_not_scope() -> None:
    assert content_hash("My  Colour is TEAL", "s1|fact") == content_hash("my colour is teal", "s1|fact")
    assert content_hash("my colour is teal", "s1|fact") != content_hash("my colour is teal", "s2|fact")


def test_entities() -> None:
    found = extract_entities("The MemoryBank in bank.py, written by Alice Cooper in New York, uses "
                             "build_graph and `lancedb` #search. My favourite colour is teal.")
    assert {"MemoryBank", "bank.py", "Alice Cooper", "New York", "build_graph", "lancedb", "search"} <= set(found)
    assert "My" not in found and "The" not in found


def test_scan_resolves_relative_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text("class User:\n    def name(self):\n        return 'x'\n")
    (pkg / "views.py").write_text("from .models import User\nfrom . import models\nimport os.path\n")
    scan = scan_workspace(tmp_path)
    edges = {(e["source"], e["type"], e["target"]) for e in scan["edges"]}
    assert ("code:mod:app.views", "imports", "code:mod:app.models") in edges
    assert ("code:mod:app.views", "imports", "code:ext:os") in edges
    assert ("code:cls:app.models.User", "defines", "code:fn:app.models.User.name") in edges
    assert scan["errors"] == [] and scan["files"] == 3
