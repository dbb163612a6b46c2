"""Token usage summed per provider and model, derived from the event log's `LLM_USAGE` events.

Why events and not a table of its own: every model call already lands in the log as one
`LLM_USAGE` event (on its task, or a system event for a direct stream), which is what puts
`usage` on the task record. The totals are that log summed: `load()` reads the stored events once
at start (those numbered up to the log's last number then), and `record` adds each new call, so a
call is counted exactly once and the totals survive a restart without a second write.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from venom_core.core.event_log import EventLog
from venom_core.core.models import EventType, iso
from venom_core.runtimes.usage import CallUsage
from venom_core.storage.schema import events
from venom_core.storage.sql import SqlStorage

PER_TOKENS = 1_000_000  # prices are per million tokens, as the vendors publish them


@dataclass(slots=True)
class ModelTotals:
    provider: str
    model: str
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_calls: int = 0

    def add(self, call: dict[str, Any]) -> None:
        self.calls += 1
        self.prompt_tokens += int(call.get("prompt_tokens") or 0)
        self.completion_tokens += int(call.get("completion_tokens") or 0)
        self.estimated_calls += 1 if call.get("estimated") else 0


class UsageLedger:
    def __init__(self, log: EventLog, storage: SqlStorage, prices: dict[str, dict[str, float]]):
        self._log = log
        self._storage = storage
        self._prices = prices
        self._totals: dict[tuple[str, str], ModelTotals] = {}
        self._loaded = asyncio.Event()
        self.since: datetime | None = None  # the first counted call

    def record(self, task_id: str | None, usage: CallUsage) -> None:
        """Append the call's `LLM_USAGE` event (it folds into the task's `usage`) and count it."""
        call = usage.as_dict()
        event = self._log.append(task_id, EventType.LLM_USAGE, agent="LLM", data={"call": call})
        self._add(call, event.timestamp)

    def _add(self, call: dict[str, Any], at: datetime) -> None:
        key = (str(call.get("provider")), str(call.get("model")))
        totals = self._totals.get(key)
        if totals is None:
            totals = self._totals[key] = ModelTotals(*key)
        totals.add(call)
        if self.since is None or at < self.since:
            self.since = at

    async def load(self) -> None:
        """Sum the calls stored before this start (call before any model call is recorded)."""
        boundary = self._log.last_gseq
        query = (sa.select(events.c.data, events.c.ts)
                 .where(events.c.type == EventType.LLM_USAGE.value, events.c.gseq <= boundary))
        try:
            rows = await self._storage.run(lambda conn: [(r.data, r.ts) for r in conn.execute(query)])
            for data, ts in rows:
                call = data.get("call") if isinstance(data, dict) else None
                if isinstance(call, dict):
                    self._add(call, ts.replace(tzinfo=UTC))
        finally:
            self._loaded.set()

    def price_of(self, provider: str, model: str) -> dict[str, float] | None:
        return self._prices.get(f"{provider}/{model}") or self._prices.get(model)

    def cost_of(self, t: ModelTotals) -> float | None:
        price = self.price_of(t.provider, t.model)
        if price is None:
            return None
        cost = (t.prompt_tokens * price.get("prompt", 0.0) + t.completion_tokens * price.get("completion", 0.0))
        return round(cost / PER_TOKENS, 6)

    async def totals(self) -> list[ModelTotals]:
        await self._loaded.wait()
        return sorted(self._totals.values(), key=lambda t: (t.provider, t.model))

    def since_iso(self) -> str | None:
        return iso(self.since) if self.since else None
