"""What every agent gets and returns, and the one way agents talk to the model.

Agents are small classes registered by intent. They receive an `AgentRun` (the task context,
the resolved route and the built context) and return the final text; anything they stream goes
through `ctx.stream`, every tool call is a `TOOL_USAGE` event. Model calls go through the runtime
registry, which `Llm` receives when it is built.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from venom_core.agents.markdown import fence_closer
from venom_core.core.models import EventType, TaskFailure
from venom_core.core.orchestration import TaskContext
from venom_core.orchestrator.route import Route
from venom_core.runtimes.base import ChatMessage, Chunk, GenerationParams, RuntimeError_
from venom_core.runtimes.registry import RuntimeRegistry
from venom_core.runtimes.response_format import schema_of
from venom_core.sessions.store import Turn

# A one-line JSON string for constrained output: a raw newline inside a JSON string would make the
# output invalid, and a bounded length keeps small models from rambling.
LINE: dict[str, Any] = {"type": "string", "pattern": "^[^\\n\\r\"\\\\]{2,80}$"}
LANGUAGE_NAMES = {"en": "English", "pl": "Polish", "de": "German"}


@dataclass(slots=True)
class AgentRun:
    ctx: TaskContext
    route: Route
    history: list[Turn] = field(default_factory=list)
    summary: str = ""
    memory: list[dict[str, Any]] = field(default_factory=list)
    lessons: list[dict[str, Any]] = field(default_factory=list)
    # Document passages retrieved for the question, numbered from 1 (`n`): chunk_id, document_id,
    # name, page, heading_path, text, score. The prompt lists them; the task's citations come from them.
    passages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def question(self) -> str:
        return self.route.content.strip() or self.ctx.content

    def params(self, default_max_tokens: int | None = None, *, answer: bool = True) -> GenerationParams:
        """Generation parameters of the request (`generation_params`), with an agent default length
        that a model's own default `max_tokens` replaces (runtimes/model_defaults.py).

        `answer` is off for model output that is not the task's answer (a file the coder writes):
        the request's `response_format` shapes the answer only.
        """
        gp = dict(self.ctx.request.get("generation_params") or {})
        return GenerationParams(
            max_tokens=_int(gp.get("max_tokens") or gp.get("num_predict")),
            temperature=_float(gp.get("temperature")),
            top_p=_float(gp.get("top_p")),
            context_length=_int(gp.get("num_ctx") or gp.get("context_length")),
            fallback_max_tokens=default_max_tokens,
            json_schema=self.answer_schema() if answer else None,
        )

    def answer_schema(self) -> dict[str, Any] | None:
        """The JSON schema of `generation_params.response_format`, checked when the task was accepted."""
        gp = self.ctx.request.get("generation_params") or {}
        try:
            return schema_of(gp.get("response_format"))
        except ValueError as exc:  # stored before the check existed: fail the task with the reason
            raise TaskFailure("invalid_response_format", str(exc), stage="agent") from None

    def language_hint(self) -> str:
        lang = self.ctx.request.get("preferred_language") or self.route.language
        return f" Answer in {LANGUAGE_NAMES.get(str(lang), 'English')}." if lang in ("pl", "de") else ""


def _int(v: Any) -> int | None:
    try:
        return int(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def _float(v: Any) -> float | None:
    try:
        return float(v) if v is not None else None
    except (TypeError, ValueError):
        return None


class Agent(Protocol):
    name: ClassVar[str]
    tool: ClassVar[str | None]  # the tool it uses, for the trace (its permission is in its AgentSpec)

    async def run(self, run: AgentRun) -> str: ...


def llm_failure(exc: RuntimeError_) -> TaskFailure:
    """A runtime error as the task's error (stage `llm`, or `runtime_selection` when no runtime may
    answer at all), keeping its stable code."""
    stage = "runtime_selection" if exc.code == "no_runtime" else "llm"
    return TaskFailure(exc.code, exc.message, stage=stage, retryable=exc.retryable)


class Llm:
    """The agents' handle on the runtime registry: streaming chat and constrained JSON."""

    def __init__(self, registry: RuntimeRegistry):
        self.registry = registry

    async def stream(self, run: AgentRun, messages: list[ChatMessage], params: GenerationParams,
                     *, echo: bool = True) -> str:
        """Stream a completion to the task (unless `echo` is off) and return its text."""
        parts: list[str] = []
        async for chunk in self.chunks(run, messages, params):
            if chunk.text:
                parts.append(chunk.text)
                if echo:
                    run.ctx.stream(chunk.text)
        return "".join(parts)

    async def chunks(self, run: AgentRun, messages: list[ChatMessage],
                     params: GenerationParams) -> AsyncIterator[Chunk]:
        """The raw chunks (text and tool calls) of one model call; runtime errors become task failures."""
        registry = self.registry
        try:
            async for chunk in registry.stream_chat(messages, params,
                                                    forced_provider=run.route.forced_provider):
                yield chunk
        except RuntimeError_ as exc:
            raise llm_failure(exc) from None

    async def json(self, run: AgentRun | None, messages: list[ChatMessage], schema: dict[str, Any],
                   timeout: float | None = None,  # noqa: ASYNC109 - the registry's own budget
                   max_tokens: int = 256) -> dict[str, Any]:
        """Constrained JSON. Keep schemas small (no long `maxLength`): big grammars are slow."""
        registry = self.registry
        forced = run.route.forced_provider if run else None
        try:
            result: dict[str, Any] = await registry.complete_json(
                messages, schema, timeout=timeout, forced_provider=forced,
                max_tokens=max_tokens)
        except RuntimeError_ as exc:
            raise llm_failure(exc) from None
        return result

    def available(self) -> bool:
        try:
            status = self.registry.runtime_info().get("status")
        except Exception:
            return False
        return status not in ("unavailable", "error")


def tool_event(run: AgentRun, agent: str, tool: str, message: str, **data: Any) -> None:
    run.ctx.emit(EventType.TOOL_USAGE, message, agent=agent, tool=tool, **data)


async def grounded_answer(llm: Llm, run: AgentRun, role: str, evidence: str, *, max_tokens: int = 160) -> str:
    """Stream a short model answer to the question using only `evidence` (tool output).

    When no model is available the tool output still answers the question; the model's
    summary is an addition, not a requirement, for read-only tools.
    """
    if run.route.forced_provider is None and not llm.available():
        note = "_(No language model is available; showing the tool output only.)_\n\n"
        run.ctx.stream(note)
        return note
    messages = [
        ChatMessage("system", f"You are Venom's {role}. Answer the question briefly using only the tool output "
                              f"below. If the output does not contain the answer, say so.{run.language_hint()}"),
        ChatMessage("user", f"Tool output:\n{evidence[:3000]}\n\nQuestion: {run.question}"),
    ]
    text = await llm.stream(run, messages, run.params(max_tokens))
    tail = fence_closer(text) + "\n\n"
    run.ctx.stream(tail)
    return text + tail
