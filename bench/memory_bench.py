"""Memory benchmark: ingest rate, search latency at 100k entries, graph latency at 10k nodes.

Run: `.venv/bin/python bench/memory_bench.py [--entries 100000] [--graph-nodes 10000] [--backend auto]`,
or against a running server: `.venv/bin/python bench/memory_bench.py --base-url http://127.0.0.1:8000`
(HTTP only: batch and single ingest, search and graph latency at whatever size that server has;
it adds entries to session `bench-http-*`).
Prints one line per number. Uses the real all-MiniLM-L6-v2 model for every text it embeds.
The 100k search corpus is real entries for the first `--real` rows plus filler rows whose
vectors are real ones plus noise drawn from the real vectors' covariance: they have the
spectrum of real embeddings and are full of near-duplicates, which makes the pre-filter's
recall a fair test (embedding 100k texts would take minutes). It also prints recall@10 of the
chosen backend's embeddings against the fp32 PyTorch model's on the real entries. Without
`--base-url`, the HTTP numbers are measured on real `python -m venom_core` servers that it
starts on the data it built (the 100k search store, then the graph data).
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


async def bench_ingest_and_search(root: Path, entries: int, real: int, backend: str,
                                  batch_threads: int | None) -> None:
    memory = MemoryService(root / "memory", backend=backend, batch_threads=batch_threads)
    t0 = time.perf_counter()
    await memory.start()
    assert memory.available, memory.error
    print(f"model + store load ({memory.describe()['backend']}, first start: writes and quantises the ONNX graph): "
          f"{time.perf_counter() - t0:.2f} s")
    again = MemoryService(root / "memory", backend=backend)
    t0 = time.perf_counter()
    await again.start()
    print(f"model + store load, later start (cached): {time.perf_counter() - t0:.2f} s")

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
    facts = [f"My {rng_word} is {i}." for i, rng_word in enumerate(["locker", "room", "desk", "badge"] * 256)]
    t0 = time.perf_counter()
    await memory.ingest_many(facts, session_id="bench-facts")
    elapsed = time.perf_counter() - t0
    print(f"ingest batched, very short facts (~8 tokens, e.g. 'My desk is 42.'): {len(facts) / elapsed:.0f} entries/s")
    await quality(memory, texts, backend)

    import numpy as np

    store = memory.store()
    rng = np.random.default_rng(0)
    real_vectors = np.stack([store.mirror.vector(r["id"]) for r in store.graph_rows()])
    # Noise drawn from the real vectors' covariance: filler with the spectrum of real embeddings.
    spread = np.linalg.cholesky(np.cov(real_vectors.T) + 1e-6 * np.eye(384)).astype(np.float32)
    filler = entries - store.count()
    t0 = time.perf_counter()
    for start in range(0, filler, 10_000):
        n = min(10_000, filler - start)
        noise = rng.standard_normal((n, 384)).astype(np.float32) @ spread.T
        vectors = real_vectors[rng.integers(0, len(real_vectors), n)] + 0.7 * noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        await memory.call(lambda v=vectors, s=start, k=n: store.add(
            [f"filler row {s + i}" for i in range(k)], v, session_id=f"filler-{s // 10_000}", type_="fact",
            pinned=False, topic=None, source="bench", task_id=None))
    print(f"filler rows: {filler} in {time.perf_counter() - t0:.1f} s; store now {store.count()} entries")

    # Distinct strings (the index), so the query-embedding cache never answers these.
    queries = [f"what did {random.choice(NAMES)} say about {random.choice(TOPICS)} ({i})?" for i in range(205)]
    for q in queries[200:]:
        await memory.search(q)  # warm-up
    e2e: list[float] = []
    for q in queries[:200]:
        t0 = time.perf_counter()
        hits = await memory.search(q, limit=3)
        e2e.append((time.perf_counter() - t0) * 1000)
    assert hits  # filler rows are near-copies of the real ones, so the best hit may be one
    report(f"search at {store.count()} entries, end to end (embed query + search, distinct queries)", e2e)
    cached: list[float] = []
    for q in queries[:100]:
        t0 = time.perf_counter()
        await memory.search(q, limit=3)
        cached.append((time.perf_counter() - t0) * 1000)
    report("search end to end, repeated query (query embedding cached)", cached)
    vector = memory._parts()[0].encode(["what did Alice Cooper say about billing?"])[0]
    from venom_core.memory.store import Filters

    for exact in (False, True):
        store.mirror.exact = exact
        raw: list[float] = []
        for i in range(200):
            flt = Filters(session_id="bench") if i % 2 else Filters()
            t0 = time.perf_counter()
            store.search(vector, 3, flt)
            raw.append((time.perf_counter() - t0) * 1000)
        kind = "exhaustive scan" if exact else "default: projection pre-filter + exact re-rank"
        report(f"search at {store.count()} entries, vector given (store only, {kind}; half with a session filter)", raw)
    store.mirror.exact = False
    query_vectors = memory._parts()[0].encode(queries[:100])
    recall = []
    for q in query_vectors:
        got = {h["id"] for h in store.search(q, 10, Filters())}
        store.mirror.exact = True
        exact_ids = {h["id"] for h in store.search(q, 10, Filters())}
        store.mirror.exact = False
        recall.append(len(got & exact_ids) / 10)
    print(f"pre-filter recall@10 against the exhaustive scan: {statistics.fmean(recall):.3f} "
          f"(min {min(recall):.1f}) over {len(recall)} queries")
    embed: list[float] = []
    for q in queries[:100]:
        t0 = time.perf_counter()
        memory._parts()[0].encode([q])
        embed.append((time.perf_counter() - t0) * 1000)
    report("query embedding alone", embed)


async def quality(memory: MemoryService, texts: list[str], backend: str) -> None:
    """recall@10 of this backend's embeddings against the fp32 PyTorch model, on the real texts.

    Without the torch extra (a runtime install), the reference is the fp32 ONNX graph, which
    matches torch fp32 within 1e-4 per component (venom_core/memory/minilm_reference.py).
    """
    import numpy as np

    from venom_core.memory.embedder import Embedder, import_profile, torch_available
    from venom_core.memory.onnx_embedder import OnnxEmbedder, default_cache_dir

    encoder = memory._parts()[0]
    if getattr(encoder, "variant", "") in ("torch", "onnx-fp32"):
        return
    if torch_available():
        reference = await asyncio.to_thread(Embedder.load, import_profile(), 1)
    else:
        reference = await asyncio.to_thread(OnnxEmbedder.load, import_profile(),
                                            memory.model_cache or default_cache_dir(), 1, False)
    queries = [f"what did {name} say about {topic}?" for name in NAMES for topic in TOPICS[:4]]
    doc_ref, doc_new = reference.encode(texts), encoder.encode(texts)
    q_ref, q_new = reference.encode(queries), encoder.encode(queries)
    cosine = (doc_ref * doc_new).sum(axis=1)
    recall, top1, gap = [], [], []
    for i in range(len(queries)):
        ref_scores, new_scores = doc_ref @ q_ref[i], doc_new @ q_new[i]
        exact, got = np.argsort(-ref_scores)[:10].tolist(), np.argsort(-new_scores)[:10].tolist()
        recall.append(len(set(exact) & set(got)) / 10)
        top1.append(exact[0] in got[:3])
        gap.append(float(ref_scores[exact[9]] - ref_scores[exact[0]]))  # how tied the top 10 are
    against = "torch fp32" if reference.variant == "torch" else reference.variant
    print(f"quality of {encoder.variant} vs {against} on {len(texts)} real entries ({len(queries)} queries): "
          f"recall@10 {statistics.fmean(recall):.3f}; fp32 top-1 within the top 3: {statistics.fmean(top1):.3f}; "
          f"cosine of the same text min {cosine.min():.4f} mean {cosine.mean():.4f}; "
          f"fp32 score spread of the top 10 {statistics.fmean(gap):.3f} (near-ties make recall@10 strict)")


async def build_graph_data(root: Path, nodes: int, backend: str) -> int:
    memory = MemoryService(root / "memory", backend=backend)
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
            rows = memory.store().graph_rows()
            cache: dict[str, list[tuple[str, str]]] = {}
            t0 = time.perf_counter()
            memory_graph(rows, [], cache)
            cold = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            memory_graph(rows, [], cache)
            known = (time.perf_counter() - t0) * 1000
            print(f"memory graph build at {total} nodes, in-process: {cold:.0f} ms extracting entities, "
                  f"{known:.0f} ms with the entities known (as after a restart, from graph_entities.jsonl)")
            return total


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = 18000 + random.randint(0, 999)
    env = {**os.environ, "VENOM_DATA_DIR": str(root), "VENOM_LOG_DIR": str(root / "logs"),
           "VENOM_WORKSPACE": str(ROOT / "venom_core"), "VENOM_PORT": str(port),
           "ENV_FILE": str(root / "none.env"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "venom_core"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=root, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}"


def wait_memory(base: str) -> dict[str, object]:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            checks = httpx.get(f"{base}/api/v1/system/services", timeout=5).json()
            detail: dict[str, object] = next(c for c in checks if c["name"] == "memory")["details"]
            if detail["status"] != "loading":
                return detail
        except (httpx.HTTPError, StopIteration, ValueError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"memory at {base} did not finish loading")


def bench_http(base: str, headers: dict[str, str], batch_items: int, parts: tuple[str, ...] = ("ingest", "graph"),
               ) -> None:
    """Ingest and search latency (`ingest`), graph latency (`graph`) through the HTTP API at `base`."""
    detail = wait_memory(base)
    print(f"HTTP {base}: memory {detail['status']}, backend {detail.get('backend')}, {detail.get('entries')} entries")
    tag = f"bench-http-{int(time.time())}"
    with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
        if "ingest" in parts:
            http_ingest_and_search(client, base, tag, batch_items)
        if "graph" in parts:
            http_graph(client)


def http_ingest_and_search(client: httpx.Client, base: str, tag: str, batch_items: int) -> None:
    texts = short_texts(batch_items, seed=int(time.time()))
    t0 = time.perf_counter()
    for start in range(0, len(texts), 250):
        items = [{"text": t} for t in texts[start:start + 250]]
        client.post("/api/v1/memory/ingest/batch", json={"session_id": tag, "items": items}).raise_for_status()
    elapsed = time.perf_counter() - t0
    print(f"HTTP POST /memory/ingest/batch (250 items per request): {len(texts) / elapsed:.0f} entries/s "
          f"({len(texts)} in {elapsed:.1f} s)")
    t0 = time.perf_counter()
    for text in short_texts(50, seed=int(time.time()) + 1):
        client.post("/api/v1/memory/ingest", json={"text": text, "session_id": f"{tag}-single"}).raise_for_status()
    print(f"HTTP POST /memory/ingest one by one: {50 / (time.perf_counter() - t0):.0f} entries/s")
    size = wait_memory(base).get("entries")
    queries = [f"what did {random.choice(NAMES)} say about {random.choice(TOPICS)} {i}?" for i in range(205)]
    for q in queries[:5]:
        client.post("/api/v1/memory/search", json={"query": q}).raise_for_status()
    times = []
    for q in queries[5:]:
        t0 = time.perf_counter()
        client.post("/api/v1/memory/search", json={"query": q, "limit": 3}).raise_for_status()
        times.append((time.perf_counter() - t0) * 1000)
    report(f"HTTP POST /memory/search at {size} entries (distinct queries, embed + search + HTTP)", times)


def http_graph(client: httpx.Client) -> None:
    client.post("/api/v1/graph/scan")
    for path, params in [("/api/v1/memory/graph", {"view": "overview", "limit": 200}),
                         ("/api/v1/memory/graph", {"view": "full", "limit": 500}),
                         ("/api/v1/knowledge/graph", {"view": "overview", "limit": 500})]:
        t0 = time.perf_counter()
        first = client.get(path, params=params)
        cold = (time.perf_counter() - t0) * 1000
        assert first.status_code == 200, first.text
        stats = first.json()["stats"]
        graph_times = []
        for _ in range(30):
            t0 = time.perf_counter()
            client.get(path, params=params).raise_for_status()
            graph_times.append((time.perf_counter() - t0) * 1000)
        view = params["view"]
        print(f"GET {path} view={view} ({stats['total_nodes']} nodes in graph, {stats['nodes']} returned): "
              f"first {cold:.0f} ms (builds the graph)")
        report(f"  repeat calls (view cached until the data changes) {path} {view}", graph_times)


def bench_server(root: Path, what: str, batch_items: int, parts: tuple[str, ...]) -> None:
    """Start a real server on `root` (a data dir this bench filled) and measure it over HTTP."""
    proc, base = start_server(root)
    try:
        t0 = time.perf_counter()
        wait_memory(base)
        print(f"server start to memory ready ({what}): {time.perf_counter() - t0:.1f} s")
        bench_http(base, {}, batch_items, parts)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--real", type=int, default=2000, help="entries embedded with the real model")
    parser.add_argument("--graph-nodes", type=int, default=10_000)
    parser.add_argument("--backend", default="auto", choices=["auto", "onnx-int8", "onnx-fp32", "torch"])
    parser.add_argument("--batch-threads", type=int, help="ONNX threads for batches (VENOM_MEMORY_BATCH_THREADS)")
    parser.add_argument("--base-url", help="measure the HTTP API of this running server only")
    parser.add_argument("--token", help="API token for --base-url (sent as a Bearer token)")
    parser.add_argument("--http-items", type=int, default=2000, help="texts sent to /memory/ingest/batch")
    args = parser.parse_args()
    print(f"cpu cores: {os.cpu_count()}, load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.base_url:
        bench_http(args.base_url.rstrip("/"), {"Authorization": f"Bearer {args.token}"} if args.token else {},
                   args.http_items)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        return
    with tempfile.TemporaryDirectory(prefix="venom-memory-bench-") as tmp:
        asyncio.run(bench_ingest_and_search(Path(tmp) / "search", args.entries, args.real, args.backend,
                                            args.batch_threads))
        bench_server(Path(tmp) / "search", f"{args.entries} entries", args.http_items, ("ingest",))
        graph_root = Path(tmp) / "graph"
        total = asyncio.run(build_graph_data(graph_root, args.graph_nodes, args.backend))
        bench_server(graph_root, f"{total} memory-graph nodes, first start: entities extracted", args.http_items,
                     ("graph",))
        bench_server(graph_root, f"{total} memory-graph nodes, restart: entities read from graph_entities.jsonl",
                     args.http_items, ("graph",))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
