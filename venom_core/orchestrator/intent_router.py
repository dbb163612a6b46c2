"""The intent decision of a task: the local router first, the LLM classifier only when it is ambiguous.

Two steps, not one, so the pipeline awaits nothing for a message the lexicon decides: `classify`
is synchronous (routing.py, microseconds) and `refine` (classifier.py) is awaited only for an
ambiguous route.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from venom_core.agents.base import Llm
from venom_core.core.orchestration import TaskContext
from venom_core.orchestrator.classifier import refine
from venom_core.orchestrator.route import Route
from venom_core.orchestrator.routing import classify


class IntentRouter:
    def __init__(self, llm: Llm, timeout_seconds: float):
        self.llm = llm  # only for the classifier of ambiguous messages
        self.timeout_seconds = timeout_seconds

    def classify(self, ctx: TaskContext) -> Route:
        """Route without a model call; a forced route (field or slash command) is traced as such."""
        route = classify(ctx.content, ctx.request)
        if route.forced:
            forced: dict[str, Any] = {
                "tool": route.forced_tool, "provider": route.forced_provider,
                "intent": ctx.request.get("forced_intent") or route.intent, "slash": route.slash,
            }
            ctx.trace("DecisionGate", "forced_route", **forced)
            ctx.set_context(forced_route=forced)
        return route

    def refine(self, ctx: TaskContext, route: Route) -> Awaitable[Route]:
        """One of the ambiguous route's candidates, chosen by the model within the time budget (the
        classifier's coroutine, returned for the pipeline to await: no extra await in between)."""
        return refine(self.llm, ctx, route, self.timeout_seconds)
