"""Following one task's answer in the terminal, for `venom ask` and `venom chat`: the spinner until
the first token, the tokens as they come, tool approvals, and the final frame."""

from __future__ import annotations

import itertools
import sys
import threading
from dataclasses import dataclass
from typing import Any

import click
import httpx

from venom_core.cli_api import Api, api_error, fail
from venom_core.cli_approvals import Mode, answer_pending, needs_answer
from venom_core.cli_format import citation_lines, short_id

SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


@dataclass
class Spinner:
    """A spinner on stderr until the first token arrives; silent when stderr is not a terminal."""

    enabled: bool
    label: str = "thinking"
    _stop: threading.Event | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        if not self.enabled:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._spin, args=(self._stop,), daemon=True)
        self._thread.start()

    def _spin(self, stop: threading.Event) -> None:
        for frame in itertools.cycle(SPINNER_FRAMES):
            sys.stderr.write(f"\r{frame} {self.label}…")
            sys.stderr.flush()
            if stop.wait(0.1):
                break

    def stop(self) -> None:
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            self._thread.join()
            sys.stderr.write("\r\033[K")  # erase the spinner line before the tokens
            sys.stderr.flush()
            self._stop = self._thread = None


@dataclass
class Followed:
    final: dict[str, Any]  # the task_finished frame (empty if the stream ended without one)
    printed: bool  # some answer text went to stdout


def follow(api: Api, created: dict[str, Any], spin: Spinner, approvals: Mode) -> Followed:
    """Print the task's answer as it streams; KeyboardInterrupt propagates (with the line ended)."""
    task_id = str(created["task_id"])
    out = Followed({}, False)
    seen: set[str] = set()  # approval requests already answered
    try:
        spin.start()
        for name, data in api.events(str(created.get("stream_url") or f"/api/v1/tasks/{task_id}/stream")):
            if name == "task_update" and needs_answer(data.get("logs") or []):
                spin.stop()
                answer_pending(api, task_id, seen, approvals)
            if name == "task_update" and data.get("delta"):
                spin.stop()
                click.echo(data["delta"], nl=False)
                out.printed = True
            elif name == "task_finished":
                out.final = data
            elif name == "task_missing":
                fail(f"task {task_id} disappeared: {data.get('detail', '')}")
    finally:
        spin.stop()
        if out.printed:
            click.echo()
    return out


def ending(followed: Followed, task_id: str) -> str | None:
    """Why the task did not complete, as one line, or None when it did."""
    final = followed.final
    status = final.get("status", "UNKNOWN")
    if status == "COMPLETED":
        return None
    err = final.get("error") or {}
    detail = f" [{err.get('code')}] {err.get('message')}" if err else ""
    return f"task {task_id} ended {status}{detail}"


def print_sources(final: dict[str, Any]) -> None:
    if final.get("citations"):
        click.echo("\nSources:")
        for line in citation_lines(final["citations"]):
            click.echo(f"  {line}")


def abort_on_server(api: Api, task_id: str) -> str:
    """Abort the task; what happened, as a sentence."""
    short = short_id(task_id)
    try:
        resp = api.http.post(f"/api/v1/tasks/{task_id}/abort")
    except httpx.HTTPError as exc:
        api.unreachable(exc)
    if resp.status_code == 409:
        return f"task {short} had already finished; nothing to abort."
    if resp.status_code >= 400:
        api_error(resp)
    return f"aborted task {short} on the server ({resp.json().get('status', 'CANCELLED')})."
