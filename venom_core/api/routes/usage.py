"""Token usage summed per provider and model: `GET /api/v1/metrics/tokens` and `/api/v1/models/usage`.

Both answer the same sums (the Models screen and the metrics view each have their own path),
derived from the stored `LLM_USAGE` events, so they count every call since the first one and
survive restarts. Cost is an estimate from `VENOM_MODEL_PRICES` and null for a model without a price.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from fastapi import APIRouter

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import error_responses
from venom_core.api.usage_models import ModelBreakdown, ModelsUsage, ModelUsage, TokenMetrics, UsageTotals
from venom_core.core.usage_ledger import UsageLedger

router = APIRouter(tags=["models"])


def ledger_of(services: ServicesDep) -> UsageLedger:
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


@router.get("/api/v1/metrics/tokens", responses=error_responses(503))
async def token_metrics(services: ServicesDep) -> TokenMetrics:
    """Prompt and completion tokens per provider and model since the first recorded call."""
    totals = await usage_totals(ledger_of(services))
    breakdown = {f"{m.provider}/{m.model}": ModelBreakdown(model=m.model, tokens=m.total_tokens,
                                                           cost_usd=m.cost_usd or 0.0) for m in totals.models}
    return TokenMetrics(**totals.model_dump(), session_total_tokens=totals.total_tokens,
                        session_cost_usd=totals.cost_usd or 0.0, models_breakdown=breakdown)


GB = 1024**3


def _resources(folder: str) -> dict[str, Any]:
    import psutil  # here, not at start-up, as in core/system_info.py

    if not os.path.isdir(folder):
        folder = os.getcwd()
    vm = psutil.virtual_memory()
    disk: dict[str, Any] = {"disk_system_total_gb": None, "disk_system_used_gb": None,
                            "disk_system_usage_percent": None, "disk_system_mount": None}
    try:
        du = psutil.disk_usage(folder)
        disk = {"disk_system_total_gb": round(du.total / GB, 2), "disk_system_used_gb": round(du.used / GB, 2),
                "disk_system_usage_percent": du.percent, "disk_system_mount": folder}
    except OSError:
        pass  # a data folder that is gone: the figures stay null
    return {"cpu_usage_percent": psutil.cpu_percent(interval=None), "memory_used_gb":
            round((vm.total - vm.available) / GB, 2), "memory_total_gb": round(vm.total / GB, 2),
            "memory_usage_percent": vm.percent, **disk}


@router.get("/api/v1/models/usage", responses=error_responses(503))
async def model_usage(services: ServicesDep) -> ModelsUsage:
    """The same sums as `/api/v1/metrics/tokens`, for the Models screen, with the machine's resources."""
    totals = await usage_totals(ledger_of(services))
    resources = await asyncio.to_thread(_resources, str(services.settings.VENOM_DATA_DIR))
    return ModelsUsage(**totals.model_dump(), models_count=len(totals.models), **resources)
