"""The vector memory table: chunks of text with their embedding and metadata.

Blocking code by design: `MemoryService` runs every call in a worker thread. Dedupe is by a
content hash over (session, type, normalised text), kept in an in-memory index that is
rebuilt from the table when it opens, so re-ingesting the same fact returns the existing id.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from venom_core.memory.chunking import content_hash
from venom_core.memory.lance import LanceTable, sql_in, sql_str

META_COLUMNS = ["id", "text", "type", "session_id", "user_id", "pinned", "topic", "source", "task_id",
                "content_hash", "created_at"]
USER_ID = "user_default"


def memory_schema(pa: Any, dim: int) -> Any:
    return pa.schema([
        pa.field("id", pa.string()), pa.field("text", pa.string()),
        pa.field("vector", pa.list_(pa.float32(), dim)),
        pa.field("type", pa.string()), pa.field("session_id", pa.string()), pa.field("user_id", pa.string()),
        pa.field("pinned", pa.bool_()), pa.field("topic", pa.string()), pa.field("source", pa.string()),
        pa.field("task_id", pa.string()), pa.field("content_hash", pa.string()),
        pa.field("created_at", pa.float64()),
    ])


@dataclass
class Filters:
    session_id: str | None = None
    type: str | None = None
    topic: str | None = None
    pinned_only: bool = False

    def sql(self) -> str | None:
        parts = []
        if self.session_id is not None:
            parts.append(f"session_id = {sql_str(self.session_id)}")
        if self.type is not None:
            parts.append(f"type = {sql_str(self.type)}")
        if self.topic is not None:
            parts.append(f"topic = {sql_str(self.topic)}")
        if self.pinned_only:
            parts.append("pinned = true")
        return " AND ".join(parts) or None


def public(row: dict[str, Any], score: float | None = None) -> dict[str, Any]:
    """The API shape of an entry (empty strings of the table become null)."""
    out = {k: row.get(k) for k in ("id", "text", "type", "pinned", "created_at")}
    for key in ("session_id", "topic", "source", "task_id"):
        out[key] = row.get(key) or None
    if score is not None:
        out["score"] = round(score, 4)
    return out


class MemoryStore:
    def __init__(self, db: Any, pa: Any, dim: int):
        self.t = LanceTable(db, "memories", memory_schema(pa, dim), fts_column="text")
        self._hashes: dict[str, str] = {}
        for row in self.t.scan(["id", "content_hash"]):
            self._hashes[row["content_hash"]] = row["id"]

    def count(self) -> int:
        return self.t.count()

    def find_duplicates(self, chunks: Sequence[str], session_id: str | None, type_: str) -> list[str | None]:
        return [self._hashes.get(content_hash(c, f"{session_id or ''}|{type_}")) for c in chunks]

    def add(self, chunks: Sequence[str], vectors: Any, *, session_id: str | None, type_: str, pinned: bool,
            topic: str | None, source: str, task_id: str | None) -> list[str]:
        now = time.time()
        rows = []
        ids = []
        for i, chunk in enumerate(chunks):
            digest = content_hash(chunk, f"{session_id or ''}|{type_}")
            if digest in self._hashes:  # a duplicate inside the same batch
                ids.append(self._hashes[digest])
                continue
            entry_id = uuid.uuid4().hex
            self._hashes[digest] = entry_id
            ids.append(entry_id)
            rows.append({"id": entry_id, "text": chunk, "vector": vectors[i], "type": type_,
                         "session_id": session_id or "", "user_id": USER_ID, "pinned": pinned,
                         "topic": topic or "", "source": source, "task_id": task_id or "",
                         "content_hash": digest, "created_at": now})
        if rows:
            try:
                self.t.add(rows)
            except Exception:
                for row in rows:
                    self._hashes.pop(row["content_hash"], None)
                raise
        return ids

    def search(self, vector: Any, limit: int, filters: Filters) -> list[dict[str, Any]]:
        query = self.t.table.search(vector, vector_column_name="vector").distance_type("cosine")
        where = filters.sql()
        if where:
            query = query.where(where, prefilter=True)
        rows = query.select([*META_COLUMNS]).limit(limit).to_list()
        return [public(r, 1.0 - float(r["_distance"])) for r in rows]

    def text_search(self, text: str, limit: int, filters: Filters) -> list[dict[str, Any]]:
        if not self.t.fts_ready:
            return []
        query = self.t.table.search(text, query_type="fts", fts_columns="text")
        where = filters.sql()
        if where:
            query = query.where(where, prefilter=True)
        rows = query.select([*META_COLUMNS]).limit(limit).to_list()
        return [public(r, float(r.get("_score") or 0.0)) for r in rows]

    def get(self, entry_id: str) -> dict[str, Any] | None:
        rows = self.t.scan(META_COLUMNS, where=f"id = {sql_str(entry_id)}", limit=1)
        return public(rows[0]) if rows else None

    def vectors(self, ids: Sequence[str]) -> dict[str, Any]:
        if not ids:
            return {}
        rows = self.t.scan(["id", "vector"], where=sql_in("id", ids))
        return {r["id"]: r["vector"] for r in rows}

    def set_pinned(self, entry_id: str, pinned: bool) -> bool:
        return self.t.update(f"id = {sql_str(entry_id)}", {"pinned": pinned}) > 0

    def delete_where(self, where: str) -> int:
        doomed = self.t.scan(["id", "content_hash"], where=where)
        if not doomed:
            return 0
        deleted = self.t.delete(where)
        for row in doomed:
            self._hashes.pop(row["content_hash"], None)
        return deleted

    def entries(self, where: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        return [public(r) for r in self.t.scan(META_COLUMNS, where=where, limit=limit)]

    def graph_rows(self) -> list[dict[str, Any]]:
        return self.t.scan(["id", "text", "type", "session_id", "pinned", "topic", "task_id"])
