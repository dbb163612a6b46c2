"""The real `make` lifecycle in a disposable copy of the checkout, on free loopback ports.

start-prod -> status -> a task through the API -> the UI answering -> a second start refused ->
stop -> nothing of ours left, ports free. Runs once without the UI (the "UI missing" path) and,
when web-next/ exists, once with the production UI build.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port
from tests.ops.conftest import make_copy, run_make

HAS_UI = (ROOT / "web-next" / "package.json").is_file()


def group_alive(pgid: int) -> bool:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2:].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def port_free(port: int) -> bool:
    """Nobody listens: a server could bind it (SO_REUSEADDR, as servers do; TIME_WAIT is no owner)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Stack:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.web_port = free_port()

    def make(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return run_make(self.root, *args, f"PORT={self.port}", f"WEB_PORT={self.web_port}", timeout=timeout)

    def pids(self) -> list[int]:
        return [int(p.read_text()) for p in (self.root / ".venom.pid", self.root / ".web-next.pid") if p.exists()]

    def cleanup(self) -> None:
        """Safety net for a failing test: stop exactly the groups named in the PID files."""
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


@pytest.fixture
def stack_factory(tmp_path: Path) -> Iterator[type[Stack]]:
    stacks: list[Stack] = []

    def make(with_ui: bool) -> Stack:
        stack = Stack(make_copy(tmp_path / f"copy{len(stacks)}", with_ui))
        stacks.append(stack)
        return stack

    yield make  # type: ignore[misc]
    for stack in stacks:
        stack.cleanup()


def submit_help_task(base: str) -> dict[str, object]:
    with httpx.Client(base_url=base, timeout=30) as c:
        created = c.post("/api/v1/tasks", json={"content": "help", "forced_intent": "HELP_REQUEST"})
        assert created.status_code == 201, created.text
        task_id = created.json()["task_id"]
        with c.stream("GET", f"/api/v1/tasks/{task_id}/stream") as resp:
            body = "".join(resp.iter_text())
        assert "event: task_finished" in body
        task = c.get(f"/api/v1/tasks/{task_id}").json()
    assert task["status"] == "COMPLETED"
    return task


def assert_stopped(stack: Stack, pids: list[int]) -> None:
    out = stack.make("stop")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "stopping process group" in out.stdout
    assert not (stack.root / ".venom.pid").exists() and not (stack.root / ".web-next.pid").exists()
    for pid in pids:
        assert not group_alive(pid), f"process group {pid} survived make stop"
    assert port_free(stack.port) and port_free(stack.web_port)
    status = stack.make("status")
    assert "backend: not running" in status.stdout and "ui: not running" in status.stdout


def test_lifecycle_without_ui_says_ui_missing(stack_factory: type[Stack]) -> None:
    stack = stack_factory(with_ui=False)  # type: ignore[call-arg]
    out = stack.make("start-prod")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "UI missing: web-next/package.json not found" in out.stdout
    assert f"Backend:  http://127.0.0.1:{stack.port}" in out.stdout
    pids = stack.pids()
    assert len(pids) == 1

    status = stack.make("status")
    assert f"backend: running (PID {pids[0]}, port {stack.port}" in status.stdout
    assert "UI missing" in status.stdout
    submit_help_task(f"http://127.0.0.1:{stack.port}")
    # The backend was started without --reload and answers without a Server header.
    assert "server" not in httpx.get(f"http://127.0.0.1:{stack.port}/healthz").headers

    again = stack.make("start")
    assert again.returncode != 0
    assert "already running" in again.stderr and "refusing a second start" in again.stderr
    assert stack.pids() == pids
    assert_stopped(stack, pids)


def test_stop_reports_a_foreign_port_holder_and_leaves_it_alone(stack_factory: type[Stack]) -> None:
    stack = stack_factory(with_ui=False)  # type: ignore[call-arg]
    foreign = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(stack.port), "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60  # only ends a hung test
        while port_free(stack.port) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not port_free(stack.port), "the foreign server never bound its port"
        (stack.root / ".venom.pid").write_text("999999\n")  # a stale PID file
        out = stack.make("stop")
        assert out.returncode == 0
        assert "stale .venom.pid" in out.stdout
        assert f"port {stack.port} is still held by PID {foreign.pid}" in out.stdout
        assert foreign.poll() is None, "make stop killed a process it did not start"
        refused = stack.make("start-prod")
        assert refused.returncode != 0
        assert f"Port {stack.port} for the backend is held by PID {foreign.pid}" in refused.stderr
        assert "left alone" in refused.stderr and foreign.poll() is None
        assert not (stack.root / ".venom.pid").exists()
    finally:
        foreign.terminate()
        foreign.wait()


@pytest.mark.skipif(not HAS_UI, reason="web-next/ is not in this checkout")
@pytest.mark.timeout(1200)  # the UI's production build: ~1 min alone, several on a busy 2-core box
def test_lifecycle_with_the_production_ui(stack_factory: type[Stack]) -> None:
    stack = stack_factory(with_ui=True)  # type: ignore[call-arg]
    out = stack.make("start-prod", timeout=1100)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"UI:       http://127.0.0.1:{stack.web_port}" in out.stdout
    pids = stack.pids()
    assert len(pids) == 2

    status = stack.make("status")
    assert "backend: running" in status.stdout and "ui: running" in status.stdout
    assert status.stdout.count("answering") == 2
    submit_help_task(f"http://127.0.0.1:{stack.port}")
    page = httpx.get(f"http://127.0.0.1:{stack.web_port}/", timeout=30, follow_redirects=True)
    assert page.status_code == 200 and "<html" in page.text.lower()

    again = stack.make("start-prod")
    assert again.returncode != 0 and "already running" in again.stderr
    assert_stopped(stack, pids)


def test_dev_mode_reloads_on_a_code_change_and_stops_the_whole_group(stack_factory: type[Stack]) -> None:
    stack = stack_factory(with_ui=False)  # type: ignore[call-arg]
    out = stack.make("start")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "uvicorn --reload" in out.stdout
    (pid,) = stack.pids()
    base = f"http://127.0.0.1:{stack.port}"
    boot = httpx.get(f"{base}/api/v1/system/status").json()["boot_id"]
    deadline = time.monotonic() + 120
    new_boot, edited_at = boot, 0.0
    while new_boot == boot and time.monotonic() < deadline:
        if time.monotonic() - edited_at > 10:  # edit again: a person saving twice, not a longer wait
            with (stack.root / "venom_core" / "__init__.py").open("a") as f:
                f.write("\n# edited by the reload test\n")
            edited_at = time.monotonic()
        time.sleep(0.5)
        try:
            new_boot = httpx.get(f"{base}/api/v1/system/status", timeout=2).json()["boot_id"]
        except httpx.HTTPError:
            continue
    assert new_boot != boot, "the backend did not reload after a code change"
    # The API's restart in dev mode is the reloader's own restart of its worker.
    restarted = httpx.post(f"{base}/api/v1/system/restart", json={"confirm": True}, timeout=10)
    assert restarted.status_code == 202 and restarted.json()["mode"] == "reload", restarted.text
    assert wait_for_boot(base, new_boot) != new_boot
    assert_stopped(stack, [pid])  # the reloader's worker is in the same process group


def wait_for_boot(base: str, old: str, timeout: float = 120) -> str:
    """The boot id once the backend answers with another one (a new process or worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.3)
        try:
            boot = str(httpx.get(f"{base}/api/v1/system/status", timeout=2).json()["boot_id"])
        except httpx.HTTPError:
            continue
        if boot != old:
            return boot
    return old


def test_a_restart_from_the_api_keeps_the_stack_s_process(stack_factory: type[Stack]) -> None:
    stack = stack_factory(with_ui=False)  # type: ignore[call-arg]
    out = stack.make("start-prod")
    assert out.returncode == 0, out.stdout + out.stderr
    (pid,) = stack.pids()
    base = f"http://127.0.0.1:{stack.port}"
    boot = httpx.get(f"{base}/api/v1/system/status").json()["boot_id"]
    restarted = httpx.post(f"{base}/api/v1/system/restart", json={"confirm": True}, timeout=10)
    assert restarted.status_code == 202 and restarted.json()["mode"] == "exec", restarted.text
    assert wait_for_boot(base, boot) != boot, "the backend did not come back"
    # Re-executed in place: the PID file still names it, so status and stop still work.
    assert stack.pids() == [pid]
    assert f"backend: running (PID {pid}, port {stack.port}" in stack.make("status").stdout
    submit_help_task(base)
    assert_stopped(stack, [pid])


def test_a_non_loopback_bind_without_a_token_is_refused(stack_factory: type[Stack]) -> None:
    stack = stack_factory(with_ui=False)  # type: ignore[call-arg]
    out = run_make(stack.root, "start-prod", f"PORT={stack.port}", f"WEB_PORT={stack.web_port}",
                   "VENOM_HOST=0.0.0.0", VENOM_API_TOKEN="")
    assert out.returncode != 0
    assert "backend exited during start-up" in out.stderr
    assert "VENOM_API_TOKEN is empty" in out.stderr and "Refusing to expose" in out.stderr
    assert not (stack.root / ".venom.pid").exists() and port_free(stack.port)
