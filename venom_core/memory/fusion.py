"""Hybrid search: the vector and full-text hit lists fused by reciprocal rank."""

from __future__ import annotations

from typing import Any


def fuse(vector_hits: list[dict[str, Any]], text_hits: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Reciprocal-rank fusion of vector and full-text hits; `score` stays the vector similarity."""
    fused: dict[str, dict[str, Any]] = {}
    rrf: dict[str, float] = {}
    for hits, kind in ((vector_hits, "vector"), (text_hits, "text")):
        for rank, hit in enumerate(hits):
            entry = fused.setdefault(hit["id"], {**hit, "matched": []})
            if kind == "text" and hit["id"] not in {h["id"] for h in vector_hits}:
                entry["score"] = 0.0
            entry["matched"].append(kind)
            rrf[hit["id"]] = rrf.get(hit["id"], 0.0) + 1.0 / (60 + rank)
    ordered = sorted(fused.values(), key=lambda h: rrf[h["id"]], reverse=True)
    for hit in ordered:
        hit["rrf"] = round(rrf[hit["id"]], 5)
    return ordered[:limit]
