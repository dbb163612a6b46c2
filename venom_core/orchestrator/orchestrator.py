"""The Venom orchestrator: classify -> build context -> autonomy gate -> agent -> stream -> record.

Why the order matters for speed: routing is pure and local (microseconds), the session history
comes from an in-memory cache, retrieval (context.py) embeds the message only when there is a
document or a memory to search, and the LLM classifier runs only for ambiguous messages. A plain
chat message on a fresh install therefore goes from `TASK_STARTED` to the model request with no
model call and no disk write in between.
"""

from __future__ import annotations

from venom_core.core.models import EventType
from venom_core.core.orchestration import TaskContext
from venom_core.orchestrator.autonomy import granted
from venom_core.orchestrator.context import ContextBuilder, citations
from venom_core.orchestrator.dispatch import AgentDispatch
from venom_core.orchestrator.intent_router import IntentRouter
from venom_core.orchestrator.route import Route
from venom_core.orchestrator.routing import is_static


class VenomOrchestrator:
    """Three collaborators, given built: the intent router (lexicon, then the classifier), the
    dispatch (agents by intent, the autonomy gate, the static answers) and the context builder
    (sessions, memory, documents)."""

    def __init__(self, router: IntentRouter, dispatch: AgentDispatch, context: ContextBuilder):
        self.router = router
        self.dispatch = dispatch
        self.context = context

    async def start(self) -> None:
        await self.context.start()

    # -- the pipeline --------------------------------------------------------------------------
    async def run(self, ctx: TaskContext) -> str:
        with granted(self.dispatch.grant(ctx)):  # an allowed-once task: its level for its own work only
            return await self._run(ctx)

    async def _run(self, ctx: TaskContext) -> str:
        route = self.router.classify(ctx)
        if route.clear_session:
            return await self._clear(ctx)
        if route.ambiguous and route.candidates:
            route = await self.router.refine(ctx, route)
        if is_static(route.intent):  # help, time, system status: no model, no context
            text = await self.dispatch.answer_static(ctx, route.intent)
            await self._post(ctx, route, text)
            return text
        agent = self.dispatch.agent_for(ctx, route)  # raises when the autonomy level refuses it
        run = await self.context.build(ctx, route)
        result = await agent.run(run)
        if run.passages:  # the task's TASK_COMPLETED carries them (task_runner)
            ctx.citations = citations(run.passages, result)
        ctx.emit(EventType.AGENT_ACTION, result[:2000], agent=agent.name, intent=route.intent)
        await self._post(ctx, route, result)
        return result

    async def _post(self, ctx: TaskContext, route: Route, result: str) -> None:
        """Session history before the task completes, so the next message of the session sees it.

        Lessons and session facts are recorded by the memory subsystem's listener from the
        finished task (it reads `context.intent` and `llm_used`, set by the dispatch), for every orchestrator.
        """
        await self.context.record_turn(ctx, route.content or ctx.content, result)

    async def _clear(self, ctx: TaskContext) -> str:
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
