"""The torch-free encoder: the ONNX graph written from the packaged weights reproduces the reference
embeddings (fp32 closely, int8 within quantisation error), needs no torch, and refuses damaged or
foreign weight files with an error that names the file and the fix."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import tokenizers

from tests.conftest import ROOT, ServerFactory
from tests.memory.conftest import wait_for_memory
from venom_core.memory.embedder import import_profile
from venom_core.memory.embedding_model import MODEL_PACKAGE
from venom_core.memory.minilm_graph import WEIGHTS_FILE, WeightsError, build_model, read_weights, write_model
from venom_core.memory.minilm_reference import REFERENCE_TEXTS, check_model, compare, reference, run_texts
from venom_core.memory.onnx_embedder import OnnxEmbedder, cached_files, prepare_model, words_file

MODEL_DIR = Path(import_profile()[MODEL_PACKAGE].get_model_path())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh cache holding the written fp32 graph and its int8 quantisation."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    prepare_model(MODEL_DIR, cache, "test", int8=True)
    yield cache


def tokenizer() -> tokenizers.Tokenizer:
    tok = tokenizers.Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
    tok.enable_truncation(256)
    tok.no_padding()
    return tok


def model_files(cache: Path) -> tuple[Path, Path]:
    fp32 = next(cache.glob("*-fp32.onnx"))
    return fp32, next(cache.glob("*-int8.onnx"))


def test_fp32_graph_reproduces_the_reference_embeddings(built: Path) -> None:
    fp32, _ = model_files(built)
    got = run_texts(ort.InferenceSession(str(fp32)), tokenizer(), REFERENCE_TEXTS)
    expected = reference()
    assert got.shape == expected.shape == (len(REFERENCE_TEXTS), 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.abs(got - expected).max() < 1e-4
    # Padding must not change a text's embedding: each text alone gives the same vector.
    alone = np.concatenate([run_texts(ort.InferenceSession(str(fp32)), tokenizer(), [t]) for t in REFERENCE_TEXTS])
    assert np.abs(alone - got).max() < 1e-5


def test_int8_encoder_stays_close_with_its_embedding_tables_unquantised(built: Path) -> None:
    encoder = OnnxEmbedder.load(import_profile(), built, threads=1, int8=True)
    assert encoder.variant == "onnx-int8"
    got = encoder.encode(list(REFERENCE_TEXTS))
    cosine = (got * reference()).sum(axis=1)
    assert got.shape == (len(REFERENCE_TEXTS), 384) and cosine.min() > 0.97, cosine
    # Ranking survives quantisation: each text's nearest reference vector is its own.
    assert ((got @ reference().T).argmax(axis=1) == np.arange(len(REFERENCE_TEXTS))).all()
    model = onnx.load(str(model_files(built)[1]))
    ops = {n.op_type for n in model.graph.node}
    assert "MatMulInteger" in ops or "DynamicQuantizeMatMul" in ops, ops
    tables = {i.name: i.data_type for i in model.graph.initializer if i.name.endswith("_embeddings")}
    assert tables == {"word_embeddings": onnx.TensorProto.FLOAT16, "position_embeddings": onnx.TensorProto.FLOAT,
                      "token_type_embeddings": onnx.TensorProto.FLOAT}, tables  # the word table in float16
    inits = {i.name: i.data_type for i in model.graph.initializer}
    assert inits["encoder.layer.0.output.dense.weight_t"] == onnx.TensorProto.FLOAT  # the FFN output stays fp32
    assert any(name.startswith("encoder.layer.0.attention.self.query.weight_t") and kind == onnx.TensorProto.INT8
               for name, kind in inits.items()), sorted(inits)
    # The word table is kept beside the graph, for ONNX Runtime to map rather than copy.
    int8 = model_files(built)[1]
    table = next(i for i in onnx.load(str(int8), load_external_data=False).graph.initializer
                 if i.name == "word_embeddings")
    assert table.data_location == onnx.TensorProto.EXTERNAL and not table.raw_data
    assert words_file(int8).stat().st_size == 30522 * 384 * 2


def test_a_missing_word_table_is_written_again(built: Path) -> None:
    int8 = cached_files(built, "test")[1]
    words_file(int8).unlink()
    assert prepare_model(MODEL_DIR, built, "test", int8=True) == int8
    assert words_file(int8).stat().st_size == 30522 * 384 * 2
    got = run_texts(ort.InferenceSession(str(int8)), tokenizer(), REFERENCE_TEXTS)
    assert ((got @ reference().T).argmax(axis=1) == np.arange(len(REFERENCE_TEXTS))).all()


def test_the_graph_is_written_and_run_without_torch(tmp_path: Path) -> None:
    """A process where torch, transformers and sentence-transformers cannot be imported."""
    shim = tmp_path / "shim"
    for name in ("torch", "transformers", "sentence_transformers", "scipy", "sklearn", "sympy"):
        (shim / name).mkdir(parents=True)
        (shim / name / "__init__.py").write_text(f"raise ImportError('{name} must not be needed')\n")
    code = ("import sys; from pathlib import Path\n"
            "from venom_core.memory.embedder import import_profile, load_encoder\n"
            f"e = load_encoder(import_profile(), 'auto', Path({str(tmp_path / 'cache')!r}), 1)\n"
            "v = e.encode(['hello there', 'a second text'])\n"
            "print(e.variant, v.shape, sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False,
                         env={"PYTHONPATH": f"{shim}:{ROOT}", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["onnx-int8", "(2,", "384)", "[]"], out.stdout


def foreign_dir(tmp_path: Path, weights: bytes) -> Path:
    """A copy of the model folder with other bytes in model.safetensors."""
    folder = tmp_path / "model"
    folder.mkdir()
    for item in MODEL_DIR.iterdir():
        if item.is_file() and item.name != WEIGHTS_FILE:
            (folder / item.name).symlink_to(item)
    (folder / WEIGHTS_FILE).write_bytes(weights)
    return folder


def safetensors(tensors: dict[str, np.ndarray]) -> bytes:
    header: dict[str, object] = {}
    body = b""
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [len(body), len(body) + len(raw)]}
        body += raw
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


def test_a_damaged_weight_file_is_refused_by_its_checksum(tmp_path: Path) -> None:
    data = bytearray((MODEL_DIR / WEIGHTS_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte inside a tensor
    folder = foreign_dir(tmp_path, bytes(data))
    with pytest.raises(WeightsError, match=r"sha256 [0-9a-f]{64}, expected .*requirements-model-minilm\.txt"):
        write_model(folder, tmp_path / "out.onnx")
    assert not (tmp_path / "out.onnx").exists()


@pytest.mark.parametrize(("weights", "message"), [
    (b"", "not a safetensors file"),
    (struct.pack("<Q", 10**9) + b"{}", "not a safetensors file"),
    (struct.pack("<Q", 5) + b"{oops", "not a safetensors file"),
    (safetensors({"model.layers.0.mlp.weight": np.zeros((4, 384))}), "no tensor embeddings"),
], ids=["empty", "header-too-long", "bad-json", "other-model"])
def test_a_file_that_is_not_minilm_is_refused(tmp_path: Path, weights: bytes, message: str) -> None:
    path = tmp_path / WEIGHTS_FILE
    path.write_bytes(weights)
    with pytest.raises(WeightsError, match=message):
        read_weights(path, expected_sha256=None)


def test_a_tensor_of_the_wrong_shape_or_past_the_end_is_refused(tmp_path: Path) -> None:
    tensors = read_weights(MODEL_DIR / WEIGHTS_FILE)
    tensors["encoder.layer.3.output.dense.weight"] = np.zeros((384, 384), np.float32)
    (tmp_path / "a.safetensors").write_bytes(safetensors(tensors))
    with pytest.raises(WeightsError, match=r"encoder\.layer\.3\.output\.dense\.weight .*expected a \(384, 1536\)"):
        read_weights(tmp_path / "a.safetensors", expected_sha256=None)
    whole = (MODEL_DIR / WEIGHTS_FILE).read_bytes()
    cut = whole[:len(whole) // 2]  # truncated: the later layers run past the end
    (tmp_path / "b.safetensors").write_bytes(cut)
    with pytest.raises(WeightsError, match="inside the file"):
        read_weights(tmp_path / "b.safetensors", expected_sha256=None)


def test_weights_that_do_not_reproduce_the_reference_are_not_cached(tmp_path: Path) -> None:
    """Well-formed weights of the right shapes but other values (two layers swapped) fail the check."""
    tensors = read_weights(MODEL_DIR / WEIGHTS_FILE)
    for key in [k for k in tensors if k.startswith("encoder.layer.1.")]:
        other = key.replace("layer.1.", "layer.4.")
        tensors[key], tensors[other] = tensors[other], tensors[key]
    target = tmp_path / "swapped.onnx"
    onnx.save_model(build_model(tensors), str(target))
    with pytest.raises(WeightsError, match="does not reproduce the reference embeddings"):
        check_model(target, MODEL_DIR / "tokenizer.json")
    with pytest.raises(WeightsError, match="shape"):
        compare(np.zeros((2, 384), np.float32), reference(), "a graph")


def test_memory_reports_damaged_weights_clearly(server_factory: ServerFactory, tmp_path: Path) -> None:
    """Through the server: the memory service fails with the weight file's error, not a stack trace."""
    data = bytearray((MODEL_DIR / WEIGHTS_FILE).read_bytes())
    data[-100] ^= 0x01
    folder = foreign_dir(tmp_path, bytes(data))
    package = tmp_path / "shim" / MODEL_PACKAGE
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f"from pathlib import Path\n\n\ndef get_model_path():\n"
                                         f"    return Path({str(folder)!r})\n")
    srv = server_factory(PYTHONPATH=f"{package.parent}:{ROOT}", VENOM_MEMORY_MODEL_CACHE=str(tmp_path / "cache"))
    state = wait_for_memory(srv.url)
    assert state["status"] == "offline" and state["details"]["status"] == "failed", state
    error = state["details"]["error"]
    assert error.startswith("WeightsError") and str(folder / WEIGHTS_FILE) in error and "sha256" in error, error
    assert not list((tmp_path / "cache").glob("*.onnx"))  # nothing half-written was cached
