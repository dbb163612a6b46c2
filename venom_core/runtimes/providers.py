"""Which providers exist, how each is built from the settings, and which model each uses.

Adding a provider is one module plus one entry in `FACTORIES`; a factory imports its module when
it first builds the provider, so start-up does not load HTTP clients nobody uses. Every runtime keeps its OWN
model name: the primary uses LLM_MODEL_NAME, the fallback LLM_FALLBACK_MODEL, and each has a
provider-specific setting that wins over both (see docs/RUNTIMES.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from venom_core.config import Settings
from venom_core.runtimes import ollama_profiles
from venom_core.runtimes.base import LLMProvider, RuntimeError_
from venom_core.runtimes.embedded import EmbeddedProvider, default_model_path
from venom_core.runtimes.ollama_profiles import native_base

LOCAL_PROVIDERS = ("embedded", "ollama", "openai_compatible")
CLOUD_PROVIDERS = ("openai", "google", "anthropic")
ALL_PROVIDERS = LOCAL_PROVIDERS + CLOUD_PROVIDERS
LABELS = {
    "embedded": "Embedded (llama.cpp, in-process)",
    "ollama": "Ollama (native API)",
    "openai_compatible": "OpenAI-compatible server (vLLM, llama.cpp, LM Studio)",
    "openai": "OpenAI (cloud)",
    "google": "Google Gemini (cloud, OpenAI-compatible endpoint)",
    "anthropic": "Anthropic (cloud, Messages API)",
}
DEFAULT_MODELS = {"ollama": "gemma3:4b", "openai_compatible": ""}


def is_local(name: str) -> bool:
    return name in LOCAL_PROVIDERS


def api_key(settings: Settings, name: str) -> str:
    return {"openai": settings.OPENAI_API_KEY, "google": settings.GOOGLE_API_KEY,
            "anthropic": settings.ANTHROPIC_API_KEY}.get(name, "")


def endpoint(settings: Settings, name: str) -> str:
    return {
        "embedded": "in-process",
        "ollama": native_base(settings.VENOM_OLLAMA_ENDPOINT or settings.LLM_LOCAL_ENDPOINT),
        "openai_compatible": settings.VENOM_OPENAI_COMPATIBLE_ENDPOINT or settings.LLM_LOCAL_ENDPOINT,
        "openai": settings.OPENAI_API_BASE,
        "google": settings.GOOGLE_API_BASE,
        "anthropic": settings.ANTHROPIC_API_BASE,
    }[name]


def embedded_path(settings: Settings) -> Path | None:
    if settings.VENOM_EMBEDDED_MODEL_PATH:
        return Path(settings.VENOM_EMBEDDED_MODEL_PATH)
    if settings.LLM_PROVIDER == "embedded" and settings.LLM_MODEL_NAME:
        candidate = models_dir(settings) / f"{settings.LLM_MODEL_NAME.removesuffix('.gguf')}.gguf"
        if candidate.is_file():
            return candidate
    return default_model_path()


def models_dir(settings: Settings) -> Path:
    return Path(settings.VENOM_EMBEDDED_MODELS_DIR) if settings.VENOM_EMBEDDED_MODELS_DIR \
        else settings.VENOM_DATA_DIR / "models"


def model_name(settings: Settings, name: str) -> str:
    """The configured model of one runtime: its own setting, then its role, then a default."""
    specific = {"ollama": settings.VENOM_OLLAMA_MODEL, "openai_compatible": settings.VENOM_OPENAI_COMPATIBLE_MODEL,
                "openai": settings.OPENAI_MODEL, "google": settings.GOOGLE_MODEL,
                "anthropic": settings.ANTHROPIC_MODEL}.get(name, "")
    if name == "embedded":
        path = embedded_path(settings)
        return path.stem if path else "unavailable"
    if specific and name not in CLOUD_PROVIDERS:
        return specific
    if name == settings.LLM_FALLBACK_PROVIDER and settings.LLM_FALLBACK_MODEL:
        return settings.LLM_FALLBACK_MODEL
    if name == settings.LLM_PROVIDER and settings.LLM_MODEL_NAME:
        return settings.LLM_MODEL_NAME
    return specific or DEFAULT_MODELS.get(name, "")


def _embedded(s: Settings) -> LLMProvider:
    return EmbeddedProvider(model_path=embedded_path(s), n_ctx=s.VENOM_EMBEDDED_N_CTX,
                            n_threads=s.VENOM_EMBEDDED_THREADS, models_dir=models_dir(s))


def _ollama(s: Settings) -> LLMProvider:
    from venom_core.runtimes.ollama import OllamaProvider

    return OllamaProvider(endpoint=endpoint(s, "ollama"), model=model_name(s, "ollama"),
                          options=ollama_profiles.options(s), keep_alive=ollama_profiles.keep_alive(s),
                          connect_timeout=s.VENOM_LLM_CONNECT_TIMEOUT_SECONDS,
                          first_chunk_timeout=s.VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS)


def _openai_like(name: str) -> Callable[[Settings], LLMProvider]:
    def build(s: Settings) -> LLMProvider:
        from venom_core.runtimes.openai_compat import OpenAICompatibleProvider

        return OpenAICompatibleProvider(
            name=name, endpoint=endpoint(s, name), model=model_name(s, name), api_key=api_key(s, name),
            json_style="llama_cpp" if name == "openai_compatible" else "openai",
            connect_timeout=s.VENOM_LLM_CONNECT_TIMEOUT_SECONDS,
            first_chunk_timeout=s.VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS,
        )
    return build


def _anthropic(s: Settings) -> LLMProvider:
    from venom_core.runtimes.anthropic import AnthropicProvider

    return AnthropicProvider(endpoint=endpoint(s, "anthropic"), model=model_name(s, "anthropic"),
                             api_key=s.ANTHROPIC_API_KEY, connect_timeout=s.VENOM_LLM_CONNECT_TIMEOUT_SECONDS,
                             first_chunk_timeout=s.VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS)


FACTORIES: dict[str, Callable[[Settings], LLMProvider]] = {
    "embedded": _embedded,
    "ollama": _ollama,
    "openai_compatible": _openai_like("openai_compatible"),
    "openai": _openai_like("openai"),
    "google": _openai_like("google"),
    "anthropic": _anthropic,
}


def build(settings: Settings, name: str) -> LLMProvider:
    factory = FACTORIES.get(name)
    if factory is None:
        raise RuntimeError_("unknown_provider", f"There is no runtime named {name!r}; known: {', '.join(FACTORIES)}.")
    return factory(settings)
