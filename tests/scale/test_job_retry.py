"""What the shared queue does with a job that did not end normally (pg_queue's retry strategy).

The runner reports every failure of a task as the task's own terminal event, so a job only
fails on a fault around it, such as the database going away just as the job starts. Such a job
must be tried again, never dropped: its task would otherwise stay open with no job."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from procrastinate.jobs import Job

from venom_core.core.pg_queue import QUEUE, TASK, _Again, _Paused, _Retry
from venom_core.storage.base import StorageUnavailable


def _job(attempts: int) -> Job:
    return Job(id=1, queue=QUEUE, lock="t", queueing_lock=None, task_name=TASK, task_kwargs={"task_id": "t"},
               attempts=attempts)


def _delay(exception: BaseException, attempts: int = 0) -> float | None:
    decision = _Retry().get_retry_decision(exception=exception, job=_job(attempts))
    if decision is None:
        return None
    assert decision.retry_at is not None
    return (decision.retry_at - datetime.now(UTC)).total_seconds()


def test_a_fault_around_a_job_retries_it_with_a_bounded_back_off() -> None:
    first = _delay(StorageUnavailable("the database is restarting"))
    late = _delay(RuntimeError("anything else"), attempts=40)
    assert first is not None and first <= 1.5
    assert late is not None and timedelta(seconds=30) < timedelta(seconds=late) <= timedelta(seconds=60)


def test_pause_and_shutdown_send_the_job_back_and_an_abort_ends_it() -> None:
    paused, again = _delay(_Paused()), _delay(_Again())
    assert paused is not None and 0 < paused <= 1.5
    assert again is not None and again <= 0.5
    assert _delay(asyncio.CancelledError()) is None  # an abort: the task's end is already written
