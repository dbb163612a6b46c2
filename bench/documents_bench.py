"""Documents benchmark: ingest pages/s, retrieval quality (recall@5) and retrieval latency.

    python bench/documents_bench.py                      # start a Venom server here (memory on)
    python bench/documents_bench.py http://127.0.0.1:8000  # a running server (memory must be on)
    python bench/documents_bench.py --pages 100 --chunks 10000 --skip-inproc
    python bench/documents_bench.py --only-inproc --chunks 10000   # only the in-process retrieval latency

Over HTTP, as a user gets it: a `--pages`-page text PDF is uploaded and timed until `ready`
(pages per second of the whole pipeline: conversion, chunking, embedding, indexing); then the
labelled set of bench/documents_corpus.py (six documents in six formats, 30 questions asked in
other words than their answers) is uploaded and every question is searched: recall@5 is the
share whose answer passage is in the top five. In process: `--chunks` passages are embedded
with the real model into a document index of their own, and the latency of one retrieval (query
embedding plus hybrid search) is measured over 200 questions. The documents it uploads are
deleted at the end.

Also in process, `--chat` plain chat messages (greetings, small talk: nothing in any document)
go through the chat retrieval step (`ContextBuilder.retrieve`, what a GENERAL_CHAT message runs
before its prompt is built): first with no document and no memory (the fast path), then with the
labelled documents, the long PDF and 200 memories stored. Its time is the extra time retrieval
adds to a plain chat message (target <= 15 ms median).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from documents_corpus import files, long_pdf, questions  # noqa: E402
from pipeline_bench import start_venom, stop  # noqa: E402

WORDS = ["ledger", "depot", "invoice", "harbor", "glacier", "orchard", "signal", "beacon", "archive", "ferry",
         "copper", "meadow", "lantern", "quarry", "canal", "summit", "garden", "market", "ribbon", "tunnel",
         "violet", "falcon"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def wait_memory(client: httpx.Client, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for check in client.get("/api/v1/system/services").json():
            if check["name"] == "memory" and "loading" not in str(check.get("detail", "")).lower():
                return
        time.sleep(0.25)
    raise RuntimeError("memory did not finish loading")


def wait_ready(client: httpx.Client, doc_id: str, timeout: float = 900) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = client.get(f"/api/v1/documents/{doc_id}").json()
        if doc["status"] in ("ready", "failed"):
            if doc["status"] == "failed":
                raise RuntimeError(f"{doc['name']} failed: {doc['error']}")
            return dict(doc)
        time.sleep(0.05)
    raise RuntimeError(f"document {doc_id} did not finish indexing")


def upload(client: httpx.Client, name: str, data: bytes) -> str:
    r = client.post("/api/v1/documents", files=[("file", (name, data))])
    r.raise_for_status()
    return str(r.json()["documents"][0]["id"])


def bench_ingest(client: httpx.Client, pages: int) -> str:
    data = long_pdf(pages)
    t0 = time.perf_counter()
    doc_id = upload(client, f"bench-{pages}-pages.pdf", data)
    doc = wait_ready(client, doc_id)
    elapsed = time.perf_counter() - t0
    print(f"ingest of a {pages}-page text PDF ({len(data) // 1024} KiB, {doc['chunks']} chunks): "
          f"{doc['pages'] / elapsed:.1f} pages/s ({elapsed:.2f} s upload to ready; target >= 20)")
    return doc_id


def bench_quality(client: httpx.Client) -> list[str]:
    ids = {name: upload(client, name, data) for name, data in files()}
    for doc_id in ids.values():
        wait_ready(client, doc_id)
    hits, latencies, misses = 0, [], []
    for question, name, key in questions():
        t0 = time.perf_counter()
        r = client.post("/api/v1/documents/search", json={"query": question, "limit": 5})
        latencies.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
        found = any(h["document_id"] == ids[name] and key.lower() in " ".join(h["text"].split()).lower()
                    for h in r.json()["results"])  # a PDF's lines break inside the key
        hits += found
        if not found:
            misses.append(question)
    n = len(questions())
    print(f"retrieval quality: recall@5 {hits / n:.2f} ({hits}/{n} questions over {len(ids)} documents; "
          f"target >= 0.9); search over HTTP p50 {pct(latencies, 0.5):.1f} ms")
    for q in misses:
        print(f"  missed: {q}")
    return list(ids.values())


async def bench_inproc(chunks: int) -> None:
    from venom_core.documents.index import ChunkIndex
    from venom_core.memory.embedder import DIM
    from venom_core.memory.service import MemoryService

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        memory = MemoryService(Path(tmp) / "memory")
        await memory.start()
        if not memory.available:
            print(f"in-process retrieval: skipped ({memory.error})")
            return
        encoder, db, pa = memory.lance()
        index = ChunkIndex(db, pa, DIM)
        texts = [" ".join(rng.choice(WORDS) for _ in range(40)) + f" passage {i}." for i in range(chunks)]
        t0 = time.perf_counter()
        for start in range(0, chunks, 512):
            part = texts[start:start + 512]
            rows = [{"id": f"d{i // 100:04d}-{i:06d}", "document_id": f"d{i // 100:04d}", "ordinal": i % 100,
                     "page": None, "text": t} for i, t in enumerate(part, start)]
            vectors = await memory.on_embed_thread(lambda p=part: encoder.encode(p))  # type: ignore[misc]
            await asyncio.to_thread(index.add, rows, vectors)
        print(f"built an index of {chunks} chunks in {time.perf_counter() - t0:.1f} s (real embeddings)")
        await asyncio.to_thread(index.t.optimize)
        queries = [" ".join(rng.choice(WORDS) for _ in range(6)) for _ in range(200)]
        latencies = []
        for q in queries:
            t0 = time.perf_counter()
            await memory.on_embed_thread(lambda q=q: index.search(memory.query_vector(q), q, 5, None, None))  # type: ignore[misc]
            latencies.append((time.perf_counter() - t0) * 1000)
        print(f"retrieval at {chunks} chunks, in process (query embedding + vector + full text, fused): "
              f"p50 {pct(latencies, 0.5):.1f} ms, p99 {pct(latencies, 0.99):.1f} ms, "
              f"mean {statistics.fmean(latencies):.1f} ms (target p50 <= 20 ms)")


SMALL_TALK = ["hi there, how is your {x} going", "tell me a joke about {x}", "thanks, that was {x}",
              "say hello in {x}", "good morning! any plans for the {x}", "what rhymes with {x}",
              "write a haiku about {x}", "I feel {x} today", "you are {x}, you know that"]
TOPICS = ["cats", "a rainy day", "weekend", "French", "Tuesday", "penguins", "great", "tired", "funny", "pizza",
          "the moon", "Spanish", "my morning", "jazz", "winter", "hungry", "kind", "orange", "dragons", "tea"]


def small_talk(n: int) -> list[str]:
    """`n` distinct plain chat messages (distinct, so no query embedding comes from the cache)."""
    out = [t.format(x=x) for t in SMALL_TALK for x in TOPICS]
    return [f"{m} ({i // len(out)})" if i >= len(out) else m for i, m in enumerate(out * (n // len(out) + 1))][:n]


async def bench_chat(messages: int) -> None:
    from venom_core.config import Settings
    from venom_core.core.event_log import EventLog
    from venom_core.core.fanout import InProcessBus
    from venom_core.documents.service import DocumentService, Incoming
    from venom_core.memory.service import MemoryService
    from venom_core.orchestrator.context import ContextBuilder
    from venom_core.sessions.store import SessionStore
    from venom_core.storage.sql import SqlStorage

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, VENOM_DATA_DIR=Path(tmp) / "data")  # type: ignore[call-arg]
        storage = SqlStorage(settings.database_url)
        await storage.init()
        log = EventLog(storage, InProcessBus())
        await log.start()
        memory = MemoryService(Path(tmp) / "memory")
        await memory.start()
        if not memory.available:
            print(f"chat retrieval: skipped ({memory.error})")
            return
        documents = DocumentService(storage, log, memory, Path(tmp) / "documents", settings.VENOM_DOCUMENT_MAX_BYTES)
        worker = asyncio.create_task(documents.run())
        await asyncio.sleep(0.5)  # the worker clears `incoming/` when it starts: let it, before files go there
        builder = ContextBuilder(SessionStore(storage), memory, documents, settings)
        plain = small_talk(2 * messages)

        async def timed(batch: list[str]) -> tuple[list[float], int]:
            latencies, with_passages = [], 0
            for text in batch:
                t0 = time.perf_counter()
                found = await builder.retrieve(text, session_id="bench")
                latencies.append((time.perf_counter() - t0) * 1000)
                with_passages += bool(found and found[0])
            return latencies, with_passages

        empty, _ = await timed(plain[:messages])
        print(f"chat retrieval, no document and no memory (fast path, nothing embedded): "
              f"median {statistics.median(empty) * 1000:.0f} us, p99 {pct(empty, 0.99) * 1000:.0f} us")
        incoming = []
        for name, data in [*files(), ("long.pdf", long_pdf(100))]:
            part = documents.temp_file()
            part.write_bytes(data)
            incoming.append(Incoming(name, part, len(data)))
        added = await documents.add_files(incoming)
        for doc in added:
            await wait_indexed(documents, doc["id"])
        await memory.ingest_many([f"The user mentioned that {rng_fact(i)}." for i in range(200)], session_id="bench")
        loaded, with_passages = await timed(plain[messages:])
        rows = [await documents.store.get(d["id"]) or {} for d in added]
        chunks = sum(int(r.get("chunks") or 0) for r in rows)
        print(f"extra time retrieval adds to a plain chat message with no relevant document "
              f"({len(added)} documents, {chunks} chunks, 200 memories; query embedding + hybrid document search "
              f"+ memory recall): median {statistics.median(loaded):.1f} ms, p90 {pct(loaded, 0.9):.1f} ms, "
              f"p99 {pct(loaded, 0.99):.1f} ms (target median <= 15 ms); {with_passages}/{messages} "
              f"messages got a passage above the floor")
        worker.cancel()
        await log.stop()
        await storage.close()


async def wait_indexed(documents: Any, doc_id: str) -> None:
    for _ in range(9000):  # the service has no ready event to wait on: poll its row
        if (await documents.store.get(doc_id) or {}).get("status") in ("ready", "failed"):
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"document {doc_id} did not finish indexing")


def rng_fact(i: int) -> str:
    rng = random.Random(i)
    return f"the {rng.choice(WORDS)} near the {rng.choice(WORDS)} is number {i}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base_url", nargs="?", help="a running Venom server; omitted: one is started here")
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--chunks", type=int, default=10_000)
    ap.add_argument("--skip-inproc", action="store_true", help="only the HTTP numbers")
    ap.add_argument("--chat", type=int, default=200, help="plain chat messages for the chat retrieval time")
    ap.add_argument("--only-chat", action="store_true", help="only the chat retrieval time (in process)")
    ap.add_argument("--only-inproc", action="store_true", help="only the in-process retrieval latency at --chunks")
    args = ap.parse_args()
    if args.only_inproc:
        asyncio.run(bench_inproc(args.chunks))
        return 0
    if args.only_chat:
        asyncio.run(bench_chat(args.chat))
        return 0
    proc = None
    tmp = tempfile.TemporaryDirectory()
    base_url = args.base_url
    if base_url is None:
        proc, base_url, _ = start_venom(Path(tmp.name), {"VENOM_MEMORY_ENABLED": "true"})
    try:
        with httpx.Client(base_url=base_url, timeout=120) as client:
            wait_memory(client)
            created = [bench_ingest(client, args.pages)]
            created += bench_quality(client)
            for doc_id in created:
                client.delete(f"/api/v1/documents/{doc_id}")
    finally:
        if proc is not None:
            stop(proc)
        tmp.cleanup()
    if not args.skip_inproc:
        asyncio.run(bench_inproc(args.chunks))
        asyncio.run(bench_chat(args.chat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
