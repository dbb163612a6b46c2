"""`GET /api/v1/models/usage/history`: tokens per hour or day and per model, for the Models
screen's usage chart. Summed from the stored `LLM_USAGE` events of the window (the same events
as the totals of `/api/v1/models/usage`), so it survives restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from venom_core.api.deps import ServicesDep
from venom_core.core import audit
from venom_core.core.models import EventType, iso
from venom_core.storage.schema import events

router = APIRouter(tags=["models"])

MAX_EVENTS = 100_000  # a busy week of calls; older ones drop out of the chart, not of the totals


class UsageBucket(BaseModel):
    start: str = Field(description="UTC start of the hour or day (ISO 8601).")
    provider: str
    model: str
    calls: int
    prompt_tokens: int
    completion_tokens: int


class UsageHistory(BaseModel):
    bucket: Literal["hour", "day"]
    since: str
    buckets: list[UsageBucket] = Field(description="Oldest first; a bucket without calls is left out.")


def _floor(ts: datetime, bucket: str) -> datetime:
    ts = ts.replace(minute=0, second=0, microsecond=0)
    return ts.replace(hour=0) if bucket == "day" else ts


@router.get("/api/v1/models/usage/history", response_model=UsageHistory)
async def usage_history(services: ServicesDep, bucket: Literal["hour", "day"] = "hour",
                        span: Annotated[int, Query(ge=1, le=90, description="Hours (bucket=hour) or days.")] = 24,
                        ) -> UsageHistory:
    """Tokens per time bucket and model over the last `span` hours or days."""
    await audit.settle(services.log)
    since = _floor(datetime.now(UTC) - (timedelta(hours=span - 1) if bucket == "hour" else timedelta(days=span - 1)),
                   bucket)
    query = (sa.select(events.c.ts, events.c.data).where(events.c.type == EventType.LLM_USAGE.value)
             .where(events.c.ts >= since.replace(tzinfo=None)).order_by(events.c.gseq).limit(MAX_EVENTS))

    def unit(conn: Connection) -> list[tuple[datetime, dict[str, Any]]]:
        return [(row.ts.replace(tzinfo=UTC), row.data or {}) for row in conn.execute(query)]

    sums: dict[tuple[datetime, str, str], list[int]] = {}
    for ts, data in await services.storage.run(unit):
        call = data.get("call") if isinstance(data, dict) else None
        if not isinstance(call, dict):
            continue
        key = (_floor(ts, bucket), str(call.get("provider")), str(call.get("model")))
        row = sums.setdefault(key, [0, 0, 0])
        row[0] += 1
        row[1] += int(call.get("prompt_tokens") or 0)
        row[2] += int(call.get("completion_tokens") or 0)
    buckets = [UsageBucket(start=iso(k[0]), provider=k[1], model=k[2], calls=v[0], prompt_tokens=v[1],
                           completion_tokens=v[2]) for k, v in sorted(sums.items())]
    return UsageHistory(bucket=bucket, since=iso(since), buckets=buckets)
