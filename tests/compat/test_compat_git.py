"""`GET /api/v1/git/status` in the original's shape, over the workspace repository: a repository, no
repository (the error form), and a hostile repository whose config names a program (never run)."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.compat.compat_live import live

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def make_repo(repo: Path) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.invalid")
    git(repo, "config", "user.name", "T")
    (repo / "a.txt").write_text("one\n")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "first")
    (repo / "a.txt").write_text("two\n")  # one modified file
    (repo / "b.txt").write_text("new\n")  # one untracked file


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    root: Path = tmp_path_factory.mktemp("compat-git")
    make_repo(root / "workspace")
    with live(root, VENOM_MEMORY_ENABLED="false") as (_, client):
        yield client, root


def test_status_of_a_repository(api: tuple[httpx.Client, Path]) -> None:
    client, _ = api
    g = client.get("/api/v1/git/status").json()
    assert g["status"] == "success" and g["is_git_repo"] is True
    assert isinstance(g["branch"], str) and g["branch"] == "main"
    assert g["has_changes"] is True and g["modified_count"] == 2
    assert isinstance(g["status_output"], str) and "a.txt" in g["status_output"]
    assert g["compare_branch"] == "main" and g["compare_ref"] == "origin/main"
    assert g["compare_status"] == "no_remote" and g["ahead_count"] == g["behind_count"] == 0


def test_no_repository_is_the_error_form(tmp_path: Path) -> None:
    from venom_core.api.routes.git_status import read_status

    g = asyncio.run(read_status(str(tmp_path))).model_dump()
    assert g["status"] == "error" and g["is_git_repo"] is False and g["message"]
    assert isinstance(g["branch"], str)  # the status bar trims it


def test_a_hostile_repository_runs_nothing(tmp_path: Path) -> None:
    from venom_core.api.routes.git_status import read_status

    repo = tmp_path / "ws"
    make_repo(repo)
    marker = tmp_path / "ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    git(repo, "config", "core.fsmonitor", str(hook))
    git(repo, "config", "core.pager", f"{hook} #")
    g = asyncio.run(read_status(str(repo))).model_dump()
    assert g["status"] == "success" and g["modified_count"] == 2
    assert not marker.exists(), "the repository's configured program was run"
