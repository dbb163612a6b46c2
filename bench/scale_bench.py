"""Scale-out benchmark: the cost per task and the latency added by each deployment shape.

    python bench/scale_bench.py --spawn                      # the three shapes below, in one run
    python bench/scale_bench.py --urls http://a:8000,http://b:8000 [--token T]   # any deployment

With `--spawn` it starts, one after another, at default settings:
  sqlite   one `python -m venom_core` process on SQLite (the embedded default);
  pg       one process on PostgreSQL;
  cluster  two API instances (VENOM_ROLE=api) and two workers (`python -m venom_core worker`) on
           PostgreSQL + Redis.
and drives each with fast-path tasks (POST, then the SSE stream until `task_finished`) from
`--concurrency` clients spread over the API instances. It prints throughput, p50, p99 and errors,
and, for spawned shapes, the CPU seconds and the storage bytes each task cost (all processes
summed; the database's size before and after), which is what the capacity estimate in
docs/DEPLOYMENT.md is computed from.

PostgreSQL and Redis: `--database-url` (an admin URL; a new database is created per shape and
dropped afterwards) and `--redis-url`, by default the local servers on their usual ports.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pipeline_bench import BODY, Result, start_venom, stop  # noqa: E402

ROOT = HERE.parent


@dataclass
class Shape:
    name: str
    api_urls: list[str]
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    size: Callable[[], int] | None = None  # bytes stored, for spawned shapes


async def one_task(client: httpx.AsyncClient, base: str) -> float:
    t0 = time.perf_counter()
    r = await client.post(f"{base}/api/v1/tasks", json=BODY)
    r.raise_for_status()
    task_id = r.json()["task_id"]
    async with client.stream("GET", f"{base}/api/v1/tasks/{task_id}/stream") as s:
        async for line in s.aiter_lines():
            if line.startswith("event:") and line[6:].strip() == "task_finished":
                return (time.perf_counter() - t0) * 1000
    raise RuntimeError("stream closed before task_finished")


async def drive(urls: list[str], requests: int, concurrency: int, token: str | None) -> Result:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits, headers=headers) as client:
        for url in urls:  # warm-up: connections, caches, and (cluster) the workers' first jobs
            for _ in range(5):
                await one_task(client, url)
        rotation = itertools.cycle(urls)
        latencies: list[float] = []
        errors = 0
        left = requests

        async def worker() -> None:
            nonlocal errors, left
            while left > 0:
                left -= 1
                try:
                    latencies.append(await one_task(client, next(rotation)))
                except (httpx.HTTPError, RuntimeError):
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Result(latencies, errors, time.perf_counter() - t0)


def cpu_seconds(procs: list[subprocess.Popen[bytes]]) -> float:
    total = 0.0
    for proc in procs:
        try:
            p = psutil.Process(proc.pid)
            for one in (p, *p.children(recursive=True)):
                t = one.cpu_times()
                total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def create_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"venom_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    return name, f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_size(admin_url: str, name: str) -> int:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_database_size(%s)", (name,)).fetchone()
    return int(row[0]) if row else 0


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def start_worker(data_dir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    data_dir.mkdir(parents=True, exist_ok=True)
    full = {**os.environ, **env, "VENOM_DATA_DIR": str(data_dir / "data"), "VENOM_LOG_DIR": str(data_dir / "logs"),
            "PYTHONPATH": str(ROOT), "ENV_FILE": str(data_dir / "none.env")}
    return subprocess.Popen([sys.executable, "-m", "venom_core", "worker"], env=full, cwd=data_dir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def measure(shape: Shape, args: argparse.Namespace, token: str | None) -> None:
    size = shape.size
    before_cpu, before_size = cpu_seconds(shape.procs), size() if size else 0
    r = asyncio.run(drive(shape.api_urls, args.requests, args.concurrency, token))
    line = (f"{shape.name:<8} {r.rate:7.1f} tasks/s  p50 {r.pct(50):7.1f} ms  p99 {r.pct(99):7.1f} ms  "
            f"errors {r.errors}")
    if shape.procs and r.latencies_ms:
        done = len(r.latencies_ms)
        line += f"  | CPU {1000 * (cpu_seconds(shape.procs) - before_cpu) / done:6.2f} ms/task"
        if size:
            line += f"  storage {(size() - before_size) / done / 1024:5.1f} KiB/task"
    print(line, flush=True)


def spawn_shapes(args: argparse.Namespace, tmp: Path) -> None:
    for name in ("sqlite", "pg", "cluster-api0", "cluster-api1"):
        (tmp / name).mkdir()
    # sqlite: the embedded default.
    proc, url, _ = start_venom(tmp / "sqlite", {})
    shape = Shape("sqlite", [url], [proc], lambda: dir_size(tmp / "sqlite" / "data"))
    try:
        measure(shape, args, None)
    finally:
        stop(proc)

    for name in ("pg", "cluster"):
        db_name, db_url = create_database(args.database_url)
        env = {"VENOM_DATABASE_URL": db_url}
        procs: list[subprocess.Popen[bytes]] = []
        try:
            if name == "pg":
                proc, url, _ = start_venom(tmp / name, env)
                procs, urls = [proc], [url]
            else:
                env |= {"VENOM_QUEUE": "postgres", "VENOM_REDIS_URL": args.redis_url}
                urls = []
                for i in range(2):
                    proc, url, _ = start_venom(tmp / f"{name}-api{i}", env | {"VENOM_ROLE": "api"})
                    procs.append(proc)
                    urls.append(url)
                procs += [start_worker(tmp / f"{name}-worker{i}", env | {"VENOM_ROLE": "worker"}) for i in range(2)]
            measure(Shape(name, urls, procs, lambda n=db_name: pg_size(args.database_url, n)), args, None)
        finally:
            for proc in procs:
                stop(proc)
            drop_database(args.database_url, db_name)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--urls", help="comma-separated API base URLs of a running deployment")
    ap.add_argument("--token", help="VENOM_API_TOKEN of that deployment")
    ap.add_argument("--spawn", action="store_true", help="start the sqlite, pg and cluster shapes here")
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--database-url", default=os.environ.get("VENOM_BENCH_DATABASE_URL",
                                                            "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--redis-url", default=os.environ.get("VENOM_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = ap.parse_args()
    if bool(args.urls) == args.spawn:
        ap.error("give --urls or --spawn")
    print(f"{args.requests} fast-path tasks, {args.concurrency} concurrent clients", flush=True)
    if args.urls:
        measure(Shape("given", args.urls.split(",")), args, args.token)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        spawn_shapes(args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
