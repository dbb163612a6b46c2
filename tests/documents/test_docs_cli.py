"""`venom docs` against a real server: add (waits for indexing), ls, search, rm by short id,
and bad input (a refused file, an unknown id)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import LiveServer
from tests.documents.conftest import make_pdf
from tests.ops.conftest import run_cli


def venom(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(server.url, *args, timeout=300)


def test_add_ls_search_rm(docs_server: LiveServer, tmp_path: Path) -> None:
    pdf = tmp_path / "atlas.pdf"
    pdf.write_bytes(make_pdf({1: "Contents.", 2: "The indigo walrus guards the northern archive."}))
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nA short note about the amber tram.\n")
    added = venom(docs_server, "docs", "add", str(pdf), str(note))
    assert added.returncode == 0, added.stderr
    lines = added.stdout.strip().splitlines()
    assert len(lines) == 2 and all(": ready" in line for line in lines)
    short = lines[0].split()[0]

    listed = venom(docs_server, "docs", "ls")
    assert listed.returncode == 0 and listed.stdout.splitlines()[0].split()[:4] == ["ID", "NAME", "TYPE", "STATUS"]
    assert short in listed.stdout and "atlas.pdf" in listed.stdout

    found = venom(docs_server, "docs", "search", "indigo", "walrus")
    assert found.returncode == 0 and found.stdout.startswith("[1] atlas.pdf, page 2")

    removed = venom(docs_server, "docs", "rm", short)
    assert removed.returncode == 0 and removed.stdout.strip() == f"removed {short}"
    assert short not in venom(docs_server, "docs", "ls").stdout


def test_bad_input_exits_with_a_reason(docs_server: LiveServer, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    refused = venom(docs_server, "docs", "add", str(empty))
    assert refused.returncode == 1 and "document_empty" in refused.stderr
    unknown = venom(docs_server, "docs", "rm", "ffffffff")
    assert unknown.returncode == 1 and "no document with id ffffffff" in unknown.stderr
    missing = venom(docs_server, "docs", "add", str(tmp_path / "nope.pdf"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
