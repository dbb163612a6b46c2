"""The embedded model (llama-cpp-python in a worker thread), the default runtime."""

from __future__ import annotations

from pathlib import Path

from venom_core.config import Settings
from venom_core.runtimes.base import LLMProvider
from venom_core.runtimes.embedded import EmbeddedProvider, default_model_path
from venom_core.runtimes.spec import ProviderSpec, Register

NAME, ALIASES = "embedded", ("local",)


def models_dir(settings: Settings) -> Path:
    return Path(settings.VENOM_EMBEDDED_MODELS_DIR) if settings.VENOM_EMBEDDED_MODELS_DIR \
        else settings.VENOM_DATA_DIR / "models"


def embedded_path(settings: Settings) -> Path | None:
    if settings.VENOM_EMBEDDED_MODEL_PATH:
        return Path(settings.VENOM_EMBEDDED_MODEL_PATH)
    if settings.LLM_PROVIDER.strip().lower() in (NAME, *ALIASES) and settings.LLM_MODEL_NAME:
        candidate = models_dir(settings) / f"{settings.LLM_MODEL_NAME.removesuffix('.gguf')}.gguf"
        if candidate.is_file():
            return candidate
    return default_model_path()


def _model(settings: Settings) -> str:
    path = embedded_path(settings)
    return path.stem if path else "unavailable"


def _build(s: Settings, model: str) -> LLMProvider:  # the model is the GGUF file's name
    return EmbeddedProvider(model_path=embedded_path(s), n_ctx=s.VENOM_EMBEDDED_N_CTX,
                            n_threads=s.VENOM_EMBEDDED_THREADS, models_dir=models_dir(s))


def register_providers(register: Register) -> None:
    register(ProviderSpec(
        rank=0,
        name=NAME, label="Embedded (llama.cpp, in-process)", local=True, factory=_build,
        endpoint=lambda s: "in-process", configured_model=_model, aliases=ALIASES,
        capabilities=frozenset({"stream", "json_schema", "tools", "list_models", "load"}),
    ))
