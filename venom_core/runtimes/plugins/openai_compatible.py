"""Any OpenAI-compatible server on this machine or the LAN: vLLM, llama.cpp server, LM Studio."""

from __future__ import annotations

from venom_core.config import Settings
from venom_core.runtimes.base import LLMProvider
from venom_core.runtimes.spec import ProviderSpec, Register


def _endpoint(s: Settings) -> str:
    return s.VENOM_OPENAI_COMPATIBLE_ENDPOINT or s.LLM_LOCAL_ENDPOINT


def _build(s: Settings, model: str) -> LLMProvider:
    from venom_core.runtimes.openai_compat import OpenAICompatibleProvider  # imported when first used

    return OpenAICompatibleProvider(name="openai_compatible", endpoint=_endpoint(s), model=model, api_key="",
                                    json_style="llama_cpp", connect_timeout=s.VENOM_LLM_CONNECT_TIMEOUT_SECONDS,
                                    first_chunk_timeout=s.VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS)


def register_providers(register: Register) -> None:
    register(ProviderSpec(
        rank=20,
        name="openai_compatible", label="OpenAI-compatible server (vLLM, llama.cpp, LM Studio)", local=True,
        factory=_build, endpoint=_endpoint, endpoint_setting="VENOM_OPENAI_COMPATIBLE_ENDPOINT",
        model_setting="VENOM_OPENAI_COMPATIBLE_MODEL", aliases=("vllm", "llama_cpp", "lmstudio"),
        capabilities=frozenset({"stream", "json_schema", "tools", "tool_calls",
                                "list_models", "retry", "probe", "connect"}),
        discovery="openai",
    ))
