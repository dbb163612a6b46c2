"""OpenAI's cloud API."""

from __future__ import annotations

from venom_core.config import Settings
from venom_core.runtimes.base import LLMProvider
from venom_core.runtimes.spec import ProviderSpec, Register


def _build(s: Settings, model: str) -> LLMProvider:
    from venom_core.runtimes.openai_compat import OpenAICompatibleProvider  # imported when first used

    return OpenAICompatibleProvider(name="openai", endpoint=s.OPENAI_API_BASE, model=model, api_key=s.OPENAI_API_KEY,
                                    json_style="openai", connect_timeout=s.VENOM_LLM_CONNECT_TIMEOUT_SECONDS,
                                    first_chunk_timeout=s.VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS)


def register_providers(register: Register) -> None:
    register(ProviderSpec(
        rank=30,
        name="openai", label="OpenAI (cloud)", local=False, factory=_build, endpoint=lambda s: s.OPENAI_API_BASE,
        key_setting="OPENAI_API_KEY", model_setting="OPENAI_MODEL", aliases=("gpt",),
        capabilities=frozenset({"stream", "json_schema", "tools", "tool_calls",
                                "list_models", "retry"}),
    ))
