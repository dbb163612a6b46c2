"""`DocumentService`: accept uploads, index them in the background, search and delete them.

An upload is checked (name, type, content, size, zip bomb, password) before anything is kept;
then the original is stored under a generated name and the row is `queued`. One background
worker indexes documents one at a time (`indexing`, then `ready` or `failed` with its error):
conversion runs in a worker thread, embedding on the memory service's embedding thread, so the
event loop never waits on either. Each step emits DOCUMENT_INGEST_PROGRESS with counts.

`search()` is the retrieval entry point for chat (orchestrator/context.py calls it for every chat
message, after `has_ready()`, a cached count, says there is anything to search).
Folder sync (folders.py) adds and refreshes the files of a folder through `add_checked` and
`refresh_checked`, and removes them through `delete`; indexing does not care where a file came from.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger

from venom_core.core.event_log import EventLog
from venom_core.core.models import EventType
from venom_core.documents.chunking import Chunk, chunk_sections, full_text
from venom_core.documents.convert import Converted, convert, pdf_is_locked
from venom_core.documents.errors import DocumentError
from venom_core.documents.formats import MEDIA_TYPES, check_content, check_name, kind_of
from venom_core.documents.index import ChunkIndex
from venom_core.documents.store import DocumentStore, NewDocument, chunk_id
from venom_core.memory.embedder import DIM
from venom_core.memory.service import ENCODE_SLICE, MemoryService, MemoryStatus, MemoryUnavailable
from venom_core.storage.sql import SqlStorage


@dataclass(frozen=True)
class Incoming:
    """A received file: the user's name and the temporary file it was streamed to."""

    name: str
    path: Path
    size: int


class DocumentService:
    def __init__(self, storage: SqlStorage, log: EventLog, memory: MemoryService, root: Path, max_bytes: int):
        self.store = DocumentStore(storage)
        self.log = log
        self.memory = memory
        self.root = root
        self.max_bytes = max_bytes
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._index: ChunkIndex | None = None
        self._opening: asyncio.Future[ChunkIndex] | None = None
        self._deleted: set[str] = set()
        # Ready documents, counted once and kept until a status changes: chat asks before every
        # message whether there is anything to search, and the answer is nearly always cached.
        self._ready_docs: int | None = None
        self._changes = 0

    # -- files -----------------------------------------------------------------------------
    @property
    def incoming_dir(self) -> Path:
        return self.root / "incoming"

    def original(self, doc_id: str) -> Path:
        return self.root / "originals" / f"{doc_id}.bin"

    def text_path(self, doc_id: str) -> Path:
        return self.root / "text" / f"{doc_id}.txt"

    def temp_file(self) -> Path:
        self.incoming_dir.mkdir(parents=True, exist_ok=True)
        return self.incoming_dir / f"{uuid.uuid4().hex}.part"

    # -- life cycle --------------------------------------------------------------------------
    async def run(self) -> None:
        """The background worker (a task of the app): re-queues what a stop interrupted."""
        for doc_id in await self.store.pending():
            self._queue.put_nowait(doc_id)
        with contextlib.suppress(OSError):
            shutil.rmtree(self.incoming_dir)  # parts of uploads a stop cut off
        try:
            await self._index_ready()  # open it (and load its mirror) now, not in the first chat message
        except MemoryUnavailable:
            pass  # no memory, no index: each document says so when it is indexed
        except Exception as exc:  # the first document to index tries again and fails with the reason
            logger.opt(exception=exc).warning("the document index did not open")
        while True:
            doc_id = await self._queue.get()
            try:
                await self._ingest(doc_id)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug or a storage fault: the document shows it
                logger.opt(exception=exc).error("document {} failed to index", doc_id)
                with contextlib.suppress(Exception):
                    await self._fail(doc_id, DocumentError(500, "document_index_failed",
                                                           f"Indexing failed: {type(exc).__name__}: {exc}"))

    # -- upload --------------------------------------------------------------------------------
    async def add_files(self, files: Sequence[Incoming]) -> list[dict[str, Any]]:
        """Check every file first, keep them all or none; the new documents, `queued`.

        While the embedding model loads, uploads are accepted and wait in the queue; with memory
        off or not installed they are refused (503), since they could never be indexed."""
        try:
            self.check_memory()
            checked = [await asyncio.to_thread(self.check_file, f) for f in files]
            for doc, incoming in zip(checked, files, strict=True):
                target = self.original(doc.id)
                target.parent.mkdir(parents=True, exist_ok=True)
                incoming.path.replace(target)
            await self.store.add(checked)
            self._changed()
        except BaseException:
            for f in files:
                f.path.unlink(missing_ok=True)
            raise
        out = []
        for doc in checked:
            self._queue.put_nowait(doc.id)
            self._emit(doc.id, "queued", message=f"{doc.name} queued")
            out.append({"id": doc.id, "name": doc.name, "status": "queued"})
        return out

    async def add_checked(self, doc: NewDocument, file: Path) -> None:
        """A file already checked (`check_file`) and copied to a private path: kept and queued."""
        await asyncio.to_thread(_move, file, self.original(doc.id))
        await self.store.add([doc])
        self._changed()
        self._queue.put_nowait(doc.id)
        self._emit(doc.id, "queued", message=f"{doc.name} queued")

    async def refresh_checked(self, doc: NewDocument, file: Path) -> None:
        """New content for an existing document (same id): the original is replaced and it is
        read again; the re-index replaces its chunks and vectors."""
        await asyncio.to_thread(_move, file, self.original(doc.id))
        requeued = await self.store.requeue(doc)
        self._changed()
        if requeued:
            self._queue.put_nowait(doc.id)
            self._emit(doc.id, "queued", message=f"{doc.name} changed, queued")

    def check_memory(self) -> None:
        if self.memory.status in (MemoryStatus.DISABLED, MemoryStatus.UNAVAILABLE, MemoryStatus.FAILED):
            try:
                self.memory.lance()
            except MemoryUnavailable as exc:
                raise DocumentError(503, exc.code, f"Documents need memory to be indexed: {exc.message}") from None

    def check_file(self, f: Incoming) -> NewDocument:
        """Name, type, size, content and password checks (blocking: run it in a thread)."""
        name = check_name(f.name)
        kind = kind_of(name)
        if f.size > self.max_bytes:
            raise DocumentError(413, "document_too_large",
                                f"{name} is larger than the limit of {self.max_bytes} bytes.")
        check_content(f.path, name, kind, f.size)
        if kind == "pdf" and pdf_is_locked(f.path):
            raise DocumentError(422, "document_encrypted",
                                f"{name} is protected by a password; remove the protection and upload it again.")
        digest = hashlib.sha256()
        with f.path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return NewDocument(uuid.uuid4().hex, name, kind, MEDIA_TYPES[kind], f.size, digest.hexdigest())

    # -- indexing -------------------------------------------------------------------------------
    async def _index_ready(self) -> ChunkIndex:
        await self.memory.wait_ready()
        if self._index is None:
            if self._opening is None:
                _, db, pa = self.memory.lance()
                self._opening = asyncio.ensure_future(asyncio.to_thread(ChunkIndex, db, pa, DIM))
            try:
                # Shielded: a caller on a time budget (chat retrieval) may stop waiting; the index
                # still opens, once, and the next caller finds it open.
                self._index = await asyncio.shield(self._opening)
            except Exception:
                self._opening = None  # a failed open is tried again by the next caller
                raise
        return self._index

    async def _ingest(self, doc_id: str) -> None:
        doc = await self.store.get(doc_id)
        if doc is None:
            return
        try:
            index = await self._index_ready()
        except MemoryUnavailable as exc:
            await self._fail(doc_id, DocumentError(503, exc.code, exc.message))
            return
        await self.store.set_status(doc_id, "indexing")
        self._changed()
        self._emit(doc_id, "indexing", message=f"{doc['name']} indexing")
        try:
            converted, chunks = await asyncio.to_thread(self._prepare, doc_id, doc["type"], doc["name"])
        except DocumentError as exc:
            await self._fail(doc_id, exc)
            return
        await self.store.replace_chunks(doc_id, chunks)
        await asyncio.to_thread(index.delete_document, doc_id)  # a re-run after a restart starts clean
        total = len(chunks)
        self._emit(doc_id, "indexing", pages=converted.pages, chunks_done=0, chunks_total=total)
        embedder, _, _ = self.memory.lance()
        rows = [{"id": chunk_id(doc_id, c.ordinal), "document_id": doc_id, "ordinal": c.ordinal,
                 "page": c.page, "text": c.text} for c in chunks]
        vectors: list[Any] = []
        for start in range(0, total, ENCODE_SLICE):
            if doc_id in self._deleted:
                break
            # Each slice its own job on the embedding thread (a search waits at most one slice);
            # the rows go to LanceDB in one append per document: each append is a new fragment
            # and a new table version, ~0.5 s apiece for a 100-page PDF on a loaded box.
            texts = [c.text for c in chunks[start:start + ENCODE_SLICE]]
            vectors.append(await self.memory.on_embed_thread(functools.partial(embedder.encode, texts)))
            self._emit(doc_id, "indexing", pages=converted.pages, chunks_done=min(total, start + len(texts)),
                       chunks_total=total)
        if doc_id not in self._deleted and rows:
            await self.memory.on_embed_thread(functools.partial(_add_rows, index, rows, vectors))
        ready = doc_id not in self._deleted and await self.store.set_status(doc_id, "ready", pages=converted.pages,
                                                                            chunks=total)
        self._changed()
        if not ready:
            await self._discard(doc_id, index)  # deleted while it was indexing: what it wrote goes too
            return
        self._emit(doc_id, "ready", message=f"{doc['name']} ready", pages=converted.pages, chunks_done=total,
                   chunks_total=total)

    def _prepare(self, doc_id: str, kind: str, name: str) -> tuple[Converted, list[Chunk]]:
        """Convert, chunk and keep the converted text (worker thread: a large file takes a while)."""
        converted = convert(self.original(doc_id), kind, name)
        text, _ = full_text(converted.sections)
        self._write_text(doc_id, text)
        return converted, chunk_sections(converted.sections)

    def _write_text(self, doc_id: str, text: str) -> None:
        path = self.text_path(doc_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    async def _fail(self, doc_id: str, exc: DocumentError) -> None:
        await self.store.set_status(doc_id, "failed", error=exc.as_dict())
        self._changed()
        self._emit(doc_id, "failed", message=exc.message, error=exc.as_dict())

    def _emit(self, doc_id: str, status: str, *, message: str = "", **data: Any) -> None:
        # Counts mid-way are broadcast only; each change of status is also stored.
        self.log.append(None, EventType.DOCUMENT_INGEST_PROGRESS, message=message or status, agent="documents",
                        data={"document_id": doc_id, "status": status, **data},
                        persist="chunks_done" not in data or status != "indexing")

    # -- reading ----------------------------------------------------------------------------------
    async def listing(self) -> list[dict[str, Any]]:
        return await self.store.listing()

    async def get(self, doc_id: str) -> dict[str, Any] | None:
        doc = await self.store.get(doc_id)
        if doc is not None:
            doc["chunk_list"] = await self.store.chunks(doc_id)
        return doc

    def _changed(self) -> None:
        self._changes += 1
        self._ready_docs = None

    async def has_ready(self) -> bool:
        """Whether any document is ready to search (cached until a document changes status)."""
        if self._ready_docs is None:
            seen = self._changes
            count = await self.store.ready_count()
            if seen != self._changes:  # a status changed during the read: do not keep a stale count
                return count > 0
            self._ready_docs = count
        return self._ready_docs > 0

    async def search(self, query: str, document_ids: Sequence[str] | None = None, limit: int = 5,
                     threshold: float | None = None, *, strict: bool = False) -> list[dict[str, Any]]:
        """Hybrid retrieval over ready documents: chunks best first, each with `score` (fused
        rank), `similarity` (cosine), `matched` (vector/text), its document's `name`, page,
        heading path and span. `strict`: every hit passes `threshold` itself (`ChunkIndex.search`).
        Raises MemoryUnavailable while the model is not loaded."""
        self.memory.lance()  # raises while loading
        index = await self._index_ready()
        memory = self.memory

        def work() -> list[dict[str, Any]]:
            return index.search(memory.query_vector(query), query, limit, document_ids, threshold, strict=strict)

        hits = await memory.on_embed_thread(work)
        if not hits:
            return []
        names = await self.store.names(sorted({h["document_id"] for h in hits}))
        spans = await self.store.chunks_by_id([h["id"] for h in hits])
        out = []
        for hit in hits:
            chunk = spans.get(hit["id"])
            if chunk is None or hit["document_id"] not in names:
                continue  # deleted between the two reads
            out.append({"chunk_id": hit["id"], "document_id": hit["document_id"], "name": names[hit["document_id"]],
                        "page": chunk["page"], "heading_path": chunk["heading_path"], "start": chunk["start"],
                        "end": chunk["end"], "text": chunk["text"], "score": hit["score"],
                        "similarity": hit["similarity"], "matched": hit["matched"]})
        return out

    # -- deleting -----------------------------------------------------------------------------------
    async def delete(self, doc_id: str) -> bool:
        deleted = await self.store.delete(doc_id)
        self._changed()
        if not deleted:
            return False
        self._deleted.add(doc_id)
        index = self._index
        if index is None and self.memory.available:
            index = await self._index_ready()
        await self._discard(doc_id, index)
        return True

    async def _discard(self, doc_id: str, index: ChunkIndex | None) -> None:
        """Chunks, vectors and files of a document whose row is gone."""
        await self.store.delete(doc_id)
        if index is not None:
            await asyncio.to_thread(index.delete_document, doc_id)

        def unlink() -> None:
            for path in (self.original(doc_id), self.text_path(doc_id)):
                path.unlink(missing_ok=True)

        await asyncio.to_thread(unlink)

def _move(file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    file.replace(target)


def _add_rows(index: ChunkIndex, rows: list[dict[str, Any]], vectors: list[Any]) -> None:
    import numpy as np  # the memory profile's

    index.add(rows, np.vstack(vectors))
