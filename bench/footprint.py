"""Install footprint: the size of a venv and the idle RSS of Venom run from it with both models loaded.

Run: `make install-runtime VENV=/tmp/venom-rt` on a fresh dir, then
`python3 bench/footprint.py --venv /tmp/venom-rt`. It prints the venv size (with and without
the .pyc files Python writes later), the largest packages, whether any package of the torch
stack is installed, then starts `VENV/bin/python -m venom_core` at default settings on a new
data dir and a free loopback port, waits until memory is ready, runs one task (which loads the
embedded LLM) and one memory search, waits `--idle` seconds and prints the server's RSS and the
mappings that hold most of it (from /proc/PID/smaps); then the same again after a restart on
the same data and cache (the usual start). `--no-sizes` skips the venv sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("torch", "transformers", "scipy", "scikit-learn", "sympy", "sentence-transformers")


def size_mb(path: Path, skip_pyc: bool = False) -> float:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        if skip_pyc and "__pycache__" in dirpath:
            continue
        for name in files:
            item = Path(dirpath) / name
            if not item.is_symlink():
                total += item.stat().st_size
    return total / 1e6


def packages(venv: Path) -> dict[str, float]:
    code = ("import importlib.metadata as m, json, pathlib\n"
            "out = {}\n"
            "for d in m.distributions():\n"
            "    files = [d.locate_file(f) for f in (d.files or [])]\n"
            "    out[d.metadata['Name'].lower()] = sum(p.stat().st_size for p in map(pathlib.Path, files)"
            " if p.is_file()) / 1e6\n"
            "print(json.dumps(out))\n")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def idle_rss(venv: Path, idle: float, data: Path, label: str) -> None:
    import psutil

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(VENOM_PORT=str(port), VENOM_DATA_DIR=str(data / "data"), VENOM_LOG_DIR=str(data / "logs"),
               ENV_FILE=str(data / "none.env"), XDG_CACHE_HOME=str(data / "cache"))
    proc = subprocess.Popen([str(venv / "bin" / "python"), "-m", "venom_core"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        memory: dict[str, object] = {}
        while time.monotonic() < deadline:
            try:
                checks = httpx.get(f"{base}/api/v1/system/services", timeout=5).json()
                memory = next(c for c in checks if c["name"] == "memory")["details"]
                if memory["status"] != "loading":
                    break
            except (httpx.HTTPError, StopIteration, ValueError):
                pass
            time.sleep(0.5)
        print(f"{label}: memory {memory.get('status')}, backend {memory.get('backend')}, "
              f"load {memory.get('load_seconds')} s")
        task = httpx.post(f"{base}/api/v1/tasks", json={"content": "Say hello."}, timeout=30).json()
        while time.monotonic() < deadline:
            state = httpx.get(f"{base}/api/v1/tasks/{task['task_id']}", timeout=10).json()
            if state["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
                break
            time.sleep(0.5)
        print(f"task (loads the embedded LLM): {state['status']}")
        search = httpx.post(f"{base}/api/v1/memory/search", json={"query": "hello"}, timeout=30)
        print(f"memory search: {search.status_code}")
        time.sleep(idle)
        rss = psutil.Process(proc.pid).memory_info().rss / 2**20
        print(f"{label}: idle RSS, default profile, both models loaded, {idle:.0f} s after the task: {rss:.0f} MB")
        largest = ", ".join(f"{name} {kb / 1024:.0f}" for name, kb in mappings(proc.pid))
        print(f"largest mappings (MB resident): {largest}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def mappings(pid: int, top: int = 10) -> list[tuple[str, int]]:
    """Resident kB per mapped file, per large anonymous mapping, and for the rest of the anonymous memory."""
    sizes: dict[str, int] = {}
    name = ""
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5 and ":" in fields[3]:  # a mapping's header line
                start, end = (int(x, 16) for x in fields[0].split("-"))
                name = Path(fields[5]).name if len(fields) > 5 else (
                    f"[anon {(end - start) >> 20} MB]" if end - start >= 8 << 20 else "[anon, smaller]")
            elif fields[0] == "Rss:":
                sizes[name] = sizes.get(name, 0) + int(fields[1])
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--venv", type=Path, default=ROOT / ".venv")
    ap.add_argument("--idle", type=float, default=20.0)
    ap.add_argument("--no-server", action="store_true", help="sizes only")
    ap.add_argument("--no-sizes", action="store_true", help="idle RSS only")
    args = ap.parse_args()
    venv = args.venv.resolve()
    if not args.no_sizes:
        sizes_report(venv)
    if not args.no_server:
        data = Path(tempfile.mkdtemp(prefix="venom-footprint-"))
        idle_rss(venv, args.idle, data, "first start (writes and quantises the graph)")
        idle_rss(venv, args.idle, data, "restart (graph cached, the usual start)")
    sys.stdout.flush()


def sizes_report(venv: Path) -> None:
    print(f"venv {venv}: {size_mb(venv):.0f} MB on disk, {size_mb(venv, skip_pyc=True):.0f} MB without .pyc")
    sizes = packages(venv)
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:12]
    print("largest packages (MB): " + ", ".join(f"{name} {mb:.0f}" for name, mb in top))
    present = [name for name in FORBIDDEN if name in sizes]
    print(f"torch stack installed: {', '.join(present) if present else 'none'} (of {', '.join(FORBIDDEN)})")


if __name__ == "__main__":
    main()
