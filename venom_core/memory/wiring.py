"""How memory is built with the app, and loaded in the background."""

from __future__ import annotations

import asyncio

from venom_core.config import Settings
from venom_core.core.fanout import InProcessBus
from venom_core.core.task_service import TaskService
from venom_core.memory.brain import Brain
from venom_core.memory.enrichment import EntityEnricher
from venom_core.memory.listener import start_learning
from venom_core.memory.service import MemoryService
from venom_core.runtimes.registry import RuntimeRegistry


def build_memory(settings: Settings, runtimes: RuntimeRegistry) -> tuple[MemoryService, Brain, EntityEnricher]:
    """Memory, the knowledge graph and the LLM entity enricher (idle unless VENOM_MEMORY_LLM_ENTITIES)."""
    root = settings.VENOM_DATA_DIR / "memory"
    memory = MemoryService(root, enabled=settings.VENOM_MEMORY_ENABLED,
                           recall_min_score=settings.VENOM_MEMORY_RECALL_MIN_SCORE,
                           threads=settings.VENOM_MEMORY_EMBED_THREADS,
                           backend=settings.VENOM_MEMORY_EMBED_BACKEND,
                           model_cache=settings.VENOM_MEMORY_MODEL_CACHE,
                           batch_threads=settings.VENOM_MEMORY_BATCH_THREADS,
                           batch_workers=settings.VENOM_MEMORY_BATCH_WORKERS)
    brain = Brain(memory, settings.VENOM_WORKSPACE, root, settings.VENOM_MEMORY_SIMILARITY_THRESHOLD,
                  llm_entities=settings.VENOM_MEMORY_LLM_ENTITIES)
    enricher = EntityEnricher(memory, brain, runtimes, provider=settings.VENOM_MEMORY_LLM_ENTITIES_PROVIDER)
    return memory, brain, enricher


def start_memory(memory: MemoryService, brain: Brain, enricher: EntityEnricher, bus: InProcessBus,
                 tasks: TaskService) -> list[asyncio.Task[None]]:
    """Schedule the model load, the lesson listener and the first code scan; returns at once."""
    jobs = [asyncio.create_task(memory.start(), name="memory-load"),
            start_learning(bus, tasks, memory),  # subscribes now, before recovery re-queues tasks
            asyncio.create_task(brain.scan_if_missing(), name="code-graph-scan"),
            asyncio.create_task(brain.warm(), name="graph-warm-up")]
    if enricher.enabled:
        jobs.append(asyncio.create_task(enricher.run(), name="llm-entity-enrichment"))
    return jobs
