"""A hostile workspace: symlink loops, a FIFO, a link to /dev/zero, a link out of the jail, a 1 GiB file.

Every `/file` task must answer (completed, or failed with a clear code), the server must keep
answering `/healthz` and stop on SIGTERM, and the code graph must hold nothing from outside the
workspace. The model is off (`llm_off`): the answers are the tools' output, which is what is checked.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.sse import run_with_steps

pytestmark = pytest.mark.timeout(240)

GIB = 1 << 30
HEAD_TEXT = "a line of the big log file\n" * 3000  # ~80 KB of text, then a sparse hole up to 1 GiB
FENCED = "Notes\n```\nthe model must not read this as markdown\n```\n````python\nprint('x')\n````\nend of notes\n"


def hostile_workspace(root: Path) -> Path:
    ws = root / "workspace"
    (ws / "pkg").mkdir(parents=True)
    (ws / "README.md").write_text("# Hostile workspace\nneedle in the readme\n")
    (ws / "pkg" / "good.py").write_text("def inside_function():\n    return 1\n")
    (ws / "loop-a").symlink_to(".")
    (ws / "loop-b").symlink_to(".")
    os.mkfifo(ws / "pipe.py")
    (ws / "zero.py").symlink_to("/dev/zero")
    outside = root / "outside"
    outside.mkdir()
    (outside / "leak.py").write_text("def leaked_function():\n    return 'outside'\n")
    (ws / "leak.py").symlink_to(outside / "leak.py")
    with open(ws / "big.log", "wb") as f:
        f.write(HEAD_TEXT.encode())
        f.truncate(GIB)  # sparse: costs no disk
    (ws / "fence.md").write_text(FENCED)
    (ws / "ring-a.txt").symlink_to("ring-b.txt")  # a symlink loop
    (ws / "ring-b.txt").symlink_to("ring-a.txt")
    deep = ws.joinpath(*["deep"] * 40)  # deeper than any walk goes
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_text("the bottom\n")
    return ws


def stale_scan(root: Path) -> None:
    """A code graph saved by an older scanner, holding a node from outside the workspace."""
    node = {"id": "code:fn:leak.leaked_before_upgrade", "label": "leaked_before_upgrade", "type": "function",
            "qualname": "leak.leaked_before_upgrade", "path": "leak.py", "line": 1}
    scan = {"root": str(root / "workspace"), "scanned_at": 0, "duration_ms": 0, "files": 1, "errors": [],
            "nodes": [node], "edges": []}
    (root / "data" / "memory").mkdir(parents=True)
    (root / "data" / "memory" / "code_graph.json").write_text(json.dumps(scan))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    root = tmp_path_factory.mktemp("hostile")
    ws = hostile_workspace(root)
    stale_scan(root)
    server = LiveServer(data_dir=root, env={"VENOM_RUNTIME_PROFILE": "llm_off", "VENOM_MEMORY_ENABLED": "false",
                                            "VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_WORKSPACE": str(ws)})
    server.start()
    try:
        yield server, ws
    finally:
        server.stop()


def run(server: LiveServer, content: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        task = run_with_steps(c, content)
        assert c.get("/healthz").status_code == 200  # the server still answers after the walk
    return task


def tool_details(task: dict[str, Any], tool: str) -> dict[str, Any]:
    return next(s["details"] for s in task["steps"] if s["details"].get("tool") == tool)


def test_listing_answers_and_says_what_was_skipped(hostile: tuple[LiveServer, Path]) -> None:
    server, _ws = hostile
    task = run(server, "/file list the files")
    assert task["status"] == "COMPLETED", task["error"]
    result = task["result"]
    assert "`README.md`" in result and "`pkg/good.py`" in result and "`big.log`" in result
    assert "loop-a/" not in result  # the symlinked folders were not walked into
    for skipped in ("`loop-a`", "`loop-b`", "`pipe.py`", "`zero.py`", "`leak.py`"):
        assert skipped in result.split("Skipped:")[1], skipped
    assert "bottom.txt" not in result and "the walk stopped at its limit" in result
    details = tool_details(task, "list_files")
    assert details["truncated"] is True
    assert details["skipped"]["special files"] == 1
    assert details["skipped"]["symlinked folders (not followed)"] == 2


def test_search_skips_what_it_cannot_read(hostile: tuple[LiveServer, Path]) -> None:
    server, _ws = hostile
    task = run(server, '/file search "needle"')
    assert task["status"] == "COMPLETED", task["error"]
    assert "README.md:2" in task["result"]


def test_reading_a_huge_file_reads_only_what_is_shown(hostile: tuple[LiveServer, Path]) -> None:
    server, _ws = hostile
    task = run(server, "/file read big.log")
    assert task["status"] == "COMPLETED", task["error"]
    details = tool_details(task, "read_file")
    assert details["truncated"] is True and details["size"] == GIB
    assert f"of {GIB:,} bytes" in task["result"]
    assert "a line of the big log file" in task["result"]


@pytest.mark.parametrize(("name", "code"), [("pipe.py", "not_a_regular_file"), ("zero.py", "path_outside_workspace"),
                                            ("leak.py", "path_outside_workspace"), ("ring-a.txt", "path_unreadable")])
def test_special_files_and_links_out_are_refused_clearly(hostile: tuple[LiveServer, Path], name: str,
                                                         code: str) -> None:
    server, _ws = hostile
    task = run(server, f"/file read {name}")
    assert task["status"] == "FAILED"
    assert task["error"]["code"] == code
    assert "leaked_function" not in (task["result"] or "")


def test_file_content_cannot_close_the_code_fence(hostile: tuple[LiveServer, Path]) -> None:
    server, _ws = hostile
    task = run(server, "/file read fence.md")
    assert task["status"] == "COMPLETED", task["error"]
    lines = task["result"].split("**`fence.md`**\n", 1)[1].split("\n")
    opening = re.fullmatch(r"(`{3,})\s*", lines[0])
    assert opening, lines[0]
    fence = opening.group(1)
    # CommonMark: the block ends at the first line of only backticks, at least as many as opened it.
    close = next(i for i, line in enumerate(lines[1:], 1) if re.fullmatch(r"`+\s*", line) and
                 len(line.strip()) >= len(fence))
    assert "\n".join(lines[1:close]) + "\n" == FENCED


def test_the_code_graph_holds_nothing_from_outside(hostile: tuple[LiveServer, Path]) -> None:
    server, _ws = hostile
    with httpx.Client(base_url=server.url, timeout=60) as c:
        deadline = time.monotonic() + 60
        while not c.get("/api/v1/graph/summary").json()["code"]["scanned"]:  # the start-up scan
            assert time.monotonic() < deadline, "the start-up scan never finished"
            time.sleep(0.2)
        graph = c.get("/api/v1/knowledge/graph", params={"source": "code", "view": "full"}).json()
        summary = c.get("/api/v1/graph/summary").json()["code"]
    labels = {e["data"].get("label") for e in graph["elements"]["nodes"]}
    assert "inside_function" in labels  # the scan did run
    assert "leaked_function" not in labels
    assert "leaked_before_upgrade" not in labels  # an older saved scan is not trusted: the start-up scan ran
    assert not any(str(e["data"].get("path", "")).startswith(("leak", "zero", "pipe"))
                   for e in graph["elements"]["nodes"])
    assert {e["path"] for e in summary["errors"]} >= {"leak.py", "zero.py", "pipe.py"}


def test_zz_sigterm_stops_the_server(hostile: tuple[LiveServer, Path]) -> None:
    server, _ws = hostile
    run(server, "/file list")  # the workspace was walked again just before
    assert server.proc is not None
    proc = server.proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("SIGTERM did not stop the server")
    assert proc.returncode is not None and proc.returncode != -signal.SIGKILL
