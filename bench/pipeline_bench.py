"""Pipeline benchmark: fast-path tasks end to end (POST, then SSE until `task_finished`).

    python bench/pipeline_bench.py http://127.0.0.1:8000 [--requests 300] [--concurrency 20]
    python bench/pipeline_bench.py --spawn            # start a Venom server here (also cold start + RSS)

Each run also starts the bare ceiling app (`bench/ceiling_app.py`) and measures it with the same
client, printing Venom's figures as ratios to it. The spawned server runs at default settings, as a
user gets them (rate limits on): `--env KEY=VALUE` changes one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BODY = {"content": "benchmark", "forced_intent": "HELP_REQUEST", "store_knowledge": False}


@dataclass
class Result:
    latencies_ms: list[float]
    errors: int
    wall_s: float

    def pct(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))] if data else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s else 0.0


async def one_task(client: httpx.AsyncClient) -> float:
    t0 = time.perf_counter()
    r = await client.post("/api/v1/tasks", json=BODY)
    r.raise_for_status()
    task_id = r.json()["task_id"]
    async with client.stream("GET", f"/api/v1/tasks/{task_id}/stream") as s:
        async for line in s.aiter_lines():
            if line.startswith("event:") and line[6:].strip() == "task_finished":
                break
        else:
            raise RuntimeError("stream closed before task_finished")
    return (time.perf_counter() - t0) * 1000


async def run(base_url: str, requests: int, concurrency: int) -> Result:
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        for _ in range(min(20, requests)):  # warm-up: connections, caches, first-request imports
            await one_task(client)
        latencies: list[float] = []
        errors = 0
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(requests):
            queue.put_nowait(i)

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                queue.get_nowait()
                try:
                    latencies.append(await one_task(client))
                except Exception:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Result(latencies, errors, time.perf_counter() - t0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str, path: str) -> bool:
    """One plain HTTP/1.1 GET over a raw socket: cheap, so polling does not slow the server's start."""
    host, _, port = url.removeprefix("http://").partition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            status = conn.recv(64).split(b" ", 2)
        return len(status) > 1 and status[0].startswith(b"HTTP/") and int(status[1]) < 500
    except (OSError, ValueError):
        return False


def wait_healthy(url: str, path: str, timeout: float = 60) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if _answers(url, path):
            return time.perf_counter() - t0
        time.sleep(0.01)
    raise RuntimeError(f"{url} did not come up")


def start_ceiling() -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ceiling_app:app", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT / "bench", start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, "/docs")
    return proc, url, time.perf_counter() - t0


def start_venom(data_dir: Path, extra_env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    env = {**os.environ, **extra_env, "VENOM_PORT": str(port), "VENOM_DATA_DIR": str(data_dir / "data"),
           "VENOM_LOG_DIR": str(data_dir / "logs"),
           "PYTHONPATH": str(ROOT), "ENV_FILE": str(data_dir / "none.env")}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "venom_core"], env=env, cwd=data_dir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, "/healthz")
    return proc, url, time.perf_counter() - t0


def rss_mb(pid: int) -> float:
    import psutil

    return float(psutil.Process(pid).memory_info().rss) / 2**20


def cpu_ms(pid: int | None) -> tuple[float, float]:
    """(whole process, main thread) CPU time so far in ms; zeros for a server not started here.
    CPU per task is less disturbed by other load on the machine than latency is."""
    if pid is None:
        return 0.0, 0.0
    import psutil

    proc = psutil.Process(pid)
    times = proc.cpu_times()
    main = next((t for t in proc.threads() if t.id == pid), None)
    return (times.user + times.system) * 1000, (main.user_time + main.system_time) * 1000 if main else 0.0


def sequential(url: str, requests: int, pid: int | None) -> tuple[Result, list[float]]:
    """One client's run, and the server's CPU per task over it (`cpu_ms`'s two figures)."""
    before = cpu_ms(pid)
    result = asyncio.run(run(url, requests, 1))
    return result, [(b - a) / requests for a, b in zip(before, cpu_ms(pid), strict=True)]


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def report(name: str, r: Result, ceiling: Result | None) -> None:
    line = (f"{name:<28} p50 {r.pct(50):7.2f} ms  p95 {r.pct(95):7.2f} ms  p99 {r.pct(99):7.2f} ms  "
            f"{r.rate:7.1f} tasks/s  errors {r.errors}")
    if ceiling is not None:
        line += f"   | p50 x{r.pct(50) / ceiling.pct(50):.2f} of ceiling, throughput x{r.rate / ceiling.rate:.2f}"
    print(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base_url", nargs="?", help="Venom base URL (omit with --spawn)")
    ap.add_argument("--spawn", action="store_true", help="start a Venom server here and measure cold start and RSS")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for --spawn, e.g. --env VENOM_MEMORY_ENABLED=false")
    args = ap.parse_args()
    if not args.base_url and not args.spawn:
        ap.error("give a BASE_URL or --spawn")

    ceiling_proc, ceiling_url, ceiling_start = start_ceiling()
    venom_proc = None
    tmp = tempfile.TemporaryDirectory()
    try:
        base_url = args.base_url
        if args.spawn:
            extra = dict(item.split("=", 1) for item in args.env)
            cold = []
            for _ in range(3):
                proc, _url, seconds = start_venom(Path(tempfile.mkdtemp(dir=tmp.name)), extra)
                cold.append(seconds)
                stop(proc)
            restarts = []
            for _ in range(4):  # the usual start: the data dir exists (the first run creates it)
                proc, _url, seconds = start_venom(Path(tmp.name), extra)
                restarts.append(seconds)
                stop(proc)
            print(f"cold start to /healthz: median {statistics.median(cold):.2f} s (runs: "
                  f"{', '.join(f'{c:.2f}' for c in cold)}; new data dir each run)")
            print(f"restart to /healthz (existing data): median {statistics.median(restarts[1:]):.2f} s; "
                  f"for scale, the bare ceiling app started in {ceiling_start:.2f} s")
            venom_proc, base_url, _ = start_venom(Path(tmp.name), extra)
            time.sleep(15)  # let background loading (model, embeddings) finish before measuring
            print(f"idle RSS: {rss_mb(venom_proc.pid):.1f} MB")
        c_seq, ceiling_cpu = sequential(ceiling_url, args.requests, ceiling_proc.pid)
        venom_pid = venom_proc.pid if venom_proc else None
        v_seq, venom_cpu = sequential(base_url, args.requests, venom_pid)
        c_par = asyncio.run(run(ceiling_url, args.requests, args.concurrency))
        v_par = asyncio.run(run(base_url, args.requests, args.concurrency))
        report("ceiling sequential", c_seq, None)
        report("venom sequential", v_seq, c_seq)
        report(f"ceiling {args.concurrency} concurrent", c_par, None)
        report(f"venom {args.concurrency} concurrent", v_par, c_par)
        line = f"server CPU per sequential task: ceiling {ceiling_cpu[0]:.2f} ms"
        if venom_pid is not None:
            line += f", venom {venom_cpu[0]:.2f} ms (its event-loop thread {venom_cpu[1]:.2f} ms)"
        print(line)
        ok = (v_seq.pct(50) <= 1.5 * c_seq.pct(50) and v_par.rate >= 0.7 * c_par.rate
              and v_seq.errors == v_par.errors == 0)
        print("targets (p50 <= 1.5x ceiling, throughput >= 0.7x ceiling, no errors):", "MET" if ok else "NOT MET")
        if venom_proc is not None:
            print(f"RSS after load: {rss_mb(venom_proc.pid):.1f} MB")
        return 0
    finally:
        stop(ceiling_proc)
        if venom_proc is not None:
            stop(venom_proc)
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
