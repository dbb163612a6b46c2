"""The projection pre-filter of large mirrors (`venom_core/memory/projection.py`).

50k+ entries cannot be embedded in a test's time budget, so this drives the mirror with
seeded clustered vectors directly (numpy only, under a second). The HTTP tests cover small
mirrors, which are scanned exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from venom_core.memory.mirror import VectorMirror
from venom_core.memory.projection import MIN_ROWS

DIM = 384


def clustered(n: int, seed: int) -> np.ndarray:
    """Vectors with the spectrum of real MiniLM embeddings (eigenvalues fall about as i^-0.8),
    around 2000 topics: isotropic noise would be a case no text encoder produces."""
    rng = np.random.default_rng(seed)
    scale = (np.arange(DIM) + 1.0) ** -0.4
    centres = rng.standard_normal((2000, DIM)) * scale
    vectors = centres[rng.integers(0, 2000, n)] + 0.7 * rng.standard_normal((n, DIM)) * scale
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def build(n: int) -> tuple[VectorMirror, np.ndarray]:
    vectors = clustered(n, seed=1)
    mirror = VectorMirror(DIM)
    rows = [{"id": f"e{i}", "session_id": f"s{i % 500}", "type": "fact", "topic": "", "pinned": i % 7 == 0}
            for i in range(n)]
    for start in range(0, n, 10_000):  # in batches, like ingest: later rows use the learned basis
        mirror.add(rows[start:start + 10_000], vectors[start:start + 10_000])
    return mirror, vectors


def top_ids(mirror: VectorMirror, query: np.ndarray, mask: np.ndarray, exact: bool) -> list[str]:
    mirror.exact = exact
    try:
        return [row["id"] for row, _ in mirror.search(query, 10, mask)]
    finally:
        mirror.exact = False


@pytest.fixture(scope="module")
def large() -> tuple[VectorMirror, np.ndarray]:
    return build(MIN_ROWS + 2_000)


def test_prefilter_matches_the_exhaustive_scan_and_scores_are_exact(large: tuple[VectorMirror, np.ndarray]) -> None:
    mirror, vectors = large
    assert mirror.projection.ready
    queries = clustered(30, seed=2)
    everything = mirror.mask(None, None, None, False)
    overlap = []
    for query in queries:
        approx = mirror.search(query, 10, everything)
        exact = top_ids(mirror, query, everything, exact=True)
        overlap.append(len({row["id"] for row, _ in approx} & set(exact)) / 10)
        for row, score in approx:
            assert abs(score - float(vectors[int(row["id"][1:])] @ query)) < 1e-5
        assert [s for _, s in approx] == sorted((s for _, s in approx), reverse=True)
    assert np.mean(overlap) >= 0.97, overlap


def test_filters_and_deletes_hold_with_the_prefilter(large: tuple[VectorMirror, np.ndarray]) -> None:
    mirror, _ = large  # runs last in this file: it deletes rows
    query = clustered(1, seed=3)[0]
    one_session = mirror.mask("s42", None, None, False)  # 104 rows: scanned exactly
    hits = mirror.search(query, 10, one_session)
    assert len(hits) == 10 and {row["session_id"] for row, _ in hits} == {"s42"}
    assert [row["id"] for row, _ in hits] == top_ids(mirror, query, one_session, exact=True)
    pinned = mirror.search(query, 10, mirror.mask(None, None, None, True))  # 1/7 of rows: pre-filtered
    assert pinned and all(row["pinned"] for row, _ in pinned)
    best = mirror.search(query, 5, mirror.mask(None, None, None, False))
    mirror.remove([row["id"] for row, _ in best])
    after = {row["id"] for row, _ in mirror.search(query, 10, mirror.mask(None, None, None, False))}
    assert not after & {row["id"] for row, _ in best}
