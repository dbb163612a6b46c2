"""Route modules, included by `create_app` in this order."""

from fastapi import APIRouter

from venom_core.api.routes import (
    feedback,
    history,
    knowledge,
    lessons,
    memory,
    metrics,
    queue,
    stream,
    system,
    tasks,
    ws,
)

ROUTERS: list[APIRouter] = [
    system.router,
    tasks.router,
    stream.router,
    queue.router,
    history.router,
    metrics.router,
    ws.router,
    memory.router,
    knowledge.router,
    lessons.router,
    feedback.router,
]
