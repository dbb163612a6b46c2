"""Learning from finished tasks, independently of whichever orchestrator ran them.

A background task follows the event bus. For each TASK_COMPLETED / TASK_FAILED whose request
has `store_knowledge` (the default), it records a lesson (situation, action, result, tags) and,
for a completed task of a session, stores what the USER said as a session fact so it can be
recalled later. The model's answer is never stored as a fact: it is unverified, and a wrong
answer recalled as a fact would be repeated as one. A question is not a fact either, so a message
ending in "?" (or too short to state anything) is not stored. Each fact records where it came
from: `source` "chat:user" (a chat, the user's words) and the task id. Static fast paths (help,
time, status) teach nothing worth recalling, so they get a lesson but no fact.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from loguru import logger

from venom_core.core.fanout import InProcessBus, Subscription
from venom_core.core.intents import STATIC_INTENTS
from venom_core.core.models import Event, EventType, Task, TaskStatus
from venom_core.core.task_service import TaskNotFound, TaskService
from venom_core.memory.service import MemoryService, MemoryUnavailable

WATCHED = frozenset({EventType.TASK_COMPLETED.value, EventType.TASK_FAILED.value})
FACT_CHARS = 4000
FACT_MIN_CHARS = 12  # "hi", "thanks", "ok then": nothing to recall
USER_FACT_SOURCE = "chat:user"  # the memory's `source`: stored from a chat, in the user's own words


def _watched(event: Event) -> bool:
    return event.task_id is not None and event.type in WATCHED


def lesson_from_task(task: Task) -> dict[str, Any]:
    intent = str(task.context.get("intent") or task.request.get("forced_intent") or "UNKNOWN")
    runtime = task.context.get("llm_runtime") or {}
    action = f"Handled as {intent}"
    if task.context.get("llm_used") and runtime.get("provider"):
        action += f" with {runtime.get('provider')}/{runtime.get('model') or 'default'}"
    success = task.status is TaskStatus.COMPLETED
    error = task.error or {}
    result = task.result if success else f"Failed ({error.get('code', 'error')}): {error.get('message', '')}"
    tags = [intent.lower(), "success" if success else "failure"]
    if not success and error.get("code"):
        tags.append(str(error["code"]))
    return {"task_id": task.id, "session_id": task.session_id, "situation": task.content, "action": action,
            "result": result or "(empty answer)", "success": success, "tags": tags}


async def learn(memory: MemoryService, task: Task) -> None:
    if not task.request.get("store_knowledge", True):
        return
    await memory.record_lesson(**lesson_from_task(task))
    intent = str(task.context.get("intent") or task.request.get("forced_intent") or "")
    text = user_fact(task.content)
    if task.status is TaskStatus.COMPLETED and task.session_id and text and intent not in STATIC_INTENTS:
        await memory.remember(text, session_id=task.session_id, type="fact",
                              metadata={"source": USER_FACT_SOURCE, "task_id": task.id})


def user_fact(content: str) -> str | None:
    """What of a user's message is worth keeping as a fact: the message itself, unless it is a
    question or too short to state anything (a command like `/clear` neither)."""
    text = " ".join(content.split())
    if len(text) < FACT_MIN_CHARS or text.endswith("?") or text.startswith("/"):
        return None
    return text[:FACT_CHARS]


async def follow_tasks(bus: InProcessBus, sub: Subscription, tasks: TaskService, memory: MemoryService) -> None:
    """Run until cancelled. Events that arrive while the model loads wait in the subscription."""
    try:
        if not await memory.wait_ready():
            return
        while True:
            event = await sub.queue.get()
            if event is None:  # overflowed: start again; a lost lesson is not worth a crash
                bus.unsubscribe(sub)
                sub = bus.subscribe(_watched, maxsize=10_000)
                continue
            try:
                await learn(memory, await tasks.get(str(event.task_id)))
            except (TaskNotFound, MemoryUnavailable):
                continue
            except Exception as exc:
                logger.opt(exception=exc).warning("could not learn from task {}", event.task_id)
    finally:
        with contextlib.suppress(Exception):
            bus.unsubscribe(sub)


def start_learning(bus: InProcessBus, tasks: TaskService, memory: MemoryService) -> asyncio.Task[None]:
    # Subscribe now, before the queue runs anything, so no finished task is missed.
    sub = bus.subscribe(_watched, maxsize=10_000)
    return asyncio.create_task(follow_tasks(bus, sub, tasks, memory), name="memory-learning")
