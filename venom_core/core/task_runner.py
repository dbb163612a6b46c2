"""Run one task: PROCESSING, then exactly one terminal event, whatever happens inside."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from loguru import logger

from venom_core.core.error_texts import localise
from venom_core.core.event_log import EventLog
from venom_core.core.language import request_language
from venom_core.core.models import EventType, TaskError, TaskFailure
from venom_core.core.orchestration import Orchestrator, TaskContext
from venom_core.core.work_queue import CancelReasons
from venom_core.storage.base import StorageUnavailable
from venom_core.tracer import tracing

# Why a running task was cancelled -> the terminal event written for it.
CANCEL_ERRORS: dict[str, TaskError] = {
    "aborted": TaskError("aborted", "The task was stopped by the user.", "cancelled", False),
    "emergency_stop": TaskError("emergency_stop", "The task was cancelled by an emergency stop.", "cancelled", False),
    "purged": TaskError("purged", "The task was removed from the queue by a purge.", "cancelled", False),
    "storage_unavailable": TaskError(
        "storage_unavailable", "The task was not run: Venom could not save it when it was submitted.",
        "submission", True,
    ),
    "stalled": TaskError(
        "task_timeout",
        "The task made no progress for too long and was stopped by the watchdog.",
        "watchdog",
        True,
    ),
}


def in_task_language(log: EventLog, task_id: str, error: TaskError) -> TaskError:
    """The error with its sentence in the task's language (its `preferred_language`, else the
    language of its text), as the person who gave the task reads it; the code stays the same."""
    task = log.live_task(task_id)
    if task is None:
        return error
    message = localise(error.code, error.message, request_language(task.content, task.request))
    return error if message == error.message else replace(error, message=message)


def fail(log: EventLog, task_id: str, error: TaskError) -> None:
    error = in_task_language(log, task_id, error)
    log.append(task_id, EventType.TASK_FAILED, message=f"Failed: {error.message}", agent="Orchestrator",
               data={"error": error.as_dict()})


def finish_cancelled(log: EventLog, task_id: str, reason: str) -> None:
    """Write the terminal event for a cancelled task (running or pending)."""
    error = CANCEL_ERRORS.get(reason, CANCEL_ERRORS["aborted"])
    if error.stage != "cancelled":  # stopped by a fault (watchdog, storage), not by a person
        fail(log, task_id, error)
        return
    error = in_task_language(log, task_id, error)
    log.append(task_id, EventType.TASK_ABORTED, message=error.message, agent="Queue", data={"error": error.as_dict()})


class TaskRunner:
    """Runs tasks for the queue's consumer (`queue.serve(runner.run)`), each in its own job.

    It asks the queue only why a task was cancelled (`CancelReasons`), so it is built after the
    queue and handed to it as the loop's argument: no back-reference is set on either."""

    def __init__(self, log: EventLog, orchestrator: Orchestrator, cancels: CancelReasons):
        self.log = log
        self.orchestrator = orchestrator
        self.cancels = cancels

    async def run(self, task_id: str) -> None:
        task = await self.log.load_task(task_id)
        if task is None or task.terminal:
            return
        self.log.append(task_id, EventType.TASK_STARTED, message="Processing started", agent="Orchestrator")
        ctx = TaskContext(self.log, task)
        try:
            with tracing(ctx):  # the runtimes below record into this task's trace through it
                result = await self.orchestrator.run(ctx)
        except asyncio.CancelledError:
            reason = self.cancels.cancel_reason(task_id)
            if reason is None or reason == "shutdown":
                raise  # the process is stopping: recovery resolves the task at next start
            finish_cancelled(self.log, task_id, reason)
            return
        except TaskFailure as failure:
            self._fail(task_id, self._actionable(task_id, failure.error))
        except StorageUnavailable as fault:  # a store the task needed (sessions, roadmap) is failing
            self._fail(task_id, TaskError("storage_unavailable", fault.reason, "storage", True))
        except Exception:
            logger.exception("task {} crashed", task_id)
            self._fail(
                task_id,
                TaskError("internal_error", "Venom hit an unexpected error while running this task.",
                          "execution", True),
            )
        else:
            data: dict[str, Any] = {"result": result, "result_length": len(result)}
            if ctx.citations:
                data["citations"] = ctx.citations
            self.log.append(task_id, EventType.TASK_COMPLETED, message="Task completed", agent="Orchestrator",
                            data=data)
        await self.log.commit(fail_fast=False)  # the slot is held until the events are safe

    def _actionable(self, task_id: str, error: TaskError) -> TaskError:
        """An autonomy refusal's error carries what the person can do about it (the actions the
        gate recorded in the task's context), so the answer can offer them on the spot."""
        if error.code != "autonomy_denied" or error.actions:
            return error
        live = self.log.live_task(task_id)
        refusal = live.context.get("autonomy_refusal") if live is not None else None
        actions = refusal.get("actions") if isinstance(refusal, dict) else None
        return replace(error, actions=tuple(actions)) if isinstance(actions, list) and actions else error

    def _fail(self, task_id: str, error: TaskError) -> None:
        fail(self.log, task_id, error)
