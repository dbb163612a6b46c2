"""The Venom orchestrator: classify -> build context -> autonomy gate -> agent -> stream -> record.

Why the order matters for speed: routing is pure and local (microseconds), the session history
comes from an in-memory cache, memory recall runs only when the message asks for it, and the LLM
classifier runs only for ambiguous messages. A plain chat message therefore goes from
`TASK_STARTED` to the model request with no model call and no disk write in between.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from typing import Any

from venom_core.agents.base import Agent, AgentRun, Llm
from venom_core.agents.catalog import AGENTS
from venom_core.config import Settings
from venom_core.core.fast_paths import StatusProvider, answer_static
from venom_core.core.models import EventType
from venom_core.core.orchestration import TaskContext
from venom_core.core.text import normalize
from venom_core.memory.service import MemoryService
from venom_core.orchestrator.autonomy import AutonomyDenied, AutonomyGate
from venom_core.orchestrator.classifier import refine
from venom_core.orchestrator.routing import Route, classify, is_static
from venom_core.sessions.store import SessionStore
from venom_core.strategy.store import RoadmapStore

# Memory recall is added only when the user refers to the past (reference §5.1), or the session is long.
RECALL = re.compile(r"\b(remember|recall|earlier|previous(ly)?|before|last time|pamietasz|wczesniej|poprzedni\w*|"
                    r"erinnerst|fruher|vorhin|zuvor)\b")
LESSON_INTENTS = frozenset(spec.intent for spec in AGENTS if spec.lessons)


class VenomOrchestrator:
    """Everything it uses is given here, built: the agents by intent, the model handle (for the
    classifier), the autonomy gate, the session store, memory and the status figures. The roadmap
    is held for the strategy routes and the Architect's drafts."""

    def __init__(self, settings: Settings, agents: Mapping[str, Agent], llm: Llm, autonomy: AutonomyGate,
                 sessions: SessionStore, roadmap: RoadmapStore, memory: MemoryService, status: StatusProvider):
        self.settings = settings
        self.agents = agents
        self.llm = llm
        self.autonomy = autonomy  # shared with the runtime policy (paid cloud use); one gate per app
        self.sessions = sessions
        self.roadmap = roadmap
        self.memory = memory
        self.status = status

    async def start(self) -> None:
        await self.autonomy.load()
        await self.sessions.load_known()  # a new chat session then starts without a database read

    # -- the pipeline --------------------------------------------------------------------------
    async def run(self, ctx: TaskContext) -> str:
        route = classify(ctx.content, ctx.request)
        if route.forced:
            forced: dict[str, Any] = {
                "tool": route.forced_tool, "provider": route.forced_provider,
                "intent": ctx.request.get("forced_intent") or route.intent, "slash": route.slash,
            }
            ctx.trace("DecisionGate", "forced_route", **forced)
            ctx.set_context(forced_route=forced)
        if route.clear_session:
            return await self._clear(ctx, route)
        if route.ambiguous and route.candidates:
            route = await refine(self.llm, ctx, route, self.settings.INTENT_CLASSIFIER_TIMEOUT_SECONDS)
        if is_static(route.intent):  # help, time, system status: no model, no context
            text = await answer_static(ctx, route.intent, self.status)
            await self._post(ctx, route, text)
            return text
        ctx.trace("DecisionGate", "intent_debug", **route.debug())
        agent = self.agents.get(route.intent) or self.agents["GENERAL_CHAT"]
        if agent.name == "UnsupportedAgent" and route.intent != "UNSUPPORTED_TASK":
            ctx.trace("DecisionGate", "unsupported_intent", intent=route.intent)
        ctx.set_context(intent=route.intent, intent_source=route.source, language=route.language,
                        agent=agent.name, llm_used=agent.name not in ("Executive", "UnsupportedAgent"))
        self._gate(ctx, route, agent)
        ctx.trace("DecisionGate", "route_to_agent", agent=agent.name, intent=route.intent)
        ctx.emit(EventType.AGENT_THOUGHT, f"Intent: {route.intent} -> {agent.name}", agent="Orchestrator",
                 intent=route.intent, target_agent=agent.name)
        run = await self._context(ctx, route)
        result = await agent.run(run)
        ctx.emit(EventType.AGENT_ACTION, result[:2000], agent=agent.name, intent=route.intent)
        await self._post(ctx, route, result)
        return result

    def _gate(self, ctx: TaskContext, route: Route, agent: Agent) -> None:
        """Tool requirement and autonomy: a tool above the level is refused before it runs."""
        level = self.autonomy.level
        spec = AGENTS.get(route.intent) or AGENTS.get("GENERAL_CHAT")
        permission = spec.permission if spec is not None else "local_read"
        ctx.trace("DecisionGate", "tool_requirement", intent=route.intent, tool_required=agent.tool is not None,
                  tool=agent.tool, permission=permission, autonomy_level=level)
        try:
            self.autonomy.require(permission, agent.name)
        except AutonomyDenied as denied:
            ctx.trace("Autonomy", "gate", status="blocked", **denied.details())
            ctx.set_context(policy_blocked=True, reason_code="AUTONOMY_LEVEL_TOO_LOW", user_message=denied.message,
                            technical_context=denied.details())
            raise denied.as_failure() from None

    async def _context(self, ctx: TaskContext, route: Route) -> AgentRun:
        run = AgentRun(ctx, route)
        session_id = ctx.request.get("session_id")
        used: dict[str, Any] = {"memory_entries": [], "lessons": [], "history_turns": 0, "summary": False}
        # A forced tool gets a clean query (reference §3.3): no session block.
        if session_id and not route.forced_tool:
            session = await self.sessions.get(str(session_id))
            run.history = self.sessions.recent(session)
            run.summary = session.summary
            used["history_turns"] = len(run.history)
            used["summary"] = bool(session.summary)
        memory = self._memory()
        if memory is not None:
            norm = normalize(route.content)
            try:
                if route.intent == "GENERAL_CHAT" and (RECALL.search(norm) or len(run.history) >= 20):
                    run.memory = await memory.recall(route.content, session_id=session_id, limit=3, max_chars=1200)
                    used["memory_entries"] = [m.get("id") for m in run.memory]
                if route.intent in LESSON_INTENTS:
                    run.lessons = await memory.relevant_lessons(route.content, limit=3)
                    used["lessons"] = [m.get("id") for m in run.lessons]
            except Exception as exc:  # memory is an enrichment: never fail the task for it
                ctx.trace("Memory", "recall", status="error", error=type(exc).__name__)
        ctx.set_context(context_used=used)
        return run

    def _memory(self) -> MemoryService | None:
        return self.memory if self.memory.available else None

    async def _post(self, ctx: TaskContext, route: Route, result: str) -> None:
        """Session history before the task completes, so the next message of the session sees it.

        Lessons and session facts are recorded by the memory subsystem's listener from the
        finished task (it reads `context.intent` and `llm_used` set above), for every orchestrator.
        """
        session_id = ctx.request.get("session_id")
        if session_id:
            await self.sessions.append(str(session_id), [("user", route.content or ctx.content),
                                                         ("assistant", result)], ctx.task_id)

    async def _clear(self, ctx: TaskContext, route: Route) -> str:
        """`/clear`: forget the session's history, summary and session memory."""
        session_id = ctx.request.get("session_id")
        removed = 0
        if session_id:
            removed = await self.sessions.clear(str(session_id))
            memory = self._memory()
            if memory is not None:
                with contextlib.suppress(Exception):
                    await memory.forget_session(str(session_id))
        ctx.trace("DecisionGate", "session_reset", session_id=session_id, removed_turns=removed)
        ctx.set_context(intent="GENERAL_CHAT", session_reset=True, llm_used=False)
        text = (f"Session cleared: {removed} message(s) forgotten. We start fresh." if session_id
                else "There was no session to clear; a new conversation starts now.")
        ctx.stream(text)
        return text
