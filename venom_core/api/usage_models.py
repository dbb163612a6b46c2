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


class ModelBreakdown(BaseModel):
    model: str
    tokens: int
    cost_usd: float


class TokenMetrics(UsageTotals):
    """`/api/v1/metrics/tokens`: the sums, plus the reference client's names for them."""

    session_total_tokens: int = Field(description="The same as `total_tokens` (the sums survive restarts).")
    session_cost_usd: float = Field(description="`cost_usd`, 0 when no model has a price.")
    models_breakdown: dict[str, ModelBreakdown] = Field(description="`<provider>/<model>` -> tokens and cost.")


class ModelsUsage(UsageTotals):
    """`/api/v1/models/usage`: the token sums plus the machine's resource figures the reference's
    resource bar reads (there is no GPU accounting: its fields are null or 0)."""

    models_count: int
    cpu_usage_percent: float
    gpu_usage_percent: float | None = None
    vram_usage_mb: float = 0
    vram_total_mb: float | None = None
    vram_usage_percent: float | None = None
    memory_used_gb: float
    memory_total_gb: float
    memory_usage_percent: float
    disk_system_total_gb: float | None
    disk_system_used_gb: float | None
    disk_system_usage_percent: float | None
    disk_system_mount: str | None
