"""An in-RAM mirror of the memory table for fast exact search.

LanceDB stays the store of record (durable, full-text index, rebuilt from on start); this
mirror keeps the normalised vectors in one float32 matrix and the metadata in parallel arrays,
so a search is a single matrix-vector product plus a mask: about 5 ms for 100k entries on one
core, with no ANN index to build or tune, and exact results. Memory cost: 1.5 KB per entry for
the vector plus the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from venom_core.memory.projection import CANDIDATES, Projection

FILTER_FIELDS = ("session_id", "type", "topic")


class Codes:
    """Strings to small ints, so filters compare integer arrays."""

    def __init__(self) -> None:
        self.by_value: dict[str, int] = {}

    def code(self, value: str) -> int:
        return self.by_value.setdefault(value, len(self.by_value))


class VectorMirror:
    def __init__(self, dim: int):
        self.dim = dim
        self.size = 0
        self.matrix = np.zeros((1024, dim), dtype=np.float32)
        self.alive = np.zeros(1024, dtype=bool)
        self.pinned = np.zeros(1024, dtype=bool)
        self.codes = {f: Codes() for f in FILTER_FIELDS}
        self.cols = {f: np.zeros(1024, dtype=np.int32) for f in FILTER_FIELDS}
        self.rows: list[dict[str, Any] | None] = []
        self.pos: dict[str, int] = {}
        self.projection = Projection()
        self.exact = False  # True: always scan every row (the bench's reference)

    def __len__(self) -> int:
        return len(self.pos)

    def _grow(self, need: int) -> None:
        cap = self.matrix.shape[0]
        if need <= cap:
            return
        new_cap = max(need, cap * 2)
        self.matrix = np.resize(self.matrix, (new_cap, self.dim))
        for name in ("alive", "pinned"):
            arr = getattr(self, name)
            grown = np.zeros(new_cap, dtype=bool)
            grown[:cap] = arr
            setattr(self, name, grown)
        for f, arr in self.cols.items():
            grown_i = np.zeros(new_cap, dtype=np.int32)
            grown_i[:cap] = arr
            self.cols[f] = grown_i

    def add(self, rows: Sequence[dict[str, Any]], vectors: Any) -> None:
        """`rows` are table rows without the vector; `vectors[i]` belongs to `rows[i]`."""
        if not rows:
            return
        start = self.size
        self._grow(start + len(rows))
        self.matrix[start:start + len(rows)] = np.asarray(vectors, dtype=np.float32)
        for i, row in enumerate(rows):
            at = start + i
            self.alive[at] = True
            self.pinned[at] = bool(row.get("pinned"))
            for f in FILTER_FIELDS:
                self.cols[f][at] = self.codes[f].code(str(row.get(f) or ""))
            self.rows.append(dict(row))
            self.pos[str(row["id"])] = at
        self.size += len(rows)
        self.projection.update(self.matrix, start, self.size, self.alive)

    def remove(self, ids: Iterable[str]) -> None:
        for entry_id in ids:
            at = self.pos.pop(entry_id, None)
            if at is not None:
                self.alive[at] = False
                self.rows[at] = None
        if self.size > 1024 and len(self.pos) < self.size // 2:
            self._compact()

    def _compact(self) -> None:
        keep = np.flatnonzero(self.alive[: self.size])
        rows = [self.rows[i] for i in keep]
        matrix = self.matrix[keep].copy()
        fresh = VectorMirror(self.dim)
        fresh.exact = self.exact
        fresh.add([r for r in rows if r is not None], matrix)
        self.__dict__.update(fresh.__dict__)

    def set_pinned(self, entry_id: str, pinned: bool) -> None:
        at = self.pos.get(entry_id)
        if at is not None:
            self.pinned[at] = pinned
            row = self.rows[at]
            if row is not None:
                row["pinned"] = pinned

    def get(self, entry_id: str) -> dict[str, Any] | None:
        at = self.pos.get(entry_id)
        return None if at is None else self.rows[at]

    def vector(self, entry_id: str) -> Any:
        at = self.pos.get(entry_id)
        return None if at is None else self.matrix[at]

    def mask(self, session_id: str | None, type_: str | None, topic: str | None, pinned_only: bool) -> Any:
        n = self.size
        mask = self.alive[:n].copy()
        for field, value in (("session_id", session_id), ("type", type_), ("topic", topic)):
            if value is not None:
                code = self.codes[field].by_value.get(value)
                if code is None:
                    return np.zeros(n, dtype=bool)
                mask &= self.cols[field][:n] == code
        if pinned_only:
            mask &= self.pinned[:n]
        return mask

    def search(self, vector: Any, limit: int, mask: Any) -> list[tuple[dict[str, Any], float]]:
        """Top-k cosine among the rows where `mask` is true (vectors are normalised).

        Small mirrors, or a filter that leaves few rows, are scanned exactly. Large ones
        pre-select candidates on the projection (`projection.py`) and rank them exactly.
        """
        n = self.size
        if n == 0 or limit <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        if self.projection.ready and not self.exact:
            selected = int(np.count_nonzero(mask))
            if selected <= 4 * CANDIDATES:
                idx = np.flatnonzero(mask)
            else:
                idx = self.projection.candidates(query, n, mask, limit)
            return self._rank(idx, self.matrix[idx] @ query, limit)
        scores = np.where(mask, self.matrix[:n] @ query, -np.inf)
        k = min(limit, n)
        top = np.argpartition(-scores, k - 1)[:k]
        return self._rank(top, scores[top], limit)

    def _rank(self, idx: Any, scores: Any, limit: int) -> list[tuple[dict[str, Any], float]]:
        order = np.argsort(-scores)[:limit]
        out = []
        for j in order:
            row = self.rows[int(idx[j])]
            if row is not None and np.isfinite(scores[j]):
                out.append((row, float(scores[j])))
        return out

    def live_rows(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r is not None]
