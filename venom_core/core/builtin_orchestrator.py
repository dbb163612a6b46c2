"""The built-in orchestrator: static fast paths, plain chat through the runtime registry, and a
clear `no_runtime` error when no model may answer.

It is the fallback orchestrator; the full orchestrator reuses `answer_static` for the same
intents. Chat streams every chunk into the task (`ctx.stream`), so SSE listeners see tokens
as they arrive, and aborting the task cancels the stream, which stops the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from venom_core.core.fast_paths import StatusProvider, help_text, infra_text, time_text
from venom_core.core.intents import STATIC_INTENTS, TOOL_ALIASES, fast_path_intent
from venom_core.core.models import EventType, TaskFailure
from venom_core.core.orchestration import TaskContext
from venom_core.runtimes.base import ChatMessage, GenerationParams, RuntimeError_

if TYPE_CHECKING:
    from venom_core.runtimes.registry import RuntimeRegistry

NO_RUNTIME_MESSAGE = ("No language model runtime is available yet, so this task cannot be answered. "
                      "Help, time and system-status questions still work.")


def static_intent(ctx: TaskContext) -> str | None:
    forced = ctx.request.get("forced_intent")
    if forced:
        return str(forced) if forced in STATIC_INTENTS else None
    tool = ctx.request.get("forced_tool")
    if tool:
        intent = TOOL_ALIASES.get(str(tool))
        return intent if intent in STATIC_INTENTS else None
    return fast_path_intent(ctx.content)


async def answer_static(ctx: TaskContext, intent: str, status: StatusProvider) -> str:
    source = "forced" if ctx.request.get("forced_intent") or ctx.request.get("forced_tool") else "lexicon"
    ctx.trace("DecisionGate", "intent_debug", intent=intent, source=source)
    ctx.emit(EventType.AGENT_THOUGHT, f"Intent: {intent}", agent="Orchestrator", intent=intent)
    ctx.set_context(intent=intent, llm_used=False)
    if intent == "HELP_REQUEST":
        ctx.trace("DecisionGate", "route_help")
        text = help_text()
        ctx.emit(EventType.RENDER_WIDGET, "help", agent="Help", widget="markdown", content=text)
    elif intent == "TIME_REQUEST":
        ctx.trace("DecisionGate", "route_to_agent", agent="TimeAssistant")
        text = time_text()
    else:
        ctx.trace("DecisionGate", "route_to_agent", agent="SystemStatus")
        text = infra_text(await status())
    ctx.stream(text)
    return text


def generation_params(request: dict[str, object]) -> GenerationParams:
    raw = request.get("generation_params")
    gp = raw if isinstance(raw, dict) else {}

    def num(key: str) -> float | None:
        value = gp.get(key)
        return float(value) if isinstance(value, int | float) else None

    max_tokens = num("max_tokens")
    return GenerationParams(max_tokens=int(max_tokens) if max_tokens else 512, temperature=num("temperature"),
                            top_p=num("top_p"))


class BuiltinOrchestrator:
    def __init__(self, status: StatusProvider, runtimes: RuntimeRegistry | None = None):
        self.status = status
        self.runtimes = runtimes

    async def run(self, ctx: TaskContext) -> str:
        intent = static_intent(ctx)
        if intent is not None:
            return await answer_static(ctx, intent, self.status)
        if self.runtimes is None:
            raise TaskFailure("no_runtime", NO_RUNTIME_MESSAGE, stage="runtime_selection")
        return await self.chat(ctx, self.runtimes)

    async def chat(self, ctx: TaskContext, runtimes: RuntimeRegistry) -> str:
        """Plain chat: the user's words to the model, every chunk streamed into the task."""
        ctx.set_context(intent="GENERAL_CHAT", llm_used=True)
        ctx.trace("DecisionGate", "route_to_agent", agent="Chat")
        forced = ctx.request.get("forced_provider")
        parts: list[str] = []
        try:
            async for chunk in runtimes.stream_chat(
                [ChatMessage("user", ctx.content)], generation_params(ctx.request), ctx=ctx,
                forced_provider=str(forced) if forced else None,
            ):
                if chunk.text:
                    parts.append(chunk.text)
                    ctx.stream(chunk.text)
        except RuntimeError_ as exc:
            stage = "runtime_selection" if exc.code == "no_runtime" else "llm"
            raise TaskFailure(exc.code, exc.message, stage=stage, retryable=exc.retryable) from None
        return "".join(parts)
