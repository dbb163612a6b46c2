"""The vector memory table: chunks of text with their embedding and metadata.

Blocking code by design: `MemoryService` runs every call in a worker thread. LanceDB holds the
data; an in-RAM `VectorMirror` loaded from it on open answers vector searches exactly and fast.
Dedupe is by a content hash over (session, type, normalised text), so re-ingesting the same
fact returns the existing id, also after a restart.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from venom_core.memory.chunking import content_hash
from venom_core.memory.errors import DuplicateText
from venom_core.memory.lance import LanceTable, sql_str

if TYPE_CHECKING:
    from venom_core.memory.mirror import VectorMirror

META_COLUMNS = ["id", "text", "type", "session_id", "user_id", "pinned", "topic", "source", "task_id",
                "content_hash", "created_at", "updated_at", "edited"]
USER_ID = "user_default"
# Columns added after the first release, with the SQL that fills them in a table written before:
# an old entry was last changed when it was created, and was never edited.
ADDED_COLUMNS = {"updated_at": "created_at", "edited": "false"}


def memory_schema(pa: Any, dim: int) -> Any:
    return pa.schema([
        pa.field("id", pa.string()), pa.field("text", pa.string()),
        pa.field("vector", pa.list_(pa.float32(), dim)),
        pa.field("type", pa.string()), pa.field("session_id", pa.string()), pa.field("user_id", pa.string()),
        pa.field("pinned", pa.bool_()), pa.field("topic", pa.string()), pa.field("source", pa.string()),
        pa.field("task_id", pa.string()), pa.field("content_hash", pa.string()),
        pa.field("created_at", pa.float64()), pa.field("updated_at", pa.float64()), pa.field("edited", pa.bool_()),
    ])


def dedupe_scope(session_id: str | None, type_: str) -> str:
    return f"{session_id or ''}|{type_}"


@dataclass(frozen=True)
class NewEntry:
    """One chunk to store, with its own metadata (a batch may mix sessions and types)."""

    text: str
    session_id: str | None
    type: str
    pinned: bool = False
    topic: str | None = None
    source: str = "api"
    task_id: str | None = None

    @property
    def scope(self) -> str:
        return dedupe_scope(self.session_id, self.type)


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


def origin(source: str | None, type_: str | None) -> str:
    """Where an entry came from, in the words of the Brain screen: a chat (what the user said),
    a document chunk, a lesson, an agent's note, or a manual ingest through the API."""
    if type_ == "document":
        return "document"
    src = source or ""
    if src.startswith("chat"):
        return "chat"
    if src.startswith("lesson"):
        return "lesson"
    if src in ("", "api", "manual", "ui"):
        return "manual"
    return "agent"


def public(row: dict[str, Any], score: float | None = None) -> dict[str, Any]:
    """The API shape of an entry (empty strings of the table become null)."""
    out = {k: row.get(k) for k in ("id", "text", "type", "pinned", "created_at")}
    for key in ("session_id", "topic", "source", "task_id"):
        out[key] = row.get(key) or None
    out["updated_at"] = row.get("updated_at") or row.get("created_at")
    out["edited"] = bool(row.get("edited"))
    out["origin"] = origin(out["source"], out["type"])
    if score is not None:
        out["score"] = round(score, 4)
    return out


class MemoryStore:
    """LanceDB is the store of record; searches run on the in-RAM `VectorMirror` of it."""

    def __init__(self, db: Any, pa: Any, dim: int):
        from venom_core.memory.mirror import VectorMirror  # numpy comes with the memory profile

        self.t = LanceTable(db, "memories", memory_schema(pa, dim), fts_column="text")
        self.t.ensure_columns(ADDED_COLUMNS)
        self._lock = threading.RLock()
        self._hashes: dict[str, str] = {}
        self.mirror: VectorMirror = VectorMirror(dim)
        table = self.t.scan_arrow([*META_COLUMNS, "vector"])
        if table.num_rows:
            vectors = table.column("vector").combine_chunks().flatten().to_numpy().reshape(-1, dim)
            rows = table.drop_columns(["vector"]).to_pylist()
            self.mirror.add(rows, vectors)
            self._hashes = {r["content_hash"]: r["id"] for r in rows}

    def count(self) -> int:
        return len(self.mirror)

    def known(self, entry: NewEntry) -> str | None:
        """The id of a stored entry with the same (session, type, normalised text), if any."""
        return self._hashes.get(content_hash(entry.text, entry.scope))

    def add(self, chunks: Sequence[str], vectors: Any, *, session_id: str | None, type_: str, pinned: bool,
            topic: str | None, source: str, task_id: str | None) -> list[str]:
        """Chunks that share their metadata (see `add_entries`)."""
        added = self.add_entries([NewEntry(c, session_id, type_, pinned, topic, source, task_id) for c in chunks],
                                 vectors)
        return [entry_id for entry_id, _ in added]

    def add_entries(self, entries: Sequence[NewEntry], vectors: Any) -> list[tuple[str, bool]]:
        """One LanceDB append and one mirror update for the whole batch; `vectors[i]` is entry i's.

        Returns `(id, created)` per entry; an entry whose hash is already known (stored earlier,
        by a concurrent call, or earlier in this batch) gets the existing id and is not written.
        """
        now = time.time()
        rows: list[dict[str, Any]] = []
        kept: list[int] = []
        ids: list[tuple[str, bool]] = []
        with self._lock:
            for i, entry in enumerate(entries):
                digest = content_hash(entry.text, entry.scope)
                if digest in self._hashes:  # a duplicate inside the same batch
                    ids.append((self._hashes[digest], False))
                    continue
                entry_id = uuid.uuid4().hex
                self._hashes[digest] = entry_id
                ids.append((entry_id, True))
                kept.append(i)
                rows.append({"id": entry_id, "text": entry.text, "type": entry.type, "session_id": entry.session_id
                             or "", "user_id": USER_ID, "pinned": entry.pinned, "topic": entry.topic or "",
                             "source": entry.source, "task_id": entry.task_id or "", "content_hash": digest,
                             "created_at": now, "updated_at": now, "edited": False})
            if not rows:
                return ids
            try:
                self.t.add([{**row, "vector": vectors[i]} for row, i in zip(rows, kept, strict=True)])
            except Exception:
                for row in rows:
                    self._hashes.pop(row["content_hash"], None)
                raise
            self.mirror.add(rows, [vectors[i] for i in kept])
        return ids

    def search(self, vector: Any, limit: int, filters: Filters) -> list[dict[str, Any]]:
        with self._lock:
            mask = self.mirror.mask(filters.session_id, filters.type, filters.topic, filters.pinned_only)
            hits = self.mirror.search(vector, limit, mask)
        return [public(row, score) for row, score in hits]

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
        row = self.mirror.get(entry_id)
        return public(row) if row else None

    def vectors(self, ids: Sequence[str]) -> dict[str, Any]:
        with self._lock:
            found = {i: self.mirror.vector(i) for i in ids}
        return {i: v for i, v in found.items() if v is not None}

    def set_pinned(self, entry_id: str, pinned: bool) -> bool:
        if self.mirror.get(entry_id) is None:
            return False
        with self._lock:
            self.t.update(f"id = {sql_str(entry_id)}", {"pinned": pinned})
            self.mirror.set_pinned(entry_id, pinned)
        return True

    def correct(self, entry_id: str, text: str, encode: Callable[[str], Any]) -> dict[str, Any] | None:
        """Replace an entry's text and vector in one LanceDB update, keeping its id and origin.

        `encode` runs before anything is written, so an embedding failure leaves the entry as it
        was; the update itself is one table commit (all columns or none), and the mirror and the
        dedupe hashes change only after it succeeded. None when there is no such entry; raises
        `DuplicateText` when another entry of the same session and type holds this text.
        """
        def check() -> tuple[dict[str, Any], str] | None:
            row = self.mirror.get(entry_id)
            if row is None:
                return None
            digest = content_hash(text, dedupe_scope(row.get("session_id") or None, str(row["type"])))
            holder = self._hashes.get(digest)
            if holder is not None and holder != entry_id:
                raise DuplicateText(holder)
            return row, digest

        with self._lock:
            if check() is None:
                return None
        vector = encode(text)  # outside the lock: searches go on while the text is embedded
        with self._lock:
            checked = check()  # again: a delete or an ingest may have come in meanwhile
            if checked is None:
                return None
            row, digest = checked
            now = time.time()
            values = {"text": text, "vector": [float(x) for x in vector], "content_hash": digest,
                      "updated_at": now, "edited": True}
            self.t.update(f"id = {sql_str(entry_id)}", values)
            if self._hashes.get(row["content_hash"]) == entry_id:
                del self._hashes[row["content_hash"]]
            self._hashes[digest] = entry_id
            fresh = {**row, "text": text, "content_hash": digest, "updated_at": now, "edited": True}
            self.mirror.remove([entry_id])  # a new row at the end: the projection indexes it like an ingest
            self.mirror.add([fresh], [vector])
            return public(fresh)

    def newest(self, session_id: str | None, limit: int) -> list[dict[str, Any]]:
        """Live entries, most recently changed first (from the mirror: no table scan)."""
        with self._lock:
            rows = [r for r in self.mirror.live_rows() if session_id is None or r.get("session_id") == session_id]
        rows.sort(key=lambda r: r.get("updated_at") or r.get("created_at") or 0.0, reverse=True)
        return [public(r) for r in rows[:limit]]

    def delete_where(self, where: str) -> int:
        with self._lock:
            doomed = self.t.scan(["id", "content_hash"], where=where)
            if not doomed:
                return 0
            deleted = self.t.delete(where)
            for row in doomed:
                self._hashes.pop(row["content_hash"], None)
            self.mirror.remove(r["id"] for r in doomed)
        return deleted

    def entries(self, where: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        return [public(r) for r in self.t.scan(META_COLUMNS, where=where, limit=limit)]

    def graph_rows(self) -> list[dict[str, Any]]:
        with self._lock:
            return self.mirror.live_rows()
