"""Documents and chunks in SQL, through the storage layer's units of work (one transaction each)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from venom_core.core.models import iso
from venom_core.documents.chunking import Chunk
from venom_core.documents.tables import document_chunks, documents
from venom_core.storage.sql import SqlStorage

PENDING = ("queued", "indexing")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class NewDocument:
    id: str
    name: str
    kind: str
    media_type: str
    size: int
    sha256: str
    # Set for a file of a synced folder: which folder, its path there, its mtime when read.
    folder_id: str | None = None
    source_path: str | None = None
    source_mtime_ns: int | None = None


def public_document(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "type": row.kind, "media_type": row.media_type, "size": row.size,
            "sha256": row.sha256, "pages": row.pages, "chunks": row.chunks, "status": row.status,
            "error": row.error, "folder_id": row.folder_id, "source_path": row.source_path,
            "created_at": iso(row.created_at.replace(tzinfo=UTC)),
            "updated_at": iso(row.updated_at.replace(tzinfo=UTC))}


def public_chunk(row: Any) -> dict[str, Any]:
    return {"id": row.id, "document_id": row.document_id, "ordinal": row.ordinal, "page": row.page,
            "heading_path": list(row.heading_path or []), "start": row.char_start, "end": row.char_end,
            "text": row.text}


class DocumentStore:
    def __init__(self, storage: SqlStorage):
        self.storage = storage

    async def add(self, docs: Sequence[NewDocument]) -> None:
        at = now()
        rows = [{"id": d.id, "name": d.name, "kind": d.kind, "media_type": d.media_type, "size": d.size,
                 "sha256": d.sha256, "pages": None, "chunks": 0, "status": "queued", "error": None,
                 "folder_id": d.folder_id, "source_path": d.source_path, "source_mtime_ns": d.source_mtime_ns,
                 "created_at": at, "updated_at": at} for d in docs]
        await self.storage.run(lambda conn: conn.execute(documents.insert(), rows), write=True)

    async def set_status(self, doc_id: str, status: str, *, error: dict[str, str] | None = None,
                         pages: int | None = None, chunks: int | None = None) -> bool:
        values: dict[str, Any] = {"status": status, "error": error, "updated_at": now()}
        if pages is not None:
            values["pages"] = pages
        if chunks is not None:
            values["chunks"] = chunks
        stmt = documents.update().where(documents.c.id == doc_id).values(**values)
        return bool(await self.storage.run(lambda conn: conn.execute(stmt).rowcount, write=True))

    async def replace_chunks(self, doc_id: str, chunks: Sequence[Chunk]) -> None:
        rows = [{"id": chunk_id(doc_id, c.ordinal), "document_id": doc_id, "ordinal": c.ordinal, "page": c.page,
                 "heading_path": list(c.headings), "char_start": c.start, "char_end": c.end, "text": c.text}
                for c in chunks]

        def write(conn: Connection) -> None:
            conn.execute(document_chunks.delete().where(document_chunks.c.document_id == doc_id))
            if rows:
                conn.execute(document_chunks.insert(), rows)

        await self.storage.run(write, write=True)

    async def requeue(self, doc: NewDocument) -> bool:
        """A folder file whose content changed: new size and hash, queued to be read again."""
        stmt = documents.update().where(documents.c.id == doc.id).values(
            size=doc.size, sha256=doc.sha256, source_mtime_ns=doc.source_mtime_ns, status="queued", error=None,
            updated_at=now())
        return bool(await self.storage.run(lambda conn: conn.execute(stmt).rowcount, write=True))

    async def touch_source(self, doc_id: str, mtime_ns: int) -> None:
        """Same content, new mtime: remembered so the next scan does not hash it again."""
        stmt = documents.update().where(documents.c.id == doc_id).values(source_mtime_ns=mtime_ns)
        await self.storage.run(lambda conn: conn.execute(stmt), write=True)

    async def of_folder(self, folder_id: str) -> dict[str, dict[str, Any]]:
        """The folder's documents by source path: id, size, sha256, mtime and status."""
        query = sa.select(documents.c.id, documents.c.source_path, documents.c.size, documents.c.sha256,
                          documents.c.source_mtime_ns, documents.c.status).where(documents.c.folder_id == folder_id)
        return await self.storage.run(lambda conn: {
            r.source_path: {"id": r.id, "size": r.size, "sha256": r.sha256, "mtime_ns": r.source_mtime_ns,
                            "status": r.status} for r in conn.execute(query)})

    async def get(self, doc_id: str) -> dict[str, Any] | None:
        def read(conn: Connection) -> dict[str, Any] | None:
            row = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).first()
            return public_document(row) if row else None

        return await self.storage.run(read)

    async def listing(self, limit: int = 500) -> list[dict[str, Any]]:
        query = sa.select(documents).order_by(documents.c.created_at.desc(), documents.c.id.desc()).limit(limit)
        return await self.storage.run(lambda conn: [public_document(r) for r in conn.execute(query)])

    async def ready_count(self) -> int:
        query = sa.select(sa.func.count()).select_from(documents).where(documents.c.status == "ready")
        return int(await self.storage.run(lambda conn: conn.execute(query).scalar_one()))

    async def pending(self) -> list[str]:
        """Documents a stop interrupted, oldest first: the service indexes them again."""
        query = sa.select(documents.c.id).where(documents.c.status.in_(PENDING)).order_by(documents.c.created_at)
        return await self.storage.run(lambda conn: [r[0] for r in conn.execute(query)])

    async def chunks(self, doc_id: str) -> list[dict[str, Any]]:
        query = (sa.select(document_chunks).where(document_chunks.c.document_id == doc_id)
                 .order_by(document_chunks.c.ordinal))
        return await self.storage.run(lambda conn: [public_chunk(r) for r in conn.execute(query)])

    async def chunks_by_id(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        query = sa.select(document_chunks).where(document_chunks.c.id.in_(list(ids)))
        return await self.storage.run(lambda conn: {r.id: public_chunk(r) for r in conn.execute(query)})

    async def names(self, doc_ids: Sequence[str]) -> dict[str, str]:
        query = sa.select(documents.c.id, documents.c.name).where(documents.c.id.in_(list(doc_ids)))
        return await self.storage.run(lambda conn: {r[0]: r[1] for r in conn.execute(query)})

    async def delete(self, doc_id: str) -> bool:
        def write(conn: Connection) -> bool:
            conn.execute(document_chunks.delete().where(document_chunks.c.document_id == doc_id))
            return bool(conn.execute(documents.delete().where(documents.c.id == doc_id)).rowcount)

        return await self.storage.run(write, write=True)


def chunk_id(doc_id: str, ordinal: int) -> str:
    return f"{doc_id}-{ordinal:06d}"
