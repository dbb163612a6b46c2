"""The built-in orchestrator: static fast paths, and a clear `no_runtime` error otherwise.

It is the default until an LLM-backed orchestrator is registered; the full orchestrator
reuses `answer_static` for the same intents.
"""

from __future__ import annotations

from venom_core.core.fast_paths import StatusProvider, help_text, infra_text, time_text
from venom_core.core.intents import STATIC_INTENTS, TOOL_ALIASES, fast_path_intent
from venom_core.core.models import EventType, TaskFailure
from venom_core.core.orchestration import TaskContext


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


class BuiltinOrchestrator:
    def __init__(self, status: StatusProvider):
        self.status = status

    async def run(self, ctx: TaskContext) -> str:
        intent = static_intent(ctx)
        if intent is not None:
            return await answer_static(ctx, intent, self.status)
        raise TaskFailure(
            "no_runtime",
            "No language model runtime is available yet, so this task cannot be answered. "
            "Help, time and system-status questions still work.",
            stage="runtime_selection",
        )
