"""The shared work queue on PostgreSQL, on procrastinate (`VENOM_QUEUE=postgres`).

Every API instance and worker of a deployment uses the same queue: a job per task in
procrastinate's tables, next to the task records. docs/ARCHITECTURE.md ("Shared work queue")
says why procrastinate and how it is used; in short:
- A task's job is inserted in the transaction that stores the task (`defer_in_batch`, run by
  the storage inside the event log's batch), so an accepted task always has its job.
- One rule keeps every task's events in order across processes: only the holder of a task writes
  its events. A worker holds the tasks of the jobs it fetched (procrastinate hands a job to one
  worker: `FOR UPDATE SKIP LOCKED`, and `lock` = the task id). Anyone who moves a job from `todo`
  to `cancelled` (an atomic update) holds its task, to write why it will not run.
- Abort of a task running elsewhere: its reason is stored, then procrastinate's abort request
  reaches the worker (NOTIFY, with polling as the fallback), which cancels the job's asyncio task.
  The runner's cancellation closes the model request, as in one process.
- Pause is the stored `queue.paused` flag: a job fetched while it is set goes back to the queue
  (a retry a second later) before anything runs.
- A worker that dies (kill -9) stops its heartbeat; after `VENOM_QUEUE_STALLED_SECONDS` any
  instance puts its jobs back to `todo`, and the next holder applies the recovery rules
  (`resume_interrupted`): re-run if nothing was streamed, else fail `interrupted`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from loguru import logger
from procrastinate import App, JobContext, PsycopgConnector, RetryDecision
from procrastinate.job_context import AbortReason
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy
from sqlalchemy.engine import Connection

from venom_core.core.event_log import EventLog
from venom_core.core.models import TERMINAL_EVENTS, Event, EventType
from venom_core.core.task_runner import finish_cancelled
from venom_core.core.task_service import QUEUE_PAUSED_KEY, resume_interrupted
from venom_core.core.work_queue import Runner
from venom_core.storage.base import Storage

QUEUE = "venom"
TASK = "venom.run_task"
CANCEL_KEY = "queue.cancel."  # + task id: why a cancel of a task held elsewhere was asked
PAUSED_RETRY_SECONDS = 1
SCHEMA_LOCK_KEY = 0x76656E6F6D51  # "venomQ": one instance creates procrastinate's schema
_DEFER = sa.text(
    "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, NULL, CAST(:args AS jsonb), NULL)"
    "::procrastinate_job_to_defer_v1])")
_JOBS_OF = "SELECT id, status FROM procrastinate_jobs WHERE lock = %(lock)s AND status IN ('todo', 'doing')"
_OPEN_JOBS = ("SELECT lock, status FROM procrastinate_jobs WHERE queue_name = %(queue)s "
              "AND status IN ('todo', 'doing') ORDER BY id")
# Back to `todo` for the next holder. Not procrastinate's retry: that fails a job whose abort was
# requested, and then nobody would resolve its task; the next holder reads the stored reason.
_REQUEUE_STALLED = ("UPDATE procrastinate_jobs SET status = 'todo', abort_requested = false, worker_id = NULL, "
                    "attempts = attempts + 1, scheduled_at = NULL WHERE id = %(id)s AND status = 'doing' "
                    "RETURNING id")
_NUDGE = ("UPDATE procrastinate_jobs SET scheduled_at = NULL WHERE queue_name = %(queue)s "
          "AND status = 'todo' AND scheduled_at > now()")


class _Paused(Exception):
    """The queue is paused: the job goes back to the queue untouched."""


class _Again(Exception):
    """The run was cut off by this worker's shutdown: the job goes back for another worker."""


class _Retry(BaseRetryStrategy):
    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, _Paused):
            return RetryDecision(retry_in={"seconds": PAUSED_RETRY_SECONDS})
        if isinstance(exception, _Again):
            return RetryDecision(retry_in={"seconds": 0})
        if isinstance(exception, Exception):
            # The runner reports every failure of a task itself, so what reaches here is a fault
            # around it (the database down while the job starts): the task is not lost, it is
            # tried again, backing off to a minute.
            logger.warning("queue: job for task {} failed ({}); trying again", job.task_kwargs.get("task_id"),
                           type(exception).__name__)
            return RetryDecision(retry_in={"seconds": min(60, 2 ** min(job.attempts, 6))})
        return None


def conninfo(url: str) -> str:
    """The libpq URL of a SQLAlchemy `postgresql+psycopg://` URL."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def defer_in_batch(conn: Connection, batch: Sequence[Event]) -> None:
    """Enqueue a job for every task this batch creates, in its transaction (`SqlStorage.in_batch`).

    A pure function of the batch, so a batch retried after a failed write enqueues exactly once.
    A task that also ends in the batch (withdrawn because its first write failed) gets none."""
    ended = {e.task_id for e in batch if e.type in TERMINAL_EVENTS}
    rows = [{"queue": QUEUE, "task": TASK, "lock": e.task_id, "args": json.dumps({"task_id": e.task_id})}
            for e in batch if e.type == EventType.TASK_CREATED and e.task_id not in ended]
    if rows:
        conn.execute(_DEFER, rows)


class SharedQueue:
    """`WorkQueue` over procrastinate. The sync reads (`paused`, `pending_ids`, `active_ids`)
    answer from a snapshot refreshed every second; the control the task service needs across
    instances is async (`release`, `request_abort`, `withdraw_all`...)."""

    def __init__(self, url: str, storage: Storage, log: EventLog, *, limit: int, runs_tasks: bool,
                 stalled_seconds: float):
        self.limit = limit
        self.paused = False
        self.runs_tasks = runs_tasks
        self.stalled_seconds = stalled_seconds
        self._storage = storage
        self._log = log
        self._url = conninfo(url)
        self.app = App(connector=PsycopgConnector(
            conninfo=self._url, min_size=1, max_size=4))  # the engine checks each connection it lends
        self.app.task(name=TASK, queue=QUEUE, pass_context=True, retry=_Retry())(self._job)
        self._runner: Runner | None = None
        self._held: dict[str, asyncio.Task[None] | None] = {}  # task id -> its run, while this process holds it
        self._reasons: dict[str, str] = {}
        self._pending: list[str] = []  # the snapshot of every instance's jobs
        self._active: list[str] = []
        self._open_lock = asyncio.Lock()
        self._opened = False

    # -- lifecycle ---------------------------------------------------------------------------
    async def open(self) -> None:
        """Connect, and create procrastinate's schema if this database has none yet."""
        async with self._open_lock:
            if self._opened:
                return
            import psycopg  # procrastinate's own driver

            async with await psycopg.AsyncConnection.connect(self._url) as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
                found = await (await conn.execute("SELECT to_regclass('procrastinate_jobs')")).fetchone()
                if found is None or found[0] is None:
                    await conn.execute(self.app.schema_manager.get_schema())
            await self.app.open_async()
            self._opened = True

    async def serve(self, runner: Runner) -> None:
        if self._runner is not None:
            raise RuntimeError("the work queue is already being served")
        self._runner = runner
        await self.open()
        side = [asyncio.create_task(self._watch(), name="queue-snapshot"),
                asyncio.create_task(self._sweep(), name="queue-stalled")]
        try:
            while self.runs_tasks:
                # The engine's worker stops when one of its connections breaks (the database
                # restarted): start it again, with a new worker id, until this loop is cancelled.
                with contextlib.suppress(Exception):
                    await self.app.run_worker_async(
                        queues=[QUEUE], name="venom", concurrency=self.limit, wait=True,
                        install_signal_handlers=False, listen_notify=True, fetch_job_polling_interval=1.0,
                        abort_job_polling_interval=1.0, shutdown_graceful_timeout=0.0, delete_jobs="successful",
                        update_heartbeat_interval=self.stalled_seconds / 4,
                        stalled_worker_timeout=self.stalled_seconds)
                logger.warning("queue worker stopped; starting it again")
                await asyncio.sleep(1.0)
            await asyncio.Event().wait()  # an API instance that runs no tasks keeps the loops below
        finally:
            for job in side:
                job.cancel()
            await asyncio.gather(*side, return_exceptions=True)
            self._runner = None

    async def stop(self) -> None:
        if self._opened:
            with contextlib.suppress(Exception):
                await self.app.close_async()
            self._opened = False

    # -- the job: one task, held by this process while it runs -----------------------------------
    async def _job(self, context: JobContext, task_id: str) -> None:
        run: asyncio.Task[None] | None = None
        self._held[task_id] = None  # before any await: this process holds the task from here
        try:
            try:
                if await self._storage.get_setting(QUEUE_PAUSED_KEY):
                    raise _Paused
                if not await self._prepare(task_id):
                    return
                assert self._runner is not None
                run = asyncio.create_task(self._runner(task_id), name=f"task-{task_id}")
                self._held[task_id] = run
                await asyncio.shield(run)  # a cancel of the job reaches the run below, with its reason
            except asyncio.CancelledError:
                reason = await self._why(context, task_id)
                if run is not None and not run.done():
                    self._reasons[task_id] = reason
                    run.cancel()
                    await asyncio.gather(run, return_exceptions=True)
                elif run is None and reason != "shutdown":
                    await self._finish(task_id, reason)
                if reason == "shutdown":
                    raise _Again from None
                raise
        finally:
            self._held.pop(task_id, None)
            self._reasons.pop(task_id, None)

    async def _prepare(self, task_id: str) -> bool:
        """Before a run: True if the task is to run. A task cancelled while nobody held it is
        ended here; one a previous holder left PROCESSING follows the recovery rules."""
        task = await self._log.load_task(task_id)
        if task is None or task.terminal:
            return False
        reason = await self._storage.get_setting(CANCEL_KEY + task_id)
        if reason:
            await self._finish(task_id, str(reason))
            return False
        if not resume_interrupted(self._log, task):
            await self._log.commit(fail_fast=False)
            return False
        return True

    async def _why(self, context: JobContext, task_id: str) -> str:
        if context.abort_reason() is not AbortReason.USER_REQUEST:
            return "shutdown"
        with contextlib.suppress(Exception):
            return str(await self._storage.get_setting(CANCEL_KEY + task_id) or "aborted")
        return "aborted"

    async def _finish(self, task_id: str, reason: str) -> None:
        task = await self._log.load_task(task_id)
        if task is not None and not task.terminal:
            finish_cancelled(self._log, task_id, reason)
            await self._log.commit(fail_fast=False)

    # -- WorkQueue: what this process holds, and the snapshot of all -------------------------------
    def holds(self, task_id: str) -> bool:
        return task_id in self._held

    def submit(self, task_id: str) -> None:
        """Nothing to do: the job was enqueued with the task (`defer_in_batch`)."""

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def remove_pending(self) -> list[str]:
        return []  # pending jobs are withdrawn through the database (`withdraw_all`)

    def discard(self, task_id: str) -> bool:
        return False

    def cancel(self, task_id: str, reason: str) -> bool:
        """Cancel a run this process holds; True if it was running here."""
        run = self._held.get(task_id)
        if run is None or run.done():
            return False
        self._reasons[task_id] = reason
        run.cancel()
        return True

    def cancel_reason(self, task_id: str) -> str | None:
        return self._reasons.get(task_id)

    async def wait_stopped(self, task_ids: list[str], within: float) -> None:
        runs = [run for tid in task_ids if (run := self._held.get(tid)) is not None]
        if runs:
            await asyncio.wait(runs, timeout=within)

    def pending_ids(self) -> list[str]:
        return list(self._pending)

    def active_ids(self) -> list[str]:
        return list(dict.fromkeys([*self._held, *self._active]))

    # -- control across instances ------------------------------------------------------------
    async def _query(self, sql: str, **args: Any) -> list[dict[str, Any]]:
        await self.open()
        return list(await self.app.connector.execute_query_all_async(sql, **args))

    async def release(self, task_id: str) -> bool:
        """Withdraw the task's job if no worker took it yet. True when no worker holds the task
        now (its job was withdrawn, or it has none), so the caller may write its end."""
        held = False
        for row in await self._query(_JOBS_OF, lock=task_id):
            if row["status"] == "doing" or not await self.app.job_manager.cancel_job_by_id_async(row["id"]):
                held = True
        return not held

    async def request_abort(self, task_id: str, reason: str) -> None:
        """Ask the worker that holds the task to stop it, for `reason`."""
        await self._storage.set_setting(CANCEL_KEY + task_id, reason)
        for row in await self._query(_JOBS_OF, lock=task_id):
            await self.app.job_manager.cancel_job_by_id_async(row["id"], abort=True)

    async def wait_released(self, task_id: str, within: float) -> None:
        """Wait (bounded) until no worker holds the task."""
        # Polled: the worker's end reaches this instance only through the database.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while await self._held_anywhere(task_id):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)

    async def _held_anywhere(self, task_id: str) -> bool:
        return any(r["status"] == "doing" for r in await self._query(_JOBS_OF, lock=task_id))

    async def withdraw_all(self) -> list[str]:
        """Withdraw every job no worker took yet; the ids of their tasks, now held by the caller."""
        ids: list[str] = []
        for row in await self._query(_OPEN_JOBS, queue=QUEUE):
            if row["status"] == "todo" and await self.release(row["lock"]):
                ids.append(row["lock"])
        return ids

    async def adopt(self, task_ids: list[str]) -> int:
        """Enqueue the open tasks that have no job (written by a process on the local queue, before
        this database was shared); how many. The queueing lock keeps instances that start
        together from enqueueing one task twice."""
        from procrastinate.exceptions import AlreadyEnqueued

        known = {r["lock"] for r in await self._query(_OPEN_JOBS, queue=QUEUE)}
        adopted = 0
        for tid in task_ids:
            if tid in known:
                continue
            with contextlib.suppress(AlreadyEnqueued):
                await self.app.configure_task(TASK, lock=tid, queueing_lock=tid, queue=QUEUE).defer_async(task_id=tid)
                adopted += 1
        return adopted

    async def running_elsewhere(self) -> list[str]:
        return [r["lock"] for r in await self._query(_OPEN_JOBS, queue=QUEUE)
                if r["status"] == "doing" and r["lock"] not in self._held]

    async def nudge(self) -> None:
        """After a resume: the jobs the pause sent back may run now rather than at their retry time."""
        await self.open()
        await self.app.connector.execute_query_async(_NUDGE, queue=QUEUE)

    # -- background loops --------------------------------------------------------------------
    async def _watch(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                rows = await self._query(_OPEN_JOBS, queue=QUEUE)
                self._pending = [r["lock"] for r in rows if r["status"] == "todo"]
                self._active = [r["lock"] for r in rows if r["status"] == "doing"]
                self.paused = bool(await self._storage.get_setting(QUEUE_PAUSED_KEY))
            await asyncio.sleep(1.0)

    async def _sweep(self) -> None:
        """Every instance looks for the jobs of dead workers; the update lets exactly one win."""
        while True:
            await asyncio.sleep(max(1.0, self.stalled_seconds / 4))
            try:
                stalled = await self.app.job_manager.get_stalled_jobs(
                    queue=QUEUE, seconds_since_heartbeat=self.stalled_seconds)
                for job in stalled:
                    if await self._query(_REQUEUE_STALLED, id=job.id):
                        logger.warning("queue: the worker of task {} stopped answering; it goes back to the queue",
                                       job.task_kwargs.get("task_id"))
            except Exception as exc:  # the database may be restarting: next round
                logger.debug("stalled-job sweep failed: {}", exc)
