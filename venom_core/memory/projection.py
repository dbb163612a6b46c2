"""A reduced-dimension pre-filter for the exact in-RAM search of large mirrors.

Why: the exact scan of 100k × 384 float32 vectors is about 7 ms on a free core, but 20–50 ms
when the shared 2-core box is saturated, because it competes for the CPU like everything else.
Above `MIN_ROWS` rows, the mirror also keeps every vector projected on the top `RANK` principal
directions of the stored vectors (uncentred, so dot products are what is approximated). A
search scans that narrow matrix (a third of the work), keeps the best `CANDIDATES`, and
ranks those by their exact float32 scores. Scores returned are always exact; only membership
of the top k can differ from an exhaustive scan, and the bench prints recall@10 against it.
Measured on 10k real embedded docstrings and on 100k vectors with their spectrum (each real
vector plus 9 noisy copies drawn from the real covariance), 200 real queries each: recall@10
1.000 with RANK 128 (0.993 with 96, 0.994 with 64 on the 10k).
The basis is learned from a sample when the mirror first reaches `MIN_ROWS` and again each time
it has grown four-fold; rows added in between are projected on the current basis.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MIN_ROWS = 50_000  # below this an exact scan costs under ~4 ms on a free core
RANK = 128  # of 384 dimensions: 85% of the energy of real MiniLM embeddings (96 had 78%)
CANDIDATES = 400  # re-ranked exactly (at least 40 per requested hit)
SAMPLE = 20_000  # rows the basis is learned from
_CHUNK = 16_384  # rows projected per matmul when (re)building


class Projection:
    def __init__(self) -> None:
        self.basis: Any = None  # (dim, RANK) float32, orthonormal columns
        self.reduced: Any = np.zeros((0, RANK), dtype=np.float32)
        self.trained_rows = 0

    @property
    def ready(self) -> bool:
        return self.basis is not None

    def update(self, matrix: Any, start: int, end: int, alive: Any) -> None:
        """Rows `start:end` of `matrix` were just added; (re)train when the size calls for it."""
        if end >= MIN_ROWS and (self.basis is None or end >= 4 * self.trained_rows):
            self._train(matrix, end, alive)
            return
        if self.basis is not None:
            self._reserve(matrix.shape[0])
            self.reduced[start:end] = matrix[start:end] @ self.basis

    def _reserve(self, capacity: int) -> None:
        if self.reduced.shape[0] < capacity:
            grown = np.zeros((capacity, RANK), dtype=np.float32)
            grown[: self.reduced.shape[0]] = self.reduced
            self.reduced = grown

    def _train(self, matrix: Any, n: int, alive: Any) -> None:
        live = np.flatnonzero(alive[:n])
        rng = np.random.default_rng(n)
        sample = matrix[rng.choice(live, size=min(SAMPLE, len(live)), replace=False)]
        _, vectors = np.linalg.eigh(sample.T @ sample)  # ascending eigenvalues
        self.basis = np.ascontiguousarray(vectors[:, ::-1][:, :RANK], dtype=np.float32)
        self.reduced = np.zeros((matrix.shape[0], RANK), dtype=np.float32)
        for lo in range(0, n, _CHUNK):
            hi = min(n, lo + _CHUNK)
            self.reduced[lo:hi] = matrix[lo:hi] @ self.basis
        self.trained_rows = n

    def candidates(self, vector: Any, n: int, mask: Any, limit: int) -> Any:
        """Row indices (where `mask` holds) whose projected score is among the best."""
        approx = self.reduced[:n] @ (vector @ self.basis)
        approx = np.where(mask, approx, -np.inf)
        count = min(n, max(CANDIDATES, 40 * limit))
        top = np.argpartition(-approx, count - 1)[:count]
        return top[np.isfinite(approx[top])]
