"""Restarting the backend the way it was started (`POST /api/v1/system/restart`).

Settings are read once at start-up, so saved changes (`pending` in `/api/v1/config/runtime`) apply
only after a restart. How to restart depends on how the process was started, which only the
launcher knows, so `python -m venom_core` tells this module (`install`):
- `exec`: uvicorn runs in this process. A restart asks the server to exit as on SIGTERM (the lifespan
  shutdown runs: tasks in flight are left for recovery, the log is flushed, the listening socket is
  closed), and when `uvicorn.Server.run` returns, the launcher re-executes the same interpreter with
  the same arguments (`os.execv`). The PID stays the same, so `scripts/venom_stack.py`'s PID file and
  process group still name the backend.
- `reload` (`--reload`, `make start-dev`): the app runs in uvicorn's reloader child; a restart touches
  a watched source file, so the reloader restarts its worker as after an edit.
Started any other way (`uvicorn venom_core.main:app`, a test client), there is nothing that would
bring the process back, so a restart is refused rather than leaving the owner with a stopped server.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal, Protocol

Mode = Literal["exec", "reload"]
# Set by the launcher for the reloader's worker, which runs in another process than `install`.
RELOAD_ENV = "VENOM_RESTART_RELOAD_FILE"


class Stoppable(Protocol):
    should_exit: bool


_server: Stoppable | None = None
_requested = False


def install(server: Stoppable) -> None:
    """`python -m venom_core` without reload: this process runs `server`, and execs after it stops."""
    global _server
    _server = server


def mode() -> Mode | None:
    if _server is not None:
        return "exec"
    if os.environ.get(RELOAD_ENV):
        return "reload"
    return None


def request() -> None:
    """Start the restart (after the answer that accepted it has gone out)."""
    global _requested
    how = mode()
    _requested = how is not None
    if how == "exec":
        assert _server is not None
        _server.should_exit = True  # the server shuts down as on SIGTERM, then `exec_if_requested`
    elif how == "reload":
        # The same bytes written back: a change the reloader sees (a bare mtime change may not be
        # one), and the checkout's content stays as it was.
        path = Path(os.environ[RELOAD_ENV])
        path.write_bytes(path.read_bytes())


def requested() -> bool:
    return _requested


def exec_if_requested() -> None:
    """After the server stopped: replace this process with a fresh start of the same command."""
    if not _requested:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    # sys.orig_argv keeps the interpreter's own options (-m venom_core, -X ...); file descriptors
    # are not inherited (PEP 446), and the server closed its socket before returning.
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
