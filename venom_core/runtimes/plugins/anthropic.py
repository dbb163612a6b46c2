"""Anthropic's Messages API."""

from __future__ import annotations

from venom_core.config import Settings
from venom_core.runtimes.base import LLMProvider
from venom_core.runtimes.spec import ProviderSpec, Register


def _build(s: Settings, model: str) -> LLMProvider:
    from venom_core.runtimes.anthropic import AnthropicProvider  # imported when first used

    return AnthropicProvider(endpoint=s.ANTHROPIC_API_BASE, model=model, api_key=s.ANTHROPIC_API_KEY,
                             connect_timeout=s.VENOM_LLM_CONNECT_TIMEOUT_SECONDS,
                             first_chunk_timeout=s.VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS)


def register_providers(register: Register) -> None:
    register(ProviderSpec(
        rank=50,
        name="anthropic", label="Anthropic (cloud, Messages API)", local=False, factory=_build,
        endpoint=lambda s: s.ANTHROPIC_API_BASE, key_setting="ANTHROPIC_API_KEY", model_setting="ANTHROPIC_MODEL",
        aliases=("claude",),
        capabilities=frozenset({"stream", "json_schema", "tools", "tool_calls", "list_models", "retry"}),
    ))
