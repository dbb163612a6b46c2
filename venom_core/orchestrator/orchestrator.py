"""The Venom orchestrator: classify -> build context -> autonomy gate -> agent -> stream -> record.

Why the order matters for speed: routing is pure and local (microseconds), the session history
comes from an in-memory cache, retrieval (context.py) embeds the message only when there is a
document or a memory to search, and the LLM classifier runs only for ambiguous messages. A plain
chat message on a fresh install therefore goes from `TASK_STARTED` to the model request with no
model call and no disk write in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from venom_core.agents.base import Agent, Llm
from venom_core.agents.catalog import AGENTS
from venom_core.config import Settings
from venom_core.core.fast_paths import StatusProvider, answer_static
from venom_core.core.models import EventType
from venom_core.core.orchestration import TaskContext
from venom_core.orchestrator.autonomy import LEVELS_BY_ID, AutonomyDenied, AutonomyGate, granted
from venom_core.orchestrator.classifier import refine
from venom_core.orchestrator.context import ContextBuilder, citations
from venom_core.orchestrator.routing import Route, classify, is_static
from venom_core.sessions.store import SessionStore
from venom_core.strategy.store import RoadmapStore


class VenomOrchestrator:
    """Everything it uses is given here, built: the agents by intent, the model handle (for the
    classifier), the autonomy gate, the context builder (sessions, memory, documents) and the
    status figures. The roadmap is held for the strategy routes and the Architect's drafts."""

    def __init__(self, settings: Settings, agents: Mapping[str, Agent], llm: Llm, autonomy: AutonomyGate,
                 context: ContextBuilder, roadmap: RoadmapStore, status: StatusProvider):
        self.settings = settings
        self.agents = agents
        self.llm = llm
        self.autonomy = autonomy  # shared with the runtime policy (paid cloud use); one gate per app
        self.context = context
        self.roadmap = roadmap
        self.status = status

    @property
    def sessions(self) -> SessionStore:
        """The session store, for the session routes (it lives in the context builder)."""
        return self.context.sessions

    async def start(self) -> None:
        await self.autonomy.load()
        await self.context.start()

    # -- the pipeline --------------------------------------------------------------------------
    async def run(self, ctx: TaskContext) -> str:
        with granted(self._grant(ctx)):  # an allowed-once task: its level for its own work only
            return await self._run(ctx)

    def _grant(self, ctx: TaskContext) -> int | None:
        """The level an allowed-once task (or a sub-task of one) was granted, recorded as an event.
        The request field is set only by `POST /api/v1/tasks/{id}/allow-once` (and copied to
        sub-tasks), never by a client; the bound is checked again, in case it was lowered since."""
        grant = ctx.request.get("autonomy_grant")
        if not isinstance(grant, dict) or grant.get("level") not in LEVELS_BY_ID:
            return None
        level = min(int(grant["level"]), self.autonomy.allow_once_max)
        level = max(lv for lv in LEVELS_BY_ID if lv <= level)
        ctx.emit(EventType.AUTONOMY_GRANTED, f"Allowed once: autonomy level {level} ({LEVELS_BY_ID[level].name}) "
                 "for this task only", agent="Autonomy", level=level, level_name=LEVELS_BY_ID[level].name,
                 global_level=self.autonomy.level, origin_task_id=str(grant.get("origin_task_id") or ""),
                 permission=grant.get("permission") if isinstance(grant.get("permission"), str) else None)
        ctx.trace("Autonomy", "allow_once", level=level, origin_task_id=grant.get("origin_task_id"))
        return level

    async def _run(self, ctx: TaskContext) -> str:
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
        run = await self.context.build(ctx, route)
        result = await agent.run(run)
        if run.passages:  # the task's TASK_COMPLETED carries them (task_runner)
            ctx.citations = citations(run.passages, result)
        ctx.emit(EventType.AGENT_ACTION, result[:2000], agent=agent.name, intent=route.intent)
        await self._post(ctx, route, result)
        return result

    def _gate(self, ctx: TaskContext, route: Route, agent: Agent) -> None:
        """Tool requirement and autonomy: a tool above the level is refused before it runs."""
        level = self.autonomy.effective_level
        spec = AGENTS.get(route.intent) or AGENTS.get("GENERAL_CHAT")
        permission = spec.permission if spec is not None else "local_read"
        ctx.trace("DecisionGate", "tool_requirement", intent=route.intent, tool_required=agent.tool is not None,
                  tool=agent.tool, permission=permission, autonomy_level=level)
        try:
            self.autonomy.require(permission, agent.name)
        except AutonomyDenied as denied:
            ctx.trace("Autonomy", "gate", status="blocked", **denied.details())
            ctx.set_context(policy_blocked=True, reason_code="AUTONOMY_LEVEL_TOO_LOW", user_message=denied.message,
                            technical_context=denied.details(), autonomy_refusal=denied.refusal(ctx.task_id))
            raise denied.as_failure() from None

    async def _post(self, ctx: TaskContext, route: Route, result: str) -> None:
        """Session history before the task completes, so the next message of the session sees it.

        Lessons and session facts are recorded by the memory subsystem's listener from the
        finished task (it reads `context.intent` and `llm_used` set above), for every orchestrator.
        """
        await self.context.record_turn(ctx, route.content or ctx.content, result)

    async def _clear(self, ctx: TaskContext, route: Route) -> str:
        """`/clear`: forget the session's history, summary and session memory."""
        session_id = ctx.request.get("session_id")
        removed = 0
        if session_id:
            removed = await self.context.clear_session(str(session_id))
        ctx.trace("DecisionGate", "session_reset", session_id=session_id, removed_turns=removed)
        ctx.set_context(intent="GENERAL_CHAT", session_reset=True, llm_used=False)
        text = (f"Session cleared: {removed} message(s) forgotten. We start fresh." if session_id
                else "There was no session to clear; a new conversation starts now.")
        ctx.stream(text)
        return text
