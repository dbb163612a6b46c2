"""Running `git` on a workspace repository that may be hostile, so that it can never run a program.

A repository is more than its files: `.git/config` can name programs that git runs on its own
(`core.fsmonitor` on every `status`, `diff.external`, textconv and filter drivers chosen by
`.gitattributes`, pagers, credential helpers, ssh for a lazy fetch). A repository unpacked from
an archive therefore must not get to choose them. Every call here:

- starts from an empty environment (only PATH, HOME and the variables below), so no `GIT_*`
  variable of the server's environment (GIT_DIR, GIT_EXTERNAL_DIFF, GIT_SSH_COMMAND, ...) applies;
- reads no system or global config (`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_GLOBAL=/dev/null`);
- overrides every program-running key with `-c` (the command line beats every config file, and
  git passes `-c` on to the git processes it starts, e.g. in submodules), including the filter and
  diff drivers the repository itself defines, found with `git config --name-only --list` (which
  reads config and runs nothing);
- turns off external diffs and textconv on the commands that diff (`--no-ext-diff --no-textconv`);
- allows no transport at all (`protocol.allow=never`, `GIT_NO_LAZY_FETCH`), so nothing is fetched;
- stops repository discovery at the workspace (`GIT_CEILING_DIRECTORIES`) and refuses a work tree
  outside it (`core.worktree` could point git at `/`);
- keeps at most `MAX_CAPTURE` bytes of output and stops git after `GIT_TIMEOUT` seconds.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

from venom_core.core.models import TaskFailure

GIT_TIMEOUT = 10.0
MAX_CAPTURE = 512_000
MAX_STDERR = 16_000

SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.askPass=",
    "core.attributesFile=/dev/null",
    "credential.helper=",
    "protocol.allow=never",
    "submodule.recurse=false",
    "log.showSignature=false",
)
DIFFING = frozenset({"diff", "show", "log"})
# Config keys that make git run a program (or point it outside the workspace); shown to the user
# when the repository sets them, so a neutralised key is never a silent surprise.
EXEC_KEY = re.compile(
    r"^(core\.(fsmonitor|pager|editor|sshcommand|gitproxy|askpass|hookspath|alternaterefscommand|worktree)"
    r"|diff\.external|(filter|diff|merge)\..+\.(clean|smudge|process|textconv|command|driver)"
    r"|pager\..+|credential\..*helper|gpg\..*program|sequence\.editor|uploadpack\.packobjectshook"
    r"|remote\..+\.(uploadpack|receivepack|proxy))$", re.IGNORECASE)
_FILTER = re.compile(r"^filter\.(.+)\.[a-z]+$", re.IGNORECASE)


def git_env(root: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/nonexistent"),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_ATTR_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",  # a read never takes the index lock
        "GIT_PAGER": "cat",
        "PAGER": "cat",
        "GIT_NO_LAZY_FETCH": "1",
        "GIT_PROTOCOL_FROM_USER": "0",
        "GIT_CEILING_DIRECTORIES": str(root.parent),
    }


class GitRunner:
    """Read-only git commands in one workspace, safe against the repository's own configuration."""

    def __init__(self, root: Path):
        self.root = root
        self._git: str | None = None
        self._filters: list[str] = []

    async def prepare(self) -> list[str]:
        """Check the repository (a work tree inside the workspace) and return the program-running
        keys its config sets, which every later call of this runner neutralises."""
        names = (await self._exec(["config", "--null", "--name-only", "--list"], [])).split("\0")
        self._filters = sorted({m.group(1) for n in names if (m := _FILTER.match(n))})
        top = (await self.run(["rev-parse", "--show-toplevel"])).strip()
        if top and not Path(top).is_relative_to(self.root):  # git prints the real path
            raise TaskFailure("git_worktree_outside",
                              f"The repository's work tree ({top}) lies outside the workspace ({self.root}); "
                              "Venom reads only repositories inside the workspace.", stage="tool")
        return sorted({n for n in names if n and EXEC_KEY.match(n)})

    def _overrides(self) -> list[str]:
        out = [*SAFE_CONFIG]
        # An empty clean/smudge/process command is no filter at all (git skips empty commands);
        # textconv and diff commands need no override, the diffing commands get --no-textconv.
        for name in self._filters:
            out += [f"filter.{name}.clean=", f"filter.{name}.smudge=", f"filter.{name}.process=",
                    f"filter.{name}.required=false"]
        return [arg for item in out for arg in ("-c", item)]

    async def run(self, args: list[str]) -> str:
        """Run `git <args>` (a read-only subcommand) and return its output, at most MAX_CAPTURE bytes."""
        extra = ["--no-ext-diff", "--no-textconv"] if args[0] in DIFFING else \
            ["--no-textconv"] if args[0] == "blame" else []
        return await self._exec([args[0], *extra, *args[1:]], self._overrides())

    async def _exec(self, args: list[str], overrides: list[str]) -> str:
        if self._git is None:
            self._git = shutil.which("git")
        if self._git is None:
            raise TaskFailure("tool_unavailable", "The git program is not installed on this machine.", stage="tool")
        proc = await asyncio.create_subprocess_exec(
            self._git, "--no-pager", *overrides, "-C", str(self.root), *args,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=git_env(self.root))
        assert proc.stdout is not None and proc.stderr is not None
        try:
            (out, truncated), (err, _) = await asyncio.wait_for(
                asyncio.gather(_read_capped(proc.stdout, MAX_CAPTURE), _read_capped(proc.stderr, MAX_STDERR)),
                GIT_TIMEOUT)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise TaskFailure("tool_timeout", f"git {args[0]} took longer than {GIT_TIMEOUT:.0f} s.", stage="tool",
                              retryable=True) from None
        except asyncio.CancelledError:
            proc.kill()
            raise
        if truncated:
            proc.kill()
        code = await proc.wait()
        if code != 0 and not truncated:
            message = err.decode(errors="replace").strip()
            if "not a git repository" in message:
                raise TaskFailure("not_a_git_repository",
                                  f"The workspace ({self.root}) is not a git repository.", stage="tool")
            if "dubious ownership" in message:
                raise TaskFailure("git_unsafe_repository",
                                  f"The repository in {self.root} belongs to another user, so git refuses to read "
                                  "it (its configuration could run programs as you).", stage="tool")
            raise TaskFailure("git_error", f"git {args[0]} failed: {message[:300]}", stage="tool")
        text = out.decode(errors="replace")
        return text + "\n… (output truncated)" if truncated else text


async def _read_capped(stream: asyncio.StreamReader, cap: int) -> tuple[bytes, bool]:
    buf = bytearray()
    while len(buf) <= cap:
        chunk = await stream.read(65_536)
        if not chunk:
            return bytes(buf), False
        buf += chunk
    return bytes(buf[:cap]), True
