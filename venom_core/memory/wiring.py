"""How memory plugs into `Services`: built with the app, loaded in the background."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from venom_core.config import Settings
from venom_core.memory.brain import Brain
from venom_core.memory.enrichment import EntityEnricher
from venom_core.memory.listener import start_learning
from venom_core.memory.service import MemoryService

if TYPE_CHECKING:
    from venom_core.services import Services


def build_memory(settings: Settings) -> tuple[MemoryService, Brain]:
    root = settings.VENOM_DATA_DIR / "memory"
    memory = MemoryService(root, enabled=settings.VENOM_MEMORY_ENABLED,
                           recall_min_score=settings.VENOM_MEMORY_RECALL_MIN_SCORE,
                           threads=settings.VENOM_MEMORY_EMBED_THREADS,
                           backend=settings.VENOM_MEMORY_EMBED_BACKEND,
                           model_cache=settings.VENOM_MEMORY_MODEL_CACHE,
                           batch_threads=settings.VENOM_MEMORY_BATCH_THREADS)
    brain = Brain(memory, settings.VENOM_WORKSPACE, root, settings.VENOM_MEMORY_SIMILARITY_THRESHOLD)
    return memory, brain


def start_memory(s: Services) -> None:
    """Schedule the model load, the lesson listener and the first code scan; returns at once."""
    if s.memory is None or s.brain is None:
        return
    s.background.append(asyncio.create_task(s.memory.start(), name="memory-load"))
    s.background.append(start_learning(s.bus, s.tasks, s.memory))
    s.background.append(asyncio.create_task(s.brain.scan_if_missing(), name="code-graph-scan"))
    s.background.append(asyncio.create_task(s.brain.warm(), name="graph-warm-up"))
    s.health_checks.append(s.memory.health)
    if s.settings.VENOM_MEMORY_LLM_ENTITIES and s.runtimes is not None:
        enricher = EntityEnricher(s.memory, s.brain, s.runtimes, provider=s.settings.VENOM_MEMORY_LLM_ENTITIES_PROVIDER)
        s.brain.enricher = enricher
        s.background.append(asyncio.create_task(enricher.run(), name="llm-entity-enrichment"))
