"""The LLM intent classifier: used only for *ambiguous* messages, under a strict time budget.

The output is constrained to the candidate intents (a JSON enum), so the answer is always a
valid label. If the model is slow or fails, the lexicon's best guess stands: classification
never adds more than its budget to a task, and plain chat never reaches this module.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from venom_core.agents.base import AgentRun
from venom_core.agents.catalog import AGENTS
from venom_core.core.models import TaskFailure
from venom_core.core.orchestration import TaskContext
from venom_core.orchestrator.routing import Route
from venom_core.runtimes.base import ChatMessage

if TYPE_CHECKING:
    from venom_core.agents.base import Llm

DESCRIPTIONS = {spec.intent: spec.description for spec in AGENTS}  # the candidates' labels


async def refine(llm: Llm, ctx: TaskContext, route: Route, budget: float) -> Route:
    """Pick one of `route.candidates` with the model, or keep the lexicon's choice on timeout/error."""
    candidates = list(dict.fromkeys(route.candidates)) or [route.intent]
    lines = "\n".join(f"- {c}: {DESCRIPTIONS.get(c, c.lower())}" for c in candidates)
    messages = [
        ChatMessage("system", f"Classify the user's message into one intent.\n{lines}\nReturn JSON."),
        ChatMessage("user", route.content[:1000]),
    ]
    schema = {"type": "object", "properties": {"intent": {"type": "string", "enum": candidates}},
              "required": ["intent"]}
    t0 = time.perf_counter()
    try:
        # Traced like every model call (LLM/request_sent, LLM/first_token) through the task's tracer.
        out = await asyncio.wait_for(llm.json(AgentRun(ctx, route), messages, schema, timeout=budget,
                                              max_tokens=24), budget)
        intent = str(out.get("intent"))
        if intent not in candidates:
            raise ValueError(intent)
    except (TimeoutError, TaskFailure, ValueError) as exc:
        ms = round((time.perf_counter() - t0) * 1000, 1)
        ctx.trace("DecisionGate", "intent_classifier", status="fallback", reason=type(exc).__name__,
                  latency_ms=ms, budget_ms=budget * 1000, kept=route.intent)
        return route.resolved(route.intent, "llm_fallback", classifier_ms=ms)
    ms = round((time.perf_counter() - t0) * 1000, 1)
    ctx.trace("DecisionGate", "intent_classifier", intent=intent, latency_ms=ms, budget_ms=budget * 1000,
              candidates=candidates)
    return route.resolved(intent, "llm", classifier_ms=ms)
