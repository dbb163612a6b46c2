"""The provider interface every LLM runtime implements (embedded, Ollama, OpenAI-compatible, cloud).

A provider is one module that defines a class satisfying `LLMProvider` and declares a `ProviderSpec`
(runtimes/spec.py) in a `runtimes/plugins/` module. The embedded default registers through the same
hook as the others.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str
    # A tool turn (agents/tool_loop.py): the assistant's calls, OpenAI shape `[{id, type, function:
    # {name, arguments}}]` with `arguments` as JSON text; a `tool` message answers the call `tool_call_id`.
    tool_calls: tuple[dict[str, Any], ...] | None = None
    tool_call_id: str | None = None


@dataclass(slots=True)
class GenerationParams:
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    # The context window for this call, where the runtime takes it per request (Ollama `num_ctx`).
    context_length: int | None = None
    # The caller's length when neither the call nor the model's defaults set `max_tokens`
    # (runtimes/model_defaults.py; the registry resolves it, runtimes read `max_tokens` only).
    fallback_max_tokens: int | None = None
    stop: list[str] | None = None
    # A JSON schema the output must follow (grammar-constrained where the runtime supports it).
    json_schema: dict[str, Any] | None = None
    # OpenAI-style tool definitions and a forced choice, for tool-call output.
    tools: list[dict[str, Any]] | None = None
    tool_choice: dict[str, Any] | str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of streamed output. `text` is the new text only (a delta)."""

    text: str = ""
    tool_calls: list[dict[str, Any]] | None = None
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    provider: str
    size_bytes: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Health:
    status: Literal["ready", "loading", "error", "offline", "unavailable"]
    detail: str = ""
    latency_ms: float | None = None


class RuntimeError_(Exception):
    """A runtime failure with a stable code (`llm_http_error`, `llm_connection_error`, `no_runtime`...)."""

    def __init__(self, code: str, message: str, *, retryable: bool = False, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        self.status = status


class GateDenied(RuntimeError_):
    """A model call that a permission gate refused (the autonomy level: `AutonomyDenied`)."""

    def details(self) -> dict[str, Any]:
        """What the trace and the task's context record about the refusal."""
        return {}

    def refusal(self, task_id: str | None) -> dict[str, Any] | None:
        """The refusal with what a person can do about it (the task context's `autonomy_refusal`)."""
        return None


class LLMProvider(Protocol):
    name: str  # registry key: "embedded", "ollama", "openai_compatible", "openai", "google", "anthropic"
    model: str  # the model this provider instance uses by default

    def stream(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> AsyncIterator[Chunk]:
        """Stream chunks. Cancelling the consuming task must close the upstream request or stop
        local generation."""

    async def complete(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> str: ...

    async def list_models(self) -> list[ModelInfo]: ...

    async def health(self) -> Health: ...

    async def close(self) -> None: ...
