"""Ollama over its native API (`/api/chat`, `/api/tags`, `/api/pull`)."""

from __future__ import annotations

from venom_core.config import Settings
from venom_core.runtimes import ollama_profiles
from venom_core.runtimes.base import LLMProvider
from venom_core.runtimes.spec import ProviderSpec, Register


def _endpoint(s: Settings) -> str:
    return ollama_profiles.native_base(s.VENOM_OLLAMA_ENDPOINT or s.LLM_LOCAL_ENDPOINT)


def _build(s: Settings, model: str) -> LLMProvider:
    from venom_core.runtimes.ollama import OllamaProvider  # imported when first used

    return OllamaProvider(endpoint=_endpoint(s), model=model, options=ollama_profiles.options(s),
                          keep_alive=ollama_profiles.keep_alive(s), connect_timeout=s.VENOM_LLM_CONNECT_TIMEOUT_SECONDS,
                          first_chunk_timeout=s.VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS)


def register_providers(register: Register) -> None:
    register(ProviderSpec(
        rank=10,
        name="ollama", label="Ollama (native API)", local=True, factory=_build, endpoint=_endpoint,
        endpoint_setting="VENOM_OLLAMA_ENDPOINT", model_setting="VENOM_OLLAMA_MODEL", default_model="gemma3:4b",
        capabilities=frozenset({"stream", "json_schema", "tools", "tool_calls",
                                "list_models", "retry", "probe", "connect", "pull"}),
        discovery="ollama",
    ))
