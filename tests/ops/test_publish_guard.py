"""scripts/ci/publish-guard.sh on good and bad inputs, against a real git history."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

GUARD = ROOT / "scripts" / "ci" / "publish-guard.sh"


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """main: c1 - c2; a side branch off c1 with c3 (not in main's history)."""
    path = tmp_path_factory.mktemp("repo")
    git(path, "init", "-q", "-b", "main")
    git(path, "commit", "-q", "--allow-empty", "-m", "c1")
    c1 = git(path, "rev-parse", "HEAD")
    git(path, "commit", "-q", "--allow-empty", "-m", "c2")
    c2 = git(path, "rev-parse", "HEAD")
    git(path, "checkout", "-q", "-b", "side", c1)
    git(path, "commit", "-q", "--allow-empty", "-m", "c3")
    c3 = git(path, "rev-parse", "HEAD")
    return {"path": str(path), "c1": c1, "c2": c2, "c3": c3}


def guard(repo: dict[str, str], tmp_path: Path, **env: str) -> tuple[int, dict[str, list[str]], str]:
    out_file = tmp_path / "github_output"
    out_file.write_text("")
    full = {"PATH": os.environ["PATH"], "MAIN_REF": "main", "GITHUB_OUTPUT": str(out_file), **env}
    done = subprocess.run(["bash", str(GUARD)], cwd=repo["path"], env=full, capture_output=True, text=True,
                          check=False)
    outputs: dict[str, list[str]] = {}
    lines = out_file.read_text().splitlines()
    i = 0
    while i < len(lines):  # GitHub's multi-line `name<<DELIM` format
        name, delim = lines[i].split("<<", 1)
        end = lines.index(delim, i + 1)
        outputs[name] = lines[i + 1:end]
        i = end + 1
    return done.returncode, outputs, done.stderr


def test_release_tag_on_main_publishes_sha_tag_and_latest(repo: dict[str, str], tmp_path: Path) -> None:
    rc, out, _ = guard(repo, tmp_path, EVENT_NAME="push", REF="refs/tags/v1.5.0", SHA=repo["c1"])
    assert rc == 0
    assert out["tags"] == [f"sha-{repo['c1'][:7]}", "v1.5.0", "latest"]
    assert out["tags_backend"][1] == "ghcr.io/mpieniak01/venom-backend:v1.5.0"
    assert out["tags_frontend"][2] == "ghcr.io/mpieniak01/venom-frontend:latest"


@pytest.mark.parametrize("tag", ["v1.5", "v1.5.0-rc1", "1.5.0", "v01.5.0", "v1.5.0.1", "vX.Y.Z"])
def test_non_semver_tags_are_refused(repo: dict[str, str], tmp_path: Path, tag: str) -> None:
    rc, out, err = guard(repo, tmp_path, EVENT_NAME="push", REF=f"refs/tags/{tag}", SHA=repo["c2"])
    assert rc == 1 and out == {}
    assert "not a strict semver tag" in err and "::error::" in err


def test_tag_on_a_commit_outside_main_is_refused(repo: dict[str, str], tmp_path: Path) -> None:
    rc, out, err = guard(repo, tmp_path, EVENT_NAME="push", REF="refs/tags/v2.0.0", SHA=repo["c3"])
    assert rc == 1 and out == {}
    assert "not in the history of main" in err


def test_branch_push_is_refused(repo: dict[str, str], tmp_path: Path) -> None:
    rc, _, err = guard(repo, tmp_path, EVENT_NAME="push", REF="refs/heads/main", SHA=repo["c2"])
    assert rc == 1 and "only tags" in err


def test_manual_run_needs_confirmation_and_main(repo: dict[str, str], tmp_path: Path) -> None:
    base = {"EVENT_NAME": "workflow_dispatch", "SHA": repo["c2"]}
    rc, _, err = guard(repo, tmp_path, **base, REF="refs/heads/main", CONFIRM_PUBLISH="false")
    assert rc == 1 and "confirm_publish=true" in err
    rc, _, err = guard(repo, tmp_path, **base, REF="refs/heads/feature", CONFIRM_PUBLISH="true")
    assert rc == 1 and "only from main" in err


def test_manual_run_tags(repo: dict[str, str], tmp_path: Path) -> None:
    base = {"EVENT_NAME": "workflow_dispatch", "SHA": repo["c2"], "REF": "refs/heads/main", "CONFIRM_PUBLISH": "true"}
    rc, out, _ = guard(repo, tmp_path, **base)
    assert rc == 0 and out["tags"] == [f"sha-{repo['c2'][:7]}"]
    rc, out, _ = guard(repo, tmp_path, **base, CUSTOM_TAG="rc1", PUSH_LATEST="true")
    assert rc == 0 and out["tags"] == [f"sha-{repo['c2'][:7]}", "rc1", "latest"]
    for bad in ("-bad", "has space", "x" * 200, "latest"):
        rc, out, _ = guard(repo, tmp_path, **base, CUSTOM_TAG=bad)
        assert rc == 1 and out == {}, bad


def test_other_events_never_publish(repo: dict[str, str], tmp_path: Path) -> None:
    rc, _, err = guard(repo, tmp_path, EVENT_NAME="pull_request", REF="refs/pull/1/merge", SHA=repo["c2"])
    assert rc == 1 and "never publishes" in err
