"""The vector and full-text index of document chunks: its own LanceDB table (`document_chunks`)
beside the memories, so the two kinds never mix in a search. Blocking code: the service runs
every call on the memory service's embedding thread or a worker thread.

Search is hybrid: the nearest chunks by cosine similarity and the best BM25 matches are fused by
reciprocal rank (k = 60), which needs no score calibration between the two lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from venom_core.memory.lance import LanceTable, sql_in, sql_str

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
        self.t = LanceTable(db, TABLE, chunk_schema(pa, dim), fts_column="text")

    def add(self, rows: Sequence[dict[str, Any]], vectors: Any) -> None:
        if rows:
            self.t.add([{**row, "vector": vector.tolist()} for row, vector in zip(rows, vectors, strict=True)])

    def delete_document(self, doc_id: str) -> int:
        return self.t.delete(f"document_id = {sql_str(doc_id)}")

    def count(self, doc_id: str | None = None) -> int:
        return self.t.count(f"document_id = {sql_str(doc_id)}" if doc_id else None)

    def search(self, vector: Any, text: str, limit: int, document_ids: Sequence[str] | None,
               threshold: float | None) -> list[dict[str, Any]]:
        """Fused hits, best first: `{id, document_id, ordinal, page, text, score, similarity, matched}`.

        `threshold` is a floor on the cosine similarity; a chunk that matched the words of the
        query is kept below it (a rare term can be the whole point of a question)."""
        where = sql_in("document_id", document_ids) if document_ids else None
        depth = max(limit * 4, 20)
        query = self.t.table.search(vector, vector_column_name="vector").distance_type("cosine")
        if where:
            query = query.where(where, prefilter=True)
        vector_rows = query.select([*COLUMNS, "_distance"]).limit(depth).to_list()
        text_rows: list[dict[str, Any]] = []
        if self.t.fts_ready and text.strip():
            fts = self.t.table.search(text, query_type="fts", fts_columns="text")
            if where:
                fts = fts.where(where, prefilter=True)
            text_rows = fts.select([*COLUMNS, "_score"]).limit(depth).to_list()
        return fuse(vector_rows, text_rows, limit, threshold)


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
