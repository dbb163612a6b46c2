"""Response models of token usage: on a task, on the direct stream's `done` frame, and the sums."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CallUsageView(BaseModel):
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False


class UsageView(BaseModel):
    """Tokens of one task or one direct answer. `estimated` is true when a runtime reported no
    counts and some were estimated (see docs/RUNTIMES.md, "Usage accounting")."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    estimated: bool
    calls: list[CallUsageView]


class ModelUsage(BaseModel):
    provider: str
    model: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    estimated_calls: int = Field(description="Calls whose counts were estimated (the runtime reported none).")
    cost_usd: float | None = Field(description="Estimated cost from VENOM_MODEL_PRICES; null when it has no price.")


class UsageTotals(BaseModel):
    """Sums since the first recorded call, derived from the stored `LLM_USAGE` events."""

    since: str | None
    source: str = "event_log"
    calls: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost_usd: float | None
    currency: str = "USD"
    models: list[ModelUsage]


def usage_view(calls: list[CallUsageView]) -> UsageView:
    prompt = sum(c.prompt_tokens for c in calls)
    completion = sum(c.completion_tokens for c in calls)
    return UsageView(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion,
                     estimated=any(c.estimated for c in calls), calls=calls)
