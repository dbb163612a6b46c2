"""Memory benchmark: ingest rate, search latency at 100k entries, graph latency at 10k nodes.

Run: `.venv/bin/python bench/memory_bench.py [--entries 100000] [--graph-nodes 10000]`.
Prints one line per number. Uses the real all-MiniLM-L6-v2 model for every text it embeds.
The 100k search corpus is real entries for the first `--real` rows plus filler rows with random
unit vectors (search cost does not depend on vector content; embedding 100k texts would take
minutes). The graph numbers are measured through the HTTP endpoint of a real server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from venom_core.memory.service import MemoryService  # noqa: E402

NAMES = ["Alice Cooper", "Bob Stone", "Carol King", "Dan Brown", "Eve Online", "Frank Ocean", "Grace Hopper",
         "Heidi Klum", "Ivan Drago", "Judy Garland", "Kyoto Station", "Lisbon Office", "Mars Rover", "Nile Delta"]
TOPICS = ["release", "billing", "onboarding", "latency", "backup", "pricing", "hiring", "security"]


def short_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"Note {i}: {rng.choice(NAMES)} discussed {rng.choice(TOPICS)} with {rng.choice(NAMES)} "
            f"on day {rng.randint(1, 365)}; action item {rng.randint(1000, 9999)}." for i in range(n)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, values_ms: list[float]) -> None:
    print(f"{name}: p50 {pct(values_ms, 0.5):.1f} ms, p99 {pct(values_ms, 0.99):.1f} ms, "
          f"mean {statistics.fmean(values_ms):.1f} ms (n={len(values_ms)})")


async def bench_ingest_and_search(root: Path, entries: int, real: int) -> None:
    memory = MemoryService(root / "memory")
    t0 = time.perf_counter()
    await memory.start()
    assert memory.available, memory.error
    print(f"model + store load: {time.perf_counter() - t0:.2f} s")

    texts = short_texts(real, seed=1)
    t0 = time.perf_counter()
    for start in range(0, len(texts), 256):
        await memory.ingest_many(texts[start:start + 256], session_id="bench")
    elapsed = time.perf_counter() - t0
    print(f"ingest batched (256/batch, real model): {len(texts) / elapsed:.0f} entries/s "
          f"({len(texts)} in {elapsed:.1f} s)")

    singles = short_texts(50, seed=2)
    t0 = time.perf_counter()
    for text in singles:
        await memory.ingest(text, session_id="bench-single")
    elapsed = time.perf_counter() - t0
    print(f"ingest one by one (POST /ingest path): {len(singles) / elapsed:.0f} entries/s")

    import numpy as np

    store = memory.store()
    rng = np.random.default_rng(0)
    filler = entries - store.count()
    t0 = time.perf_counter()
    for start in range(0, filler, 10_000):
        n = min(10_000, filler - start)
        vectors = rng.standard_normal((n, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        await memory.call(lambda v=vectors, s=start, k=n: store.add(
            [f"filler row {s + i}" for i in range(k)], v, session_id=f"filler-{s // 10_000}", type_="fact",
            pinned=False, topic=None, source="bench", task_id=None))
    print(f"filler rows: {filler} in {time.perf_counter() - t0:.1f} s; store now {store.count()} entries")

    queries = [f"what did {random.choice(NAMES)} say about {random.choice(TOPICS)}?" for _ in range(200)]
    for q in queries[:5]:
        await memory.search(q)  # warm-up
    e2e: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        hits = await memory.search(q, limit=3)
        e2e.append((time.perf_counter() - t0) * 1000)
    assert hits and hits[0]["session_id"] == "bench"
    report(f"search at {store.count()} entries, end to end (embed query + search)", e2e)
    vector = memory._parts()[0].encode(["what did Alice Cooper say about billing?"])[0]
    from venom_core.memory.store import Filters

    raw: list[float] = []
    for i in range(200):
        flt = Filters(session_id="bench") if i % 2 else Filters()
        t0 = time.perf_counter()
        store.search(vector, 3, flt)
        raw.append((time.perf_counter() - t0) * 1000)
    report(f"search at {store.count()} entries, vector given (store only)", raw)
    embed: list[float] = []
    for q in queries[:100]:
        t0 = time.perf_counter()
        memory._parts()[0].encode([q])
        embed.append((time.perf_counter() - t0) * 1000)
    report("query embedding alone", embed)


async def build_graph_data(root: Path, nodes: int) -> int:
    memory = MemoryService(root / "memory")
    await memory.start()
    rng = random.Random(3)
    total = 0
    batch = 0
    while True:
        texts = [f"Entry {batch}-{i}: {rng.choice(NAMES)} met {rng.choice(NAMES)} at Project{rng.randint(1, 3000)} "
                 f"about #{rng.choice(TOPICS)}{rng.randint(1, 500)}." for i in range(500)]
        await memory.ingest_many(texts, session_id=f"session-{batch % 40}")
        batch += 1
        from venom_core.memory.graph import memory_graph

        total = len(memory_graph(memory.store().graph_rows(), []).nodes)
        if total >= nodes:
            return total


def bench_graph_http(root: Path, total_nodes: int) -> None:
    port = 18000 + random.randint(0, 999)
    env = {**os.environ, "VENOM_DATA_DIR": str(root), "VENOM_LOG_DIR": str(root / "logs"),
           "VENOM_WORKSPACE": str(ROOT / "venom_core"), "VENOM_PORT": str(port), "VENOM_RATE_LIMIT_ENABLED": "false",
           "ENV_FILE": str(root / "none.env"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "venom_core"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=root, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                checks = httpx.get(f"{base}/api/v1/system/services", timeout=5).json()
                if next(c for c in checks if c["name"] == "memory")["detail"]["status"] == "ready":
                    break
            except (httpx.HTTPError, StopIteration, ValueError):
                pass
            time.sleep(0.5)
        with httpx.Client(base_url=base, timeout=60) as client:
            client.post("/api/v1/graph/scan")
            for path, params in [("/api/v1/memory/graph", {"view": "overview", "limit": 200}),
                                 ("/api/v1/memory/graph", {"view": "full", "limit": 500}),
                                 ("/api/v1/knowledge/graph", {"view": "overview", "limit": 500})]:
                t0 = time.perf_counter()
                first = client.get(path, params=params)
                cold = (time.perf_counter() - t0) * 1000
                assert first.status_code == 200, first.text
                stats = first.json()["stats"]
                times = []
                for _ in range(30):
                    t0 = time.perf_counter()
                    client.get(path, params=params).raise_for_status()
                    times.append((time.perf_counter() - t0) * 1000)
                view = params["view"]
                print(f"GET {path} view={view} ({stats['total_nodes']} nodes in graph, {stats['nodes']} returned): "
                      f"first {cold:.0f} ms (builds the graph)")
                report(f"  repeat calls (view cached until the data changes) {path} {view}", times)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
    print(f"graph bench data: {total_nodes} memory-graph nodes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--real", type=int, default=2000, help="entries embedded with the real model")
    parser.add_argument("--graph-nodes", type=int, default=10_000)
    args = parser.parse_args()
    print(f"cpu cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="venom-memory-bench-") as tmp:
        asyncio.run(bench_ingest_and_search(Path(tmp) / "search", args.entries, args.real))
        graph_root = Path(tmp) / "graph"
        total = asyncio.run(build_graph_data(graph_root, args.graph_nodes))
        bench_graph_http(graph_root, total)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
