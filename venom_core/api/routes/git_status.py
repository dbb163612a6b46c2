"""`GET /api/v1/git/status`: the workspace repository's branch, changes and distance to origin/main.

Git runs through `tools.git_runner.GitRunner`: an argument list (no shell), an empty environment
and every program-running config key overridden, so a hostile repository in the workspace cannot
make this read run anything. The answer is kept a few seconds (the status bar and the cockpit ask
on every screen).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from fastapi import APIRouter
from pydantic import BaseModel, Field

from venom_core.api.deps import SettingsDep
from venom_core.core.models import TaskFailure
from venom_core.tools.git_runner import GitRunner

router = APIRouter(prefix="/api/v1/git", tags=["git"])

CACHE_SECONDS = 5.0
COMPARE_BRANCH = "main"
COMPARE_REF = "origin/main"
_cache: dict[str, tuple[float, GitStatus]] = {}
_BRANCH = re.compile(r"^## (?:No commits yet on |Initial commit on )?(?P<branch>[^.\s]+(?:\.(?!\.)[^.\s]*)*)")


class GitStatus(BaseModel):
    status: str = Field(description="`success`, or `error` when the workspace is not a readable repository.")
    is_git_repo: bool
    workspace: str
    message: str | None = Field(default=None, description="Why there is no status (error form only).")
    code: str | None = Field(default=None, description="A stable code for `message`.")
    branch: str = ""
    has_changes: bool = False
    modified_count: int = 0
    status_output: str = ""
    compare_branch: str = COMPARE_BRANCH
    compare_ref: str = COMPARE_REF
    compare_status: str | None = Field(default=None, description="ahead, behind, diverged, equal, no_remote, "
                                                                 "no_remote_main or no_local_main.")
    ahead_count: int = 0
    behind_count: int = 0


async def _has(git: GitRunner, ref: str) -> bool:
    try:
        await git.run(["rev-parse", "--verify", "--quiet", ref])
    except TaskFailure:
        return False
    return True


async def _compare(git: GitRunner) -> tuple[str, int, int]:
    if not (await git.run(["remote"])).strip():
        return "no_remote", 0, 0
    if not await _has(git, f"refs/remotes/{COMPARE_REF}"):
        return "no_remote_main", 0, 0
    if not await _has(git, f"refs/heads/{COMPARE_BRANCH}"):
        return "no_local_main", 0, 0
    counts = (await git.run(["rev-list", "--left-right", "--count", f"{COMPARE_BRANCH}...{COMPARE_REF}"])).split()
    ahead, behind = int(counts[0]), int(counts[1])
    state = "diverged" if ahead and behind else "ahead" if ahead else "behind" if behind else "equal"
    return state, ahead, behind


async def read_status(workspace: str) -> GitStatus:
    git = GitRunner(Path(workspace))
    try:
        if not git.root.is_dir():
            raise TaskFailure("workspace_missing", f"The workspace folder {workspace} does not exist.")
        await git.prepare()
        short = await git.run(["status", "--porcelain=v1", "--branch"])
        lines = short.splitlines()
        head = _BRANCH.match(lines[0]) if lines else None
        changes = [line for line in lines[1:] if line.strip()]
        compare, ahead, behind = await _compare(git)
        return GitStatus(status="success", is_git_repo=True, workspace=workspace,
                         branch=head.group("branch") if head else "", has_changes=bool(changes),
                         modified_count=len(changes), status_output=await git.run(["status"]),
                         compare_status=compare, ahead_count=ahead, behind_count=behind)
    except TaskFailure as exc:
        return GitStatus(status="error", is_git_repo=False, workspace=workspace, message=exc.error.message,
                         code=exc.error.code)


@router.get("/status", response_model=GitStatus)
async def git_status(settings: SettingsDep) -> GitStatus:
    """Branch, changed files and the distance to origin/main of the repository in `VENOM_WORKSPACE`.
    A workspace that is no repository answers 200 with `status: "error"` and `is_git_repo: false`."""
    workspace = str(settings.VENOM_WORKSPACE.expanduser().resolve())
    hit = _cache.get(workspace)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    found = await read_status(workspace)
    _cache[workspace] = (time.monotonic(), found)
    return found
