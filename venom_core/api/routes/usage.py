"""Token usage summed per provider and model: `GET /api/v1/metrics/tokens` and `/api/v1/models/usage`.

Both answer the same sums (the Models screen and the metrics view each have their own path),
derived from the stored `LLM_USAGE` events, so they count every call since the first one and
survive restarts. Cost is an estimate from `VENOM_MODEL_PRICES` and null for a model without a price.
"""

from __future__ import annotations

from fastapi import APIRouter

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import ApiError
from venom_core.api.usage_models import ModelUsage, UsageTotals
from venom_core.core.usage_ledger import UsageLedger

router = APIRouter(tags=["models"])


def ledger_of(services: ServicesDep) -> UsageLedger:
    if services.usage is None:
        raise ApiError(503, "no_runtime", "Usage accounting is not running.")
    return services.usage


async def usage_totals(ledger: UsageLedger) -> UsageTotals:
    rows = [ModelUsage(provider=t.provider, model=t.model, calls=t.calls, prompt_tokens=t.prompt_tokens,
                       completion_tokens=t.completion_tokens, total_tokens=t.prompt_tokens + t.completion_tokens,
                       estimated_calls=t.estimated_calls, cost_usd=ledger.cost_of(t))
            for t in await ledger.totals()]
    costs = [r.cost_usd for r in rows if r.cost_usd is not None]
    prompt, completion = sum(r.prompt_tokens for r in rows), sum(r.completion_tokens for r in rows)
    return UsageTotals(since=ledger.since_iso(), calls=sum(r.calls for r in rows), prompt_tokens=prompt,
                       completion_tokens=completion, total_tokens=prompt + completion,
                       cost_usd=round(sum(costs), 6) if costs else None, models=rows)


@router.get("/api/v1/metrics/tokens")
async def token_metrics(services: ServicesDep) -> UsageTotals:
    """Prompt and completion tokens per provider and model since the first recorded call."""
    return await usage_totals(ledger_of(services))


@router.get("/api/v1/models/usage")
async def model_usage(services: ServicesDep) -> UsageTotals:
    """The same sums as `/api/v1/metrics/tokens`, for the Models screen."""
    return await usage_totals(ledger_of(services))
