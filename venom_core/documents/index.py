"""The vector and full-text index of document chunks: its own LanceDB table (`document_chunks`)
beside the memories, so the two kinds never mix in a search. Blocking code: the service runs
every call on the memory service's embedding thread or a worker thread.

Search is hybrid: the nearest chunks by cosine similarity and the best BM25 matches are fused by
reciprocal rank (k = 60), which needs no score calibration between the two lists. The vector half
runs on an in-RAM mirror of the table (the memory table's `VectorMirror`: one matrix product,
exact), loaded from LanceDB when the index opens: a LanceDB vector query costs ~20 ms on a busy
2-core machine even for a few hundred chunks, and chat retrieval runs it for every message.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from venom_core.memory.lance import LanceTable, sql_in, sql_str

if TYPE_CHECKING:
    from venom_core.memory.mirror import VectorMirror

TABLE = "document_chunks"
RRF_K = 60
COLUMNS = ["id", "document_id", "ordinal", "page", "text"]


def chunk_schema(pa: Any, dim: int) -> Any:
    return pa.schema([
        pa.field("id", pa.string()), pa.field("document_id", pa.string()), pa.field("ordinal", pa.int32()),
        pa.field("page", pa.int32()), pa.field("text", pa.string()),
        pa.field("vector", pa.list_(pa.float32(), dim)),
    ])


class ChunkIndex:
    def __init__(self, db: Any, pa: Any, dim: int):
        from venom_core.memory.mirror import VectorMirror  # numpy comes with the memory profile

        self.t = LanceTable(db, TABLE, chunk_schema(pa, dim), fts_column="text")
        self._lock = threading.Lock()  # the mirror is written by the indexer and read by searches
        self.mirror: VectorMirror = VectorMirror(dim)
        table = self.t.scan_arrow([*COLUMNS, "vector"])
        if table.num_rows:
            vectors = table.column("vector").combine_chunks().flatten().to_numpy().reshape(-1, dim)
            self.mirror.add(table.drop_columns(["vector"]).to_pylist(), vectors)

    def add(self, rows: Sequence[dict[str, Any]], vectors: Any) -> None:
        if rows:
            self.t.add([{**row, "vector": vector.tolist()} for row, vector in zip(rows, vectors, strict=True)])
            with self._lock:
                self.mirror.add([{key: row.get(key) for key in COLUMNS} for row in rows], vectors)

    def delete_document(self, doc_id: str) -> int:
        with self._lock:
            ids = [cid for cid, at in self.mirror.pos.items() if _doc_of(self.mirror, at) == doc_id]
        if not ids:  # the mirror holds every row of the table (loaded at open, then kept in step)
            return 0  # a first index of a document: no LanceDB delete (a new table version)
        deleted = self.t.delete(f"document_id = {sql_str(doc_id)}")
        with self._lock:
            self.mirror.remove(ids)
        return deleted

    def count(self, doc_id: str | None = None) -> int:
        return self.t.count(f"document_id = {sql_str(doc_id)}" if doc_id else None)

    def search(self, vector: Any, text: str, limit: int, document_ids: Sequence[str] | None,
               threshold: float | None, *, strict: bool = False) -> list[dict[str, Any]]:
        """Fused hits, best first: `{id, document_id, ordinal, page, text, score, similarity, matched}`.

        `threshold` is a floor on the cosine similarity; a chunk that matched the words of the
        query is kept below it (a rare term can be the whole point of a question), unless
        `strict` (chat: small talk shares words with every document). Strict, the full-text half
        only re-ranks what passed the floor, and is not run when nothing did: the common case of
        a chat message about nothing in the documents then costs one matrix product."""
        where = sql_in("document_id", document_ids) if document_ids else None
        depth = max(limit * 4, 20)
        with self._lock:
            mask = self._mask(document_ids)
            found = self.mirror.search(vector, depth, mask)
        if strict and threshold is not None:
            found = [(row, score) for row, score in found if score >= threshold]
            if not found:
                return []
        vector_rows = [{**row, "_distance": 1.0 - score} for row, score in found]
        text_rows: list[dict[str, Any]] = []
        if self.t.fts_ready and text.strip():
            text_rows = self._text_search(text, where, depth)
        if strict:
            kept = {row["id"] for row in vector_rows}
            text_rows = [row for row in text_rows if row["id"] in kept]
        return fuse(vector_rows, text_rows, limit, threshold)

    def _text_search(self, text: str, where: str | None, depth: int) -> list[dict[str, Any]]:
        """The best BM25 matches, rows from the mirror (same tokenizer, stemming and stop words
        as before: LanceDB's FTS index). One trip to LanceDB's event loop thread, ids only: the
        synchronous query builder made six (schema look-ups, the query, each batch) and took
        the text of every hit, ~4x the wall time on a loaded 2-core box."""
        from lancedb.background_loop import LOOP

        async def query() -> Any:
            fts = self.t.table._table.query().nearest_to_text(text, columns="text")  # the AsyncTable
            if where:
                fts = fts.where(where)  # a filter on an FTS query is applied before the top-k
            return await fts.select(["id", "_score"]).limit(depth).to_arrow()

        ids = LOOP.run(query()).column("id").to_pylist()  # type: ignore[no-untyped-call]
        with self._lock:
            rows = [self.mirror.get(str(cid)) for cid in ids]
        return [row for row in rows if row is not None]

    def _mask(self, document_ids: Sequence[str] | None) -> Any:
        import numpy as np

        mirror = self.mirror
        mask = mirror.alive[:mirror.size].copy()
        if document_ids:
            wanted = set(document_ids)
            keep = np.zeros(mirror.size, dtype=bool)
            for at in mirror.pos.values():
                keep[at] = _doc_of(mirror, at) in wanted
            mask &= keep
        return mask


def _doc_of(mirror: VectorMirror, at: int) -> str | None:
    row = mirror.rows[at]
    return None if row is None else str(row.get("document_id"))


def fuse(vector_rows: list[dict[str, Any]], text_rows: list[dict[str, Any]], limit: int,
         threshold: float | None) -> list[dict[str, Any]]:
    hits: dict[str, dict[str, Any]] = {}
    for rank, row in enumerate(vector_rows):
        similarity = 1.0 - float(row.get("_distance") or 0.0)
        hits[row["id"]] = {**_meta(row), "similarity": round(similarity, 4), "matched": ["vector"],
                           "score": 1.0 / (RRF_K + rank + 1)}
    for rank, row in enumerate(text_rows):
        hit = hits.setdefault(row["id"], {**_meta(row), "similarity": None, "matched": [], "score": 0.0})
        hit["matched"].append("text")
        hit["score"] += 1.0 / (RRF_K + rank + 1)
    kept = [h for h in hits.values()
            if threshold is None or "text" in h["matched"] or (h["similarity"] or 0.0) >= threshold]
    kept.sort(key=lambda h: h["score"], reverse=True)
    for hit in kept:
        hit["score"] = round(hit["score"], 6)
    return kept[:limit]


def _meta(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in COLUMNS}
