"""Opt-in background enrichment: the LLM names the entities of memory entries, as JSON.

The heuristics of `entities.py` find proper nouns and identifiers. They miss common-noun
things ("the hamster", "oat milk") and cannot tell a person from a place. With
`VENOM_MEMORY_LLM_ENTITIES=true`, this loop asks the model for each entry's entities, with
the output constrained by a JSON schema (llama.cpp grammar for the embedded model,
`response_format`/`format` for the others), and merges them into the graph.

It never blocks ingest or search. It is a separate asyncio task that only awaits the runtime
registry. It handles one entry at a time and pauses between entries, so a chat answer waits
for at most one short generation. It never retries an entry forever: an entry whose call fails
is skipped until the next restart. Progress is persisted with the entities
(`graph_entities.jsonl`), so a restart does not ask again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from loguru import logger

from venom_core.runtimes.base import ChatMessage, RuntimeError_

if TYPE_CHECKING:
    from venom_core.memory.service import MemoryService
    from venom_core.runtimes.registry import RuntimeRegistry

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"entities": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 6}},
    "required": ["entities"],
}
PROMPT = ("List the named things in the note: people, places, organisations, products, projects, "
          "animals and objects. Use the words of the note. Answer as JSON {\"entities\": [...]}.")
MAX_TEXT = 1200  # characters of an entry sent to the model


@dataclass(slots=True)
class EnrichmentStats:
    """The enricher's progress, kept by the graph it enriches (`Brain.enrichment`, shown in
    `Brain.summary`) and written by the enricher, which is given the graph."""

    enabled: bool  # VENOM_MEMORY_LLM_ENTITIES
    enriched: int = 0
    failed: set[str] = field(default_factory=set)
    last_error: str | None = None

    def describe(self) -> dict[str, Any]:
        if not self.enabled:
            return {"enabled": False}
        return {"enabled": True, "enriched": self.enriched, "failed": len(self.failed), "last_error": self.last_error}


class EntityGraph(Protocol):
    """What the enricher needs of the knowledge graph (`Brain`)."""

    @property
    def enrichment(self) -> EnrichmentStats: ...

    def needs_llm_entities(self, entry_ids: Sequence[str]) -> list[str]: ...

    def add_llm_entities(self, entry_id: str, text: str, names: Sequence[str]) -> Any: ...


class EntityEnricher:
    def __init__(self, memory: MemoryService, graph: EntityGraph, runtimes: RuntimeRegistry, *,
                 provider: str | None = None, pause: float = 2.0, timeout: float = 90.0):
        self.memory = memory
        self.brain = graph
        self.runtimes = runtimes
        self.stats = graph.enrichment  # on or off with it (VENOM_MEMORY_LLM_ENTITIES)
        self.provider = provider
        self.pause = pause
        self.timeout = timeout

    @property
    def enabled(self) -> bool:
        return self.stats.enabled

    def describe(self) -> dict[str, Any]:
        return self.stats.describe()

    async def run(self) -> None:
        """Forever: enrich what is new, then wait for more."""
        if not await self.memory.wait_ready():
            return
        while True:
            entry: dict[str, Any] | None = None
            try:
                entry = await self._next()
                if entry is not None:
                    await self.enrich(entry)
            except Exception as exc:  # a bug here must not end the loop silently
                self.stats.last_error = f"{type(exc).__name__}: {exc}"
                logger.opt(exception=exc).warning("LLM entity enrichment failed; skipping the entry")
                if entry is not None:
                    self.stats.failed.add(str(entry["id"]))
            await asyncio.sleep(self.pause if entry is not None else max(self.pause, 5.0))

    async def _next(self) -> dict[str, Any] | None:
        rows = await asyncio.to_thread(self.memory.store().graph_rows)
        ids = [str(r["id"]) for r in rows if str(r["id"]) not in self.stats.failed]
        todo = set(await asyncio.to_thread(self.brain.needs_llm_entities, ids))
        # Newest first: what the user just told is what they look for next.
        return next((r for r in reversed(rows) if str(r["id"]) in todo), None)

    async def enrich(self, entry: dict[str, Any]) -> list[str]:
        entry_id, text = str(entry["id"]), str(entry.get("text", ""))
        messages = [ChatMessage("system", PROMPT), ChatMessage("user", text[:MAX_TEXT])]
        try:
            value = await self.runtimes.complete_json(messages, SCHEMA, timeout=self.timeout,
                                                      forced_provider=self.provider, max_tokens=96)
        except RuntimeError_ as exc:
            self.stats.failed.add(entry_id)
            self.stats.last_error = f"{exc.code}: {exc}"
            logger.info("LLM entity enrichment skipped entry {} ({})", entry_id, self.stats.last_error)
            return []
        names = clean(value.get("entities"), text)
        await asyncio.to_thread(self.brain.add_llm_entities, entry_id, text, names)
        self.stats.enriched += 1
        return names


def clean(raw: Any, text: str) -> list[str]:
    """Keep short strings that occur in the note (the model may not invent entities)."""
    if not isinstance(raw, list):
        return []
    lowered = text.lower()
    out: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            continue
        name = " ".join(item.split()).strip(" .,;:!?\"'")
        if 2 < len(name) <= 40 and name.lower() in lowered and name.lower() not in {n.lower() for n in out}:
            out.append(name)
    return out
