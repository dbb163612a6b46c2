"""Which agent answers a routed task, and whether the autonomy level lets it.

`AgentDispatch` holds the agents by intent, the autonomy gate (an allowed-once grant, the
permission check before an agent runs) and the status figures the static answers read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping

from venom_core.agents.base import Agent
from venom_core.agents.catalog import AGENTS
from venom_core.core.fast_paths import StatusProvider, answer_static
from venom_core.core.models import EventType
from venom_core.core.orchestration import TaskContext
from venom_core.orchestrator.autonomy import LEVELS_BY_ID, AutonomyDenied, AutonomyGate
from venom_core.orchestrator.route import Route


class AgentDispatch:
    def __init__(self, agents: Mapping[str, Agent], autonomy: AutonomyGate, status: StatusProvider):
        self.agents = agents
        self.autonomy = autonomy  # shared with the runtime policy (paid cloud use); one gate per app
        self.status = status

    def grant(self, ctx: TaskContext) -> int | None:
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

    def answer_static(self, ctx: TaskContext, intent: str) -> Awaitable[str]:
        """Help, time, system status: no model, no context. The coroutine is returned, not awaited
        here, so the static path has no extra await."""
        return answer_static(ctx, intent, self.status)

    def agent_for(self, ctx: TaskContext, route: Route) -> Agent:
        """The agent of the route's intent, recorded in the trace and the task context, once the
        autonomy level allows its permission; raises the refusal's `TaskFailure` otherwise."""
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
        return agent

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
