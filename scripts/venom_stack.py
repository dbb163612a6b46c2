#!/usr/bin/env python3
"""Start, stop and inspect the local Venom stack (backend + web-next UI): the Makefile's engine.

Why a script and not Makefile shell: the lifecycle has to be exact. Each process is started in
its own session (process group) and its PID written to `.venom.pid` / `.web-next.pid`; `stop`
signals exactly those process groups and nothing else. A port still held afterwards belongs to
someone else, so it is reported, never killed. Standard library only, so `make stop` and
`make status` work with any Python 3.11+ even when `.venv` is broken.

Usage: venom_stack.py start dev|prod | stop | status
Environment: VENOM_HOST (127.0.0.1), PORT (8000), WEB_HOST (127.0.0.1), WEB_PORT (3000),
VENOM_PYTHON (.venv/bin/python), START_TIMEOUT (60), WEB_START_TIMEOUT (180).
"""

# ruff: noqa: T201  (a command-line tool: printing is its output)

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from procinfo import alive, group_members, http_ok, port_holders, port_in_use, stat

ROOT = Path.cwd()
LOG_DIR = ROOT / "logs"
WEB_DIR = ROOT / "web-next"
UI_MISSING = (
    "UI missing: web-next/package.json not found. The backend runs alone; "
    "the UI starts here once web-next/ exists."
)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class Component:
    """One managed process: its PID file, where it listens and how to tell it is ready."""

    name: str
    pid_file: Path
    host: str
    port: int
    ready_path: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        host = "127.0.0.1" if host in ("0.0.0.0", "[::]") else host
        return f"http://{host}:{self.port}"


BACKEND = Component("backend", ROOT / ".venom.pid", os.environ.get("VENOM_HOST", "127.0.0.1"),
                    env_int("PORT", 8000), "/healthz")
WEB = Component("ui", ROOT / ".web-next.pid", os.environ.get("WEB_HOST", "127.0.0.1"),
                env_int("WEB_PORT", 3000), "/")


# --- processes ----------------------------------------------------------------------------------

def read_pid(comp: Component) -> int | None:
    try:
        return int(comp.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def ours(pid: int) -> bool:
    """Guards against PID reuse: our process leads its own group and runs from this checkout."""
    st = stat(pid)
    if st is None or st[1] != pid:
        return False
    try:
        return Path(f"/proc/{pid}/cwd").resolve().is_relative_to(ROOT.resolve())
    except OSError:
        return True  # not our user's process to inspect; trust the group check


def spawn(comp: Component, argv: list[str], cwd: Path, env: dict[str, str], log: Path) -> int:
    """Start `argv` as the leader of a new session; stdout/stderr go to `log` (truncated)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    comp.pid_file.write_text(f"{proc.pid}\n")
    return proc.pid


def stop_group(comp: Component, pid: int, grace: float = 10.0) -> None:
    """TERM the whole process group, then KILL whatever is left after `grace` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while group_members(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not group_members(pid):
            break
        print(f"  {comp.name}: still running after SIGTERM, sending SIGKILL")
    comp.pid_file.unlink(missing_ok=True)


def wait_ready(comp: Component, pid: int, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not group_members(pid):
            raise StartError(f"{comp.name} exited during start-up; last lines of {rel(log)}:\n{tail(log)}")
        if http_ok(comp.url + comp.ready_path):
            return
        time.sleep(0.25)
    raise StartError(f"{comp.name} did not answer {comp.url}{comp.ready_path} within {timeout:.0f} s; "
                     f"last lines of {rel(log)}:\n{tail(log)}")


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


class StartError(Exception):
    pass


# --- the UI -------------------------------------------------------------------------------------

def web_env() -> dict[str, str]:
    api = BACKEND.url
    env = dict(os.environ)
    env.update({
        "NEXT_TELEMETRY_DISABLED": "1",
        "NEXT_PUBLIC_API_BASE": os.environ.get("NEXT_PUBLIC_API_BASE", api),
        "NEXT_PUBLIC_WS_BASE": os.environ.get("NEXT_PUBLIC_WS_BASE", api.replace("http", "ws", 1) + "/ws/events"),
        "API_PROXY_TARGET": os.environ.get("API_PROXY_TARGET", api),
        "PORT": str(WEB.port),
        "HOSTNAME": WEB.host,
    })
    return env


def next_major() -> int:
    try:
        meta = json.loads((WEB_DIR / "node_modules" / "next" / "package.json").read_text())
        return int(str(meta["version"]).split(".")[0])
    except (OSError, ValueError, KeyError):
        return 0


def standalone_server() -> Path | None:
    """`server.js` of the standalone build (nested when Next traced from a parent folder)."""
    base = WEB_DIR / ".next" / "standalone"
    for candidate in (base / "server.js", base / "web-next" / "server.js"):
        if candidate.is_file():
            return candidate
    return None


def build_web() -> None:
    print("Building the UI (next build, standalone output, telemetry off)...", flush=True)
    env = web_env()
    env["NODE_ENV"] = "production"
    log = LOG_DIR / "web-next-build.log"
    LOG_DIR.mkdir(exist_ok=True)
    with open(log, "wb") as out:
        done = subprocess.run(["npm", "--prefix", str(WEB_DIR), "run", "build"], env=env,
                              stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise StartError(f"UI build failed (exit {done.returncode}); last lines of {rel(log)}:\n{tail(log)}")
    server = standalone_server()
    if server is not None:  # a standalone server needs the static assets copied beside it
        app_dir = server.parent
        for src, dst in ((WEB_DIR / ".next" / "static", app_dir / ".next" / "static"),
                         (WEB_DIR / "public", app_dir / "public")):
            if src.is_dir():
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(src, dst)


def web_command(mode: str) -> tuple[list[str], Path]:
    env_next = WEB_DIR / "node_modules" / ".bin" / "next"
    if mode == "dev":
        argv = [str(env_next), "dev", "--hostname", WEB.host, "--port", str(WEB.port)]
        if next_major() >= 16:
            argv.insert(2, "--webpack")
        return argv, WEB_DIR
    server = standalone_server()
    if server is not None:
        return ["node", str(server)], server.parent
    return [str(env_next), "start", "--hostname", WEB.host, "--port", str(WEB.port)], WEB_DIR


# --- commands -----------------------------------------------------------------------------------

def configured(name: str) -> bool:
    """Set by the operator, in the environment or in the `.env` file the backend reads."""
    if name in os.environ:
        return True
    env_file = ROOT / os.environ.get("ENV_FILE", ".env")
    try:
        return any(line.strip().startswith(f"{name}=") for line in env_file.read_text().splitlines())
    except OSError:
        return False


def refuse_double_start() -> None:
    for comp in (BACKEND, WEB):
        pid = read_pid(comp)
        if pid is None:
            continue
        if alive(pid) and ours(pid):
            raise StartError(
                f"Venom is already running ({comp.name} PID {pid}, {comp.url}); refusing a second start. "
                "Use `make stop` first, or `make restart`."
            )
        print(f"Removing stale {rel(comp.pid_file)} (PID {pid} is not running).")
        comp.pid_file.unlink(missing_ok=True)


def check_port_free(comp: Component) -> None:
    if port_in_use(comp.host, comp.port):
        holders = ", ".join(f"PID {p} ({c})" for p, c in port_holders(comp.port)) or "an unknown process"
        var = "PORT" if comp is BACKEND else "WEB_PORT"
        raise StartError(f"Port {comp.port} for the {comp.name} is held by {holders}; it is not ours, "
                         f"so it is left alone. Stop it or choose another port ({var}=...).")


def start(mode: str) -> int:
    has_ui = (WEB_DIR / "package.json").is_file()
    started: list[tuple[Component, int]] = []
    try:
        refuse_double_start()
        check_port_free(BACKEND)
        if has_ui:
            check_port_free(WEB)
            if mode == "prod":
                build_web()
        python = os.environ.get("VENOM_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
        env = dict(os.environ, VENOM_HOST=BACKEND.host, VENOM_PORT=str(BACKEND.port), PYTHONUNBUFFERED="1")
        if not configured("VENOM_UI_ORIGINS"):  # CORS must admit the UI on whatever port it got
            env["VENOM_UI_ORIGINS"] = ",".join(dict.fromkeys(
                [WEB.url, f"http://localhost:{WEB.port}", f"http://127.0.0.1:{WEB.port}"]))
        argv = [python, "-m", "venom_core"] + (["--reload"] if mode == "dev" else [])
        blog = LOG_DIR / "backend.log"
        pid = spawn(BACKEND, argv, ROOT, env, blog)
        started.append((BACKEND, pid))
        print(f"Backend starting (PID {pid}, {'uvicorn --reload' if mode == 'dev' else 'uvicorn, no reload'})...",
              flush=True)
        wait_ready(BACKEND, pid, env_int("START_TIMEOUT", 60), blog)
        if has_ui:
            wargv, cwd = web_command(mode)
            wenv = web_env()
            if mode == "dev":
                wenv["NEXT_DISABLE_TURBOPACK"] = "1"
            wlog = LOG_DIR / "web-next.log"
            wpid = spawn(WEB, wargv, cwd, wenv, wlog)
            started.append((WEB, wpid))
            print(f"UI starting (PID {wpid}, {'next dev' if mode == 'dev' else 'standalone server'})...", flush=True)
            wait_ready(WEB, wpid, env_int("WEB_START_TIMEOUT", 180), wlog)
    except StartError as exc:
        for comp, pid in reversed(started):
            stop_group(comp, pid, grace=5)
        print(f"venom: {exc}", file=sys.stderr)
        return 1
    print(f"\nVenom is running ({mode}).")
    print(f"  Backend:  {BACKEND.url}   (API docs {BACKEND.url}/docs, PID {started[0][1]})")
    if has_ui:
        print(f"  UI:       {WEB.url}   (PID {started[1][1]})")
    else:
        print(f"  {UI_MISSING}")
    print(f"  Logs:     {rel(LOG_DIR)}/   Stop: make stop   Status: make status")
    return 0


def stop() -> int:
    for comp in (WEB, BACKEND):
        pid = read_pid(comp)
        if pid is None:
            print(f"{comp.name}: not running (no {rel(comp.pid_file)})")
            continue
        if alive(pid) and ours(pid):
            print(f"{comp.name}: stopping process group {pid}")
            stop_group(comp, pid)
        else:
            print(f"{comp.name}: stale {rel(comp.pid_file)} (PID {pid} is gone); removed")
            comp.pid_file.unlink(missing_ok=True)
    for comp in (BACKEND, WEB):
        for pid, cmd in port_holders(comp.port):
            print(f"note: port {comp.port} is still held by PID {pid} ({cmd}); not started by this "
                  "checkout, so it is left alone")
    return 0


def status() -> int:
    for comp in (BACKEND, WEB):
        pid = read_pid(comp)
        if pid is not None and alive(pid) and ours(pid):
            health = "answering" if http_ok(comp.url + comp.ready_path) else "NOT answering"
            print(f"{comp.name}: running (PID {pid}, port {comp.port}, {comp.url} {health})")
        elif pid is not None:
            print(f"{comp.name}: stale (PID file {rel(comp.pid_file)} names PID {pid}, which is not running)")
        else:
            print(f"{comp.name}: not running (port {comp.port})")
            for hpid, cmd in port_holders(comp.port):
                print(f"  port {comp.port} is held by another process: PID {hpid} ({cmd})")
        if comp is WEB and not (WEB_DIR / "package.json").is_file():
            print(f"  {UI_MISSING}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 1 and argv[0] == "start" and (argv[1:] or ["dev"])[0] in ("dev", "prod"):
        return start((argv[1:] or ["dev"])[0])
    if argv == ["stop"]:
        return stop()
    if argv == ["status"]:
        return status()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
