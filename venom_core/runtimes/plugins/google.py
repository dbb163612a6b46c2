"""Google Gemini, through its OpenAI-compatible endpoint."""

from __future__ import annotations

from venom_core.config import Settings
from venom_core.runtimes.base import LLMProvider
from venom_core.runtimes.spec import ProviderSpec, Register


def _build(s: Settings, model: str) -> LLMProvider:
    from venom_core.runtimes.openai_compat import OpenAICompatibleProvider  # imported when first used

    return OpenAICompatibleProvider(name="google", endpoint=s.GOOGLE_API_BASE, model=model, api_key=s.GOOGLE_API_KEY,
                                    json_style="openai", connect_timeout=s.VENOM_LLM_CONNECT_TIMEOUT_SECONDS,
                                    first_chunk_timeout=s.VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS)


def register_providers(register: Register) -> None:
    register(ProviderSpec(
        rank=40,
        name="google", label="Google Gemini (cloud, OpenAI-compatible endpoint)", local=False, factory=_build,
        endpoint=lambda s: s.GOOGLE_API_BASE, key_setting="GOOGLE_API_KEY", model_setting="GOOGLE_MODEL",
        aliases=("gem", "gemini"), capabilities=frozenset({"stream", "json_schema", "tools", "tool_calls",
                                "list_models", "retry"}),
    ))
