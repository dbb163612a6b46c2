"""Route modules, included by `create_app` in this order."""

from fastapi import APIRouter

from venom_core.api.routes import (
    autonomy,
    config_runtime,
    docs,
    feedback,
    flow,
    history,
    knowledge,
    lessons,
    llm_runtime,
    llm_simple,
    memory,
    memory_batch,
    metrics,
    models,
    queue,
    sessions,
    strategy,
    stream,
    system,
    tasks,
    ws,
)

ROUTERS: list[APIRouter] = [
    system.router,
    docs.router,
    config_runtime.router,
    tasks.router,
    stream.router,
    queue.router,
    history.router,
    metrics.router,
    ws.router,
    sessions.router,  # before any /api/v1/memory/{...} route so /memory/session/{id} is never shadowed
    sessions.conversations,
    flow.router,
    strategy.router,
    strategy.alias,
    autonomy.router,
    memory.router,
    memory_batch.router,
    knowledge.router,
    lessons.router,
    feedback.router,
    llm_simple.router,
    models.router,
    llm_runtime.router,
]
