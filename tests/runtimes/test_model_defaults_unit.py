"""How a call's parameters meet a model's defaults (runtimes/model_defaults.py), and where
`context_length` goes on the Ollama wire. Pure functions: no server."""

from __future__ import annotations

from venom_core.runtimes.base import ChatMessage, GenerationParams
from venom_core.runtimes.model_defaults import ModelDefaults, ModelDefaultsStore, resolve
from venom_core.runtimes.ollama import chat_body
from venom_core.storage.settings_kv import MemorySettings

D = ModelDefaults(temperature=0.3, top_p=0.8, context_length=4096, max_tokens=77)


def test_the_calls_own_values_win_field_by_field() -> None:
    got = resolve(GenerationParams(temperature=0.0, max_tokens=5), D)
    assert (got.temperature, got.max_tokens, got.top_p, got.context_length) == (0.0, 5, 0.8, 4096)


def test_a_models_length_replaces_the_agents_fallback_and_the_fallback_applies_without_one() -> None:
    assert resolve(GenerationParams(fallback_max_tokens=400), D).max_tokens == 77
    assert resolve(GenerationParams(fallback_max_tokens=400), None).max_tokens == 400
    plain = GenerationParams()
    assert resolve(plain, None) is plain  # nothing to change: the same object


async def test_an_in_memory_store_applies_per_provider_and_model() -> None:
    store = ModelDefaultsStore(MemorySettings())
    await store.set("ollama", "qwen2.5:7b", D)
    assert store.apply(GenerationParams(), "ollama", "qwen2.5:7b").temperature == 0.3
    assert store.apply(GenerationParams(), "ollama", "other").temperature is None
    assert store.apply(GenerationParams(), "openai_compatible", "qwen2.5:7b").temperature is None
    await store.set("ollama", "qwen2.5:7b", ModelDefaults())  # all empty: removed
    assert store.items() == []


def test_context_length_is_ollamas_num_ctx_over_the_profile() -> None:
    msgs = [ChatMessage("user", "hi")]
    body = chat_body(msgs, GenerationParams(context_length=4096), "m", {"num_ctx": 32768}, "5m")
    assert body["options"]["num_ctx"] == 4096
    assert chat_body(msgs, GenerationParams(), "m", {"num_ctx": 32768}, "5m")["options"]["num_ctx"] == 32768
