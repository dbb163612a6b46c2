"""The check a written MiniLM graph must pass before it is cached: reproduce reference embeddings.

The reference vectors (`minilm_reference_data.py`) were computed by sentence-transformers on torch
from the same packaged weights (scripts/make_minilm_reference.py). The texts cover a short
query, punctuation and non-ASCII text, and one text longer than the 256-token limit (truncation
and the last position embeddings); they run as one padded batch, so masking is checked too.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np

from venom_core.memory.minilm_graph import WeightsError

REFERENCE_TEXTS = (
    "what is the name of Priya's cat?",
    "The boiler service is booked for the 3rd of May.",
    "Zażółć gęślą jaźń — café, naïve, 東京駅, emoji 🙂!",
    "def add(a, b):\n    return a + b  # plain code, too",
    "Our Wi-Fi password is on the fridge. " * 40,
)
MIN_COSINE = 0.9999  # fp32 graph against torch fp32: measured 1.0000 (largest difference 1.5e-7)
MAX_ABS = 1e-4  # per component, on unit vectors whose components are about 0.05


def reference() -> Any:
    from venom_core.memory.minilm_reference_data import EMBEDDINGS_F32_B64, SHAPE

    return np.frombuffer(base64.b64decode("".join(EMBEDDINGS_F32_B64)), dtype="<f4").reshape(SHAPE)


def run_texts(session: Any, tokenizer: Any, texts: tuple[str, ...] | list[str]) -> Any:
    """One padded batch through a session with the encoder's inputs."""
    encoded = tokenizer.encode_batch(list(texts))
    width = max(len(e.ids) for e in encoded)
    ids = np.zeros((len(texts), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, item in enumerate(encoded):
        ids[row, :len(item.ids)] = item.ids
        mask[row, :len(item.ids)] = 1
    return session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]


def compare(got: Any, expected: Any, label: str) -> None:
    """WeightsError unless `got` matches `expected` row by row within the tolerances."""
    if got.shape != expected.shape:
        raise WeightsError(f"{label}: embeddings of shape {got.shape}, expected {expected.shape}")
    cosine = (got * expected).sum(axis=1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(expected, axis=1) + 1e-12)
    worst = float(np.abs(got - expected).max())
    if not np.isfinite(got).all() or float(cosine.min()) < MIN_COSINE or worst > MAX_ABS:
        raise WeightsError(f"{label} does not reproduce the reference embeddings (lowest cosine "
                           f"{float(np.nan_to_num(cosine).min()):.6f}, largest difference {worst:.2e}; "
                           f"needs cosine >= {MIN_COSINE} and difference <= {MAX_ABS}): not the packaged "
                           "all-MiniLM-L6-v2 weights, or a damaged graph")


def check_model(path: Path, tokenizer_path: Path) -> None:
    import importlib

    ort = importlib.import_module("onnxruntime")
    tokenizers = importlib.import_module("tokenizers")

    tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(256)
    tokenizer.no_padding()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    compare(run_texts(session, tokenizer, REFERENCE_TEXTS), reference(), f"the embedding graph written to {path}")
