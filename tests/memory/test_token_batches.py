"""The ONNX encoder cuts batches by padded tokens (`BATCH_TOKENS`): long document chunks go in
small batches, short notes in batches of `BATCH`. Whatever the batch, a text's vector is its own:
batched vectors match each text encoded alone (real model)."""

from __future__ import annotations

import pytest

from venom_core.memory import onnx_embedder
from venom_core.memory.embedder import import_profile
from venom_core.memory.onnx_embedder import OnnxEmbedder, default_cache_dir, onnx_available

pytestmark = pytest.mark.skipif(not onnx_available(), reason="onnxruntime is not installed")


def test_batches_by_tokens_give_each_text_its_own_vector(monkeypatch: pytest.MonkeyPatch) -> None:
    np = pytest.importorskip("numpy")
    encoder = OnnxEmbedder.load(import_profile(), default_cache_dir(), 1, int8=False)
    texts = ["hi", "The ledger records 37 entries for the north depot. " * 12, "a short note about tea",
             "Revenue grew 14 percent in the third quarter. " * 6] * 4
    sizes: list[int] = []
    real_run = encoder._batch_session.run

    def run(names: object, feeds: dict[str, object]) -> object:
        ids = feeds["input_ids"]
        sizes.append(ids.shape[0] * ids.shape[1])  # type: ignore[attr-defined]
        return real_run(names, feeds)

    monkeypatch.setattr(encoder._batch_session, "run", run, raising=False)
    batched = encoder.encode(texts)
    assert len(sizes) > 1 and all(s <= onnx_embedder.BATCH_TOKENS or s // 256 <= 1 for s in sizes)
    monkeypatch.undo()
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert batched.shape == (len(texts), 384)
    assert float(np.min(np.sum(batched * alone, axis=1))) > 0.999


def test_batches_of_one_encode_run_at_once_on_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """With two workers, two batches of one encode are in the model at the same moment (a barrier
    that only two overlapping runs pass), and the vectors are those of one worker."""
    import threading

    np = pytest.importorskip("numpy")
    serial = OnnxEmbedder.load(import_profile(), default_cache_dir(), 1, int8=False)
    parallel = OnnxEmbedder.load(import_profile(), default_cache_dir(), 1, int8=False, workers=2)
    texts = [f"Chunk {i} of the handbook: the north depot keeps {i} crates of tea. " * 8 for i in range(24)]
    barrier = threading.Barrier(2, timeout=30)
    threads: list[int] = []
    real_run = parallel._batch_session.run

    def run(names: object, feeds: dict[str, object]) -> object:
        threads.append(threading.get_ident())
        if len(threads) <= 2:  # the first two runs: BrokenBarrierError (the test fails) unless they overlap
            barrier.wait()
        return real_run(names, feeds)

    monkeypatch.setattr(parallel._batch_session, "run", run, raising=False)
    together = parallel.encode(texts)
    monkeypatch.undo()
    assert len(set(threads)) == 2 and len(threads) > 2
    assert float(np.min(np.sum(together * serial.encode(texts), axis=1))) > 0.9999
