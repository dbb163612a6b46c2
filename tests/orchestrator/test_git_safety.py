"""A workspace repository whose own config names programs: `/git` at autonomy 0 must never run them.

The repository sets every key that makes git run something on a read (fsmonitor on status, an
external diff, textconv and filter drivers chosen by `.gitattributes`, a pager, a credential
helper, signature checks); each points at a script that leaves a marker file. The model is off
(`llm_off`): the answer is the real git output, which is all these tests look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer
from tests.orchestrator.conftest import git
from tests.sse import run_with_steps

pytestmark = pytest.mark.timeout(240)

PROGRAM_KEYS = {
    "core.fsmonitor": "fsmonitor", "diff.external": "external", "diff.evil.textconv": "textconv",
    "diff.evil.command": "diffcmd", "filter.evil.clean": "clean", "filter.evil.smudge": "smudge",
    "filter.evil.process": "process", "core.pager": "pager", "pager.log": "pagerlog", "core.askPass": "askpass",
    "credential.helper": "credential", "gpg.program": "gpg", "core.sshCommand": "ssh", "core.hooksPath": "hooks",
}


def hostile_repo(root: Path) -> tuple[Path, Path]:
    ws, markers = root / "workspace", root / "markers"
    ws.mkdir()
    markers.mkdir()
    (ws / "notes.txt").write_text("first line\n")
    (ws / ".gitattributes").write_text("*.txt filter=evil diff=evil\n")
    git(ws, "init", "-q", "-b", "main")
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "Notes for the hostile repository test")
    (ws / "notes.txt").write_text("first line\nsecond line\n")  # a change for status and diff
    os.utime(ws / "notes.txt", (946684800, 946684800))  # stat-dirty: git must look at the content
    hooks = root / "hooks"
    hooks.mkdir()
    for key, name in PROGRAM_KEYS.items():
        script = root / f"{name}.sh"
        script.write_text(f"#!/bin/sh\ntouch '{markers}/{name}'\ncat\n")
        script.chmod(0o755)
        git(ws, "config", key, str(hooks if key == "core.hooksPath" else script))
    for hook in ("post-index-change", "reference-transaction", "pre-auto-gc"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch '{markers}/hook-{hook}'\n")
        (hooks / hook).chmod(0o755)
    git(ws, "config", "log.showSignature", "true")
    return ws, markers


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path, Path]]:
    root = tmp_path_factory.mktemp("gitsafety")
    ws, markers = hostile_repo(root)
    assert not list(markers.iterdir())  # building the repository ran nothing
    server = LiveServer(data_dir=root, env={"VENOM_RUNTIME_PROFILE": "llm_off", "VENOM_MEMORY_ENABLED": "false",
                                            "VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_WORKSPACE": str(ws)})
    server.start()
    try:
        yield server, ws, markers
    finally:
        server.stop()


def run(server: LiveServer, content: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        return run_with_steps(c, content)


def test_the_reference_check_is_real(tmp_path: Path) -> None:
    """Plain git in this repository does run the configured programs (so the test below means something)."""
    ws, markers = hostile_repo(tmp_path)
    git(ws, "status", "--short")
    git(ws, "diff", "HEAD")
    ran = {p.name for p in markers.iterdir()}
    assert "fsmonitor" in ran and ran & {"external", "diffcmd"}


@pytest.mark.parametrize("command", ["/git status", "/git diff", "/git log", "/git show the last commit",
                                     "/git blame notes.txt", "/git branches"])
def test_git_commands_run_no_program_from_the_repository(hostile: tuple[LiveServer, Path, Path],
                                                         command: str) -> None:
    server, _ws, markers = hostile
    with httpx.Client(base_url=server.url) as c:
        assert c.get("/api/v1/system/autonomy").json()["current_level"] == 0
    task = run(server, command)
    assert task["status"] == "COMPLETED", task["error"]
    assert sorted(p.name for p in markers.iterdir()) == []
    commands = [s["details"]["command"] for s in task["steps"] if "command" in s["details"]]
    assert commands, task["steps"]
    neutralised = [s for s in task["steps"] if s["details"].get("tool") == "git_config"]
    keys = set(neutralised[0]["details"]["neutralised_keys"])
    assert {"core.fsmonitor", "diff.external", "filter.evil.clean"} <= keys


def test_the_output_is_still_the_real_repository(hostile: tuple[LiveServer, Path, Path]) -> None:
    server, _ws, markers = hostile
    status = run(server, "/git status")
    assert "notes.txt" in status["result"]
    diff = run(server, "/git diff")
    assert "+second line" in diff["result"]  # the real content, not a filter's or textconv's
    log = run(server, "/git log")
    assert "Notes for the hostile repository test" in log["result"]
    assert list(markers.iterdir()) == []


def test_a_work_tree_outside_the_workspace_is_refused(tmp_path: Path) -> None:
    ws = tmp_path / "workspace"
    ws.mkdir()
    git(ws, "init", "-q", "-b", "main")
    git(ws, "config", "core.worktree", str(tmp_path))
    (tmp_path / "outside.txt").write_text("outside the workspace\n")
    server = LiveServer(data_dir=tmp_path, env={"VENOM_RUNTIME_PROFILE": "llm_off", "VENOM_MEMORY_ENABLED": "false",
                                                "VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_WORKSPACE": str(ws)})
    server.start()
    try:
        task = run(server, "/git status")
    finally:
        server.stop()
    assert task["status"] == "FAILED"
    assert task["error"]["code"] == "git_worktree_outside"
    assert "outside.txt" not in (task["result"] or "")
