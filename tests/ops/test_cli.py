"""The `venom` console script against a real server: ask (streamed), tasks, status, logs, errors."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer, free_port
from tests.ops.conftest import VENV_BIN

TOKEN = "cli-test-token-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server with a token for the whole module (the CLI must send it)."""
    srv = LiveServer(data_dir=tmp_path_factory.mktemp("cli"),
                     env={"VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_API_TOKEN": TOKEN})
    srv.start()
    yield srv
    srv.stop()


def venom(server: LiveServer | None, *args: str, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VENOM_API_TOKEN", "VENOM_API_URL")}
    env["VENOM_API_URL"] = server.url if server else f"http://127.0.0.1:{free_port()}"
    if token:
        env["VENOM_API_TOKEN"] = token
    exe = VENV_BIN / "venom"
    argv = [str(exe)] if exe.exists() else [str(VENV_BIN / "python"), "-m", "venom_core.cli"]
    return subprocess.run([*argv, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def test_ask_streams_the_answer_with_a_spinner(server: LiveServer) -> None:
    out = venom(server, "ask", "--intent", "HELP_REQUEST", "--spinner", "what", "can", "you", "do")
    assert out.returncode == 0, out.stderr
    assert "Slash commands" in out.stdout  # the help fast path's answer, printed on stdout
    assert "thinking" in out.stderr  # the spinner ran on stderr until the first token
    assert "\x1b[K" in out.stderr  # ...and was erased before the tokens


def test_ask_without_spinner_keeps_stderr_clean_and_reports_failures(server: LiveServer) -> None:
    ok = venom(server, "ask", "--no-spinner", "--intent", "TIME_REQUEST", "time?")
    assert ok.returncode == 0 and ok.stderr == "" and ok.stdout.strip()
    bad = venom(server, "ask", "--intent", "NOT_AN_INTENT", "x")
    assert bad.returncode == 1 and "API error 422" in bad.stderr


def test_tasks_status_and_logs(server: LiveServer) -> None:
    venom(server, "ask", "--no-spinner", "--intent", "HELP_REQUEST", "listing check")
    listing = venom(server, "tasks", "--limit", "5")
    assert listing.returncode == 0 and "COMPLETED" in listing.stdout and "listing check" in listing.stdout
    task_id = listing.stdout.splitlines()[1].split()[0]
    logs = venom(server, "logs", task_id)
    assert logs.returncode == 0 and logs.stdout.strip() and "COMPLETED" in logs.stderr
    follow = venom(server, "logs", "--follow", task_id)
    assert follow.returncode == 0 and follow.stdout == logs.stdout
    status = venom(server, "status")
    assert status.returncode == 0 and f"Venom at {server.url}: ok" in status.stdout and "Queue:" in status.stdout
    missing = venom(server, "logs", "no-such-task")
    assert missing.returncode == 1 and "task_not_found" in missing.stderr


def test_errors_are_clear(server: LiveServer, tmp_path: Path) -> None:
    unreachable = venom(None, "status")
    assert unreachable.returncode == 2 and "cannot reach the Venom API" in unreachable.stderr
    no_token = venom(server, "tasks", token=None)
    assert no_token.returncode != 0 and "API error 401" in no_token.stderr
