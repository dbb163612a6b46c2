"""The `venom` console script against a real server: ask (streamed), tasks, status, logs, errors,
Ctrl-C in a real terminal (a pty), short task ids."""

from __future__ import annotations

import collections
import fcntl
import json
import os
import select
import signal
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, free_port
from tests.ops.conftest import cli_argv, run_cli
from tests.ops.conftest import cli_env as ops_env

TOKEN = "cli-test-token-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server with a token for the whole module (the CLI must send it)."""
    srv = LiveServer(data_dir=tmp_path_factory.mktemp("cli"),
                     env={"VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_API_TOKEN": TOKEN})
    srv.start()
    yield srv
    srv.stop()


def cli_env(server: LiveServer | None, token: str | None = TOKEN) -> dict[str, str]:
    return ops_env(server.url if server else f"http://127.0.0.1:{free_port()}", token)


def venom(server: LiveServer | None, *args: str, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    return run_cli(server.url if server else f"http://127.0.0.1:{free_port()}", *args, token=token, timeout=60)


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
    missing = venom(server, "logs", "no-such-task")
    assert missing.returncode == 1 and "task_not_found" in missing.stderr


def test_status_and_tasks_are_tables_with_json_for_scripts(server: LiveServer) -> None:
    venom(server, "ask", "--no-spinner", "--intent", "HELP_REQUEST", "table check")
    status = venom(server, "status")
    assert status.returncode == 0 and status.stdout.startswith(f"Venom at {server.url}: ok\n")
    rows = dict(line.strip().split("  ", 1) for line in status.stdout.splitlines()[1:])
    assert {"Healthy", "Uptime", "LLM runtime", "Queue", "Memory", "Workspace"} <= set(rows)
    assert rows["Healthy"].strip() == "yes" and "pending" in rows["Queue"] and "{" not in status.stdout
    assert rows["Workspace"].strip() == str((server.data_dir / "workspace").resolve())
    raw = venom(server, "status", "--json")
    assert raw.returncode == 0 and '"boot_id"' in raw.stdout

    listing = venom(server, "tasks", "--limit", "3").stdout.splitlines()
    assert listing[0].split() == ["ID", "STATUS", "CREATED", "TOOK", "CONTENT"]
    first = listing[1].split()
    assert len(first[0]) == 8 and first[1] == "COMPLETED" and "table check" in listing[1]
    full = venom(server, "tasks", "--limit", "3", "--json")
    assert full.returncode == 0 and first[0] in full.stdout
    assert isinstance(json.loads(full.stdout), list), "the raw JSON is the API's array"


def test_errors_are_clear(server: LiveServer, tmp_path: Path) -> None:
    unreachable = venom(None, "status")
    assert unreachable.returncode == 2 and "cannot reach the Venom API" in unreachable.stderr
    no_token = venom(server, "tasks", token=None)
    assert no_token.returncode != 0 and "API error 401" in no_token.stderr


# -- Ctrl-C and short ids, against a server whose queue is paused (tasks stay PENDING) ----------


@pytest.fixture(scope="module")
def paused(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    srv = LiveServer(data_dir=tmp_path_factory.mktemp("cli-paused"),
                     env={"VENOM_RATE_LIMIT_ENABLED": "false", "VENOM_API_TOKEN": TOKEN})
    srv.start()
    with api(srv) as c:
        assert c.post("/api/v1/queue/pause").status_code == 200
    yield srv
    srv.stop()


def api(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30, headers={"Authorization": f"Bearer {TOKEN}"})


def task_with(server: LiveServer, content: str) -> dict[str, object]:
    with api(server) as c:
        items = c.get("/api/v1/tasks", params={"limit": 500}).json()
    found = [t for t in items if t["content"] == content]
    assert len(found) == 1, found
    return dict(found[0])


class Terminal:
    """`venom` in a pseudo-terminal: Ctrl-C typed there reaches it as a terminal's SIGINT does."""

    def __init__(self, server: LiveServer, *args: str, stdin_tty: bool = True) -> None:
        self.master, slave = os.openpty()
        ctty = 0 if stdin_tty else 1

        def attach() -> None:  # a session of its own, with this pty as its controlling terminal
            os.setsid()
            fcntl.ioctl(ctty, termios.TIOCSCTTY, 0)
            # As an interactive shell starts a command: SIGINT at its default, even when this test
            # run inherited it ignored (a suite started in the background, `nohup`).
            signal.signal(signal.SIGINT, signal.SIG_DFL)

        self.proc = subprocess.Popen([*cli_argv(), *args], env=cli_env(server), stdout=slave, stderr=slave,
                                     stdin=slave if stdin_tty else subprocess.DEVNULL, preexec_fn=attach)
        os.close(slave)
        self.output = b""

    def wait_for(self, text: str, timeout: float = 30, count: int = 1) -> None:
        """Until `text` has been written `count` times."""
        deadline = time.monotonic() + timeout
        while self.output.count(text.encode()) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"no {text!r} in {self.output!r}"
            if select.select([self.master], [], [], left)[0]:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    assert self.output.count(text.encode()) >= count, f"no {text!r} in {self.output!r}"

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def finish(self) -> tuple[int, str]:
        code = self.proc.wait(timeout=30)
        while select.select([self.master], [], [], 0.2)[0]:  # what it wrote before exiting
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the terminal is closed and empty
                break
            if not chunk:
                break
            self.output += chunk
        os.close(self.master)
        return code, self.output.decode(errors="replace")


def test_ctrl_c_in_ask_aborts_the_task_on_the_server_after_a_confirm(paused: LiveServer) -> None:
    term = Terminal(paused, "ask", "--spinner", "--intent", "HELP_REQUEST", "interrupt me please")
    term.wait_for("thinking")  # submitted, PENDING (the queue is paused), streaming
    assert task_with(paused, "interrupt me please")["status"] == "PENDING"
    term.type(b"\x03")
    term.wait_for("Abort task")
    term.type(b"\r")  # the default answer: yes
    code, out = term.finish()
    task = task_with(paused, "interrupt me please")
    assert code == 130, out
    assert task["status"] == "CANCELLED" and f"aborted task {str(task['task_id'])[:8]}" in out


def test_a_second_ctrl_c_confirms_and_without_a_terminal_there_is_no_question(paused: LiveServer) -> None:
    term = Terminal(paused, "ask", "--spinner", "--intent", "HELP_REQUEST", "twice")
    term.wait_for("thinking")
    term.type(b"\x03")
    term.wait_for("Abort task")
    term.type(b"\x03")
    code, _ = term.finish()
    assert code == 130 and task_with(paused, "twice")["status"] == "CANCELLED"

    piped = Terminal(paused, "ask", "--spinner", "--intent", "HELP_REQUEST", "no questions", stdin_tty=False)
    piped.wait_for("thinking")
    piped.type(b"\x03")
    code, out = piped.finish()
    assert code == 130 and "Abort task" not in out
    assert task_with(paused, "no questions")["status"] == "CANCELLED"


@pytest.mark.parametrize(("args", "answer"), [(("--detach",), None), ((), b"n\r")])
def test_detach_or_no_leaves_the_task_running(paused: LiveServer, args: tuple[str, ...],
                                              answer: bytes | None) -> None:
    content = f"leave me running {len(args)}"
    term = Terminal(paused, "ask", *args, "--spinner", "--intent", "HELP_REQUEST", content)
    term.wait_for("thinking")
    term.type(b"\x03")
    if answer is not None:
        term.wait_for("Abort task")
        term.type(answer)
    code, out = term.finish()
    task = task_with(paused, content)
    short = str(task["task_id"])[:8]
    assert code == 130 and task["status"] == "PENDING"
    assert f"venom logs --follow {short}" in out
    if answer is None:
        assert "Abort task" not in out  # --detach asks nothing


def test_short_ids_work_and_ambiguous_or_unknown_ones_are_clear(paused: LiveServer) -> None:
    with api(paused) as c:
        ids = [c.post("/api/v1/tasks", json={"content": f"short id {n}"}).json()["task_id"] for n in range(17)]
    target = ids[0]
    for given in (target[:8], f"#{target[:6]}", target.upper()[:8], target):
        out = venom(paused, "logs", given)
        assert out.returncode == 0, (given, out.stderr)
        assert out.stderr.strip().endswith("PENDING")
    # 17 ids, 16 hex digits: at least two share their first character.
    firsts = collections.Counter(i[0] for i in ids)
    shared = next(ch for ch, n in firsts.items() if n > 1)
    ambiguous = venom(paused, "logs", shared)
    assert ambiguous.returncode == 2 and "ambiguous_task_id" in ambiguous.stderr
    assert "more characters" in ambiguous.stderr
    unknown = venom(paused, "logs", "zzzz")
    assert unknown.returncode == 1 and "task_not_found" in unknown.stderr
    assert venom(paused, "logs", "#").returncode == 2
    for odd in ("a/b", "a?b=1", "../tasks"):  # never a different endpoint
        odd_out = venom(paused, "logs", odd)
        assert odd_out.returncode == 1 and "task_not_found" in odd_out.stderr, odd_out.stderr
    stopped = venom(paused, "abort", target[:8])
    assert stopped.returncode == 0 and "CANCELLED" in stopped.stdout
    with api(paused) as c:
        assert c.get(f"/api/v1/tasks/{target}").json()["status"] == "CANCELLED"


def test_chat_keeps_one_session_and_ends_on_ctrl_d(server: LiveServer) -> None:
    term = Terminal(server, "chat", "--no-spinner")
    term.wait_for("you> ")
    term.type(b"/help\r")
    term.wait_for("Slash commands")  # the help fast path's answer, streamed
    term.wait_for("you> ", count=2)
    term.type(b"what can you do\r")
    term.wait_for("you> ", count=3, timeout=120)
    term.type(b"\x04")  # Ctrl-D at the prompt
    code, out = term.finish()
    assert code == 0, out
    session = out.split("session ", 1)[1].split(":", 1)[0]
    with api(server) as c:
        items = c.get("/api/v1/tasks", params={"session_id": session}).json()
    assert sorted(t["content"] for t in items) == ["/help", "what can you do"]
    assert {t["status"] for t in items} <= {"COMPLETED", "FAILED"}


def test_ctrl_c_in_chat_stops_the_answer_and_returns_to_the_prompt(paused: LiveServer) -> None:
    term = Terminal(paused, "chat", "--spinner")
    term.wait_for("you> ")
    term.type(b"hold this one\r")
    term.wait_for("thinking")  # submitted, PENDING (the queue is paused)
    term.type(b"\x03")
    term.wait_for("(stopped) aborted task")
    term.wait_for("you> ", count=2)
    term.type(b"/exit\r")
    code, out = term.finish()
    assert code == 0, out
    assert task_with(paused, "hold this one")["status"] == "CANCELLED"
