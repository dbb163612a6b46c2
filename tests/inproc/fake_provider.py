"""A deterministic provider for the in-process tier, registered like any runtime (a plugin's
`register_providers` hook; `FAKE_SPEC` for `PROVIDERS.registered(...)` in a fixture).

It answers with the words of the last user message, one chunk per word, and reports usage,
so the task pipeline, streams and usage accounting run for real without a model. With a JSON
schema it returns the smallest document the schema allows (first enum value, required fields),
which is what constrained output from a real model must look like structurally.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from venom_core.config import Settings
from venom_core.runtimes.base import ChatMessage, Chunk, GenerationParams, Health, LLMProvider, ModelInfo
from venom_core.runtimes.spec import ProviderSpec, Register

FAKE_MODEL = "fake-echo-1"


def minimal_instance(schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: minimal_instance(props.get(k, {})) for k in schema.get("required", [])}
    if kind == "array":
        return [minimal_instance(schema.get("items", {})) for _ in range(int(schema.get("minItems", 0)))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "x" * int(schema.get("minLength", 1))


class FakeProvider:
    name = "fake"

    def __init__(self, model: str = FAKE_MODEL) -> None:
        self.model = model
        self.calls: list[list[ChatMessage]] = []
        self.params: list[GenerationParams] = []  # what each call received, for the tests

    def _answer(self, messages: list[ChatMessage], params: GenerationParams) -> str:
        self.calls.append(list(messages))
        self.params.append(params)
        if params.json_schema is not None:
            return json.dumps(minimal_instance(params.json_schema))
        last = next((m.content for m in reversed(messages) if m.role == "user"), "")
        return "echo: " + " ".join(last.split()[:32])

    async def stream(self, messages: list[ChatMessage], params: GenerationParams, *,
                     model: str | None = None) -> AsyncIterator[Chunk]:
        text = self._answer(messages, params)
        words = text.split(" ")
        for i, word in enumerate(words):
            yield Chunk(text=word if i == 0 else " " + word)
        prompt = sum(len(m.content.split()) for m in messages)
        yield Chunk(finish_reason="stop",
                    usage={"prompt_tokens": prompt, "completion_tokens": len(words),
                           "total_tokens": prompt + len(words)})

    async def complete(self, messages: list[ChatMessage], params: GenerationParams, *,
                       model: str | None = None) -> str:
        return self._answer(messages, params)

    async def list_models(self) -> list[ModelInfo]:
        return [ModelInfo(name=self.model, provider=self.name)]

    async def health(self) -> Health:
        return Health(status="ready", detail="fake provider (tests)")

    async def close(self) -> None:
        return None


def _build(_settings: Settings, model: str) -> LLMProvider:
    return FakeProvider(model or FAKE_MODEL)


FAKE_SPEC = ProviderSpec(
    name="fake", label="Fake (tests)", local=True, factory=_build, endpoint=lambda s: "in-process",
    default_model=FAKE_MODEL, rank=900,
    capabilities=frozenset({"stream", "json_schema", "list_models"}),
)


def register_providers(register: Register) -> None:
    register(FAKE_SPEC)
