"""The ONNX runtime (onnxruntime-genai in a worker thread), for a model folder the user builds or brings."""

from __future__ import annotations

from pathlib import Path

from venom_core.config import Settings
from venom_core.runtimes.base import LLMProvider
from venom_core.runtimes.onnx_genai import OnnxGenaiProvider, is_model_folder
from venom_core.runtimes.spec import ProviderSpec, Register

NAME = "onnx"


def models_dir(settings: Settings) -> Path:
    return Path(settings.VENOM_ONNX_MODELS_DIR) if settings.VENOM_ONNX_MODELS_DIR \
        else settings.VENOM_DATA_DIR / "models" / "onnx"


def model_path(settings: Settings) -> Path | None:
    if settings.VENOM_ONNX_MODEL_PATH:
        return Path(settings.VENOM_ONNX_MODEL_PATH)
    if settings.LLM_PROVIDER.strip().lower() == NAME and settings.LLM_MODEL_NAME:
        candidate = models_dir(settings) / settings.LLM_MODEL_NAME
        if candidate.is_dir():
            return candidate
    return None


def _model(settings: Settings) -> str:
    path = model_path(settings)
    return path.name if path else "unavailable"


def _set_up(settings: Settings) -> bool:
    """A model folder is configured or offered: until then the listings leave this runtime out."""
    folder = models_dir(settings)
    return model_path(settings) is not None or (folder.is_dir() and any(map(is_model_folder, folder.iterdir())))


def _build(s: Settings, model: str) -> LLMProvider:  # the model is the folder's name
    return OnnxGenaiProvider(model_path=model_path(s), models_dir=models_dir(s), n_threads=s.VENOM_EMBEDDED_THREADS)


def register_providers(register: Register) -> None:
    register(ProviderSpec(
        rank=25,
        name=NAME, label="ONNX Runtime GenAI (in-process)", local=True, factory=_build,
        endpoint=lambda s: "in-process", configured_model=_model, aliases=("onnxruntime",),
        capabilities=frozenset({"stream", "json_schema", "list_models", "load"}),
        set_up=_set_up,
    ))
