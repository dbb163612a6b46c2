"""Synced folders in SQL (`document_folders`), one unit of work per call."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import sqlalchemy as sa

from venom_core.core.models import iso
from venom_core.documents.store import now
from venom_core.documents.tables import document_folders, documents
from venom_core.storage.sql import SqlStorage

EMPTY_COUNTS = {"files": 0, "added": 0, "changed": 0, "removed": 0, "unchanged": 0, "skipped": 0}


def public_folder(row: Any, documents_count: int) -> dict[str, Any]:
    return {"id": row.id, "path": row.path, "status": row.status, "counts": dict(row.counts),
            "skipped": list(row.skipped), "error": row.error, "documents": documents_count,
            "scanned_at": iso(row.scanned_at.replace(tzinfo=UTC)) if row.scanned_at else None,
            "created_at": iso(row.created_at.replace(tzinfo=UTC))}


def _with_counts() -> sa.Select[Any]:
    count = (sa.select(sa.func.count()).where(documents.c.folder_id == document_folders.c.id)
             .correlate(document_folders).scalar_subquery())
    return sa.select(document_folders, count.label("n"))


class FolderStore:
    def __init__(self, storage: SqlStorage):
        self.storage = storage

    async def add(self, folder_id: str, path: str) -> None:
        at = now()
        row: dict[str, Any] = {"id": folder_id, "path": path, "status": "scanning", "counts": EMPTY_COUNTS,
                               "skipped": [], "error": None, "scanned_at": None, "created_at": at, "updated_at": at}
        await self.storage.run(lambda conn: conn.execute(document_folders.insert(), [row]), write=True)

    async def by_path(self, path: str) -> str | None:
        query = sa.select(document_folders.c.id).where(document_folders.c.path == path)
        return await self.storage.run(lambda conn: conn.execute(query).scalar())

    async def get(self, folder_id: str) -> dict[str, Any] | None:
        query = _with_counts().where(document_folders.c.id == folder_id)

        def read(conn: sa.Connection) -> dict[str, Any] | None:
            row = conn.execute(query).first()
            return public_folder(row, row.n) if row else None

        return await self.storage.run(read)

    async def listing(self) -> list[dict[str, Any]]:
        query = _with_counts().order_by(document_folders.c.created_at.desc(), document_folders.c.id)
        return await self.storage.run(lambda conn: [public_folder(r, r.n) for r in conn.execute(query)])

    async def ids(self) -> list[str]:
        query = sa.select(document_folders.c.id).order_by(document_folders.c.created_at)
        return await self.storage.run(lambda conn: [r[0] for r in conn.execute(query)])

    async def set_state(self, folder_id: str, status: str, *, counts: dict[str, int] | None = None,
                        skipped: list[dict[str, Any]] | None = None, error: dict[str, str] | None = None,
                        scanned: bool = False) -> None:
        values: dict[str, Any] = {"status": status, "error": error, "updated_at": now()}
        if counts is not None:
            values["counts"] = counts
        if skipped is not None:
            values["skipped"] = skipped
        if scanned:
            values["scanned_at"] = now()
        stmt = document_folders.update().where(document_folders.c.id == folder_id).values(**values)
        await self.storage.run(lambda conn: conn.execute(stmt), write=True)

    async def delete(self, folder_id: str) -> bool:
        stmt = document_folders.delete().where(document_folders.c.id == folder_id)
        return bool(await self.storage.run(lambda conn: conn.execute(stmt).rowcount, write=True))
