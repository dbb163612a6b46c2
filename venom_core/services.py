"""The application's services, built once per app in the lifespan (no module-level state).

`build_services` builds the object graph bottom-up: every object receives the collaborators it
uses, already built, in its constructor, and nothing is attached afterwards. The one cycle of
the domain (a running task may submit tasks to the queue that runs it) is cut by the queue's
consumer loop: the queue is built first and receives the runner only as the argument of
`serve`, started in `start_services`. docs/ARCHITECTURE.md draws the graph.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from loguru import logger

from venom_core.agents.base import Llm
from venom_core.agents.catalog import build_agents
from venom_core.agents.spec import AgentDeps
from venom_core.benchmark.service import BenchmarkService
from venom_core.benchmark.store import BenchmarkStore
from venom_core.config import Settings
from venom_core.core.event_log import EventLog
from venom_core.core.fanout import InProcessBus
from venom_core.core.first_run import ensure_workspace
from venom_core.core.live_tail import LiveTail
from venom_core.core.system_info import SystemInfo
from venom_core.core.task_runner import TaskRunner
from venom_core.core.task_service import RuntimeInfo, TaskService
from venom_core.core.usage_ledger import UsageLedger
from venom_core.core.watchdog import watch_stalled_tasks
from venom_core.core.work_queue import AsyncioWorkerPool, WorkQueue
from venom_core.documents.folders import FolderSync
from venom_core.documents.service import DocumentService
from venom_core.memory.brain import Brain
from venom_core.memory.enrichment import EntityEnricher
from venom_core.memory.service import MemoryService
from venom_core.memory.wiring import build_memory, start_memory
from venom_core.net.outbound import outbound_fetcher
from venom_core.orchestrator.autonomy import AutonomyGate
from venom_core.orchestrator.context import ContextBuilder
from venom_core.orchestrator.dispatch import AgentDispatch
from venom_core.orchestrator.intent_router import IntentRouter
from venom_core.orchestrator.orchestrator import VenomOrchestrator
from venom_core.runtimes.model_defaults import ModelDefaultsStore
from venom_core.runtimes.registry import RuntimeRegistry
from venom_core.schedules.scheduler import Scheduler
from venom_core.schedules.store import ScheduleStore
from venom_core.sessions.store import SessionStore
from venom_core.storage.sql import BatchHook, SqlStorage
from venom_core.strategy.store import RoadmapStore
from venom_core.tools.approvals import Approvals
from venom_core.tools.builtin import BuiltinDeps
from venom_core.tools.invoker import GatedInvoker
from venom_core.tools.mcp.manager import McpManager
from venom_core.tools.registry import ToolRegistry
from venom_core.tools.wiring import build_tools
from venom_core.tools.workspace import Workspace

HealthCheck = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Services:
    settings: Settings
    storage: SqlStorage
    bus: InProcessBus
    log: EventLog
    queue: WorkQueue
    tasks: TaskService
    runner: TaskRunner
    # Boot id, start time and the readiness figures (`/api/v1/system/status`, INFRA_STATUS).
    system: SystemInfo
    # The LLM runtime registry (venom_core/runtimes): providers, routing policy, streaming.
    runtimes: RuntimeRegistry
    # Token usage per provider and model, summed from the log's LLM_USAGE events.
    usage: UsageLedger
    # Long-term memory, the knowledge graph and its (opt-in) LLM entity enricher (venom_core/memory).
    memory: MemoryService
    brain: Brain
    enricher: EntityEnricher
    # The agent orchestrator (venom_core/orchestrator): intent router, agent dispatch, context builder.
    orchestrator: VenomOrchestrator
    # One autonomy gate per app: agents' permissions, tools, approvals and paid cloud use are checked with it.
    autonomy: AutonomyGate
    sessions: SessionStore  # conversations and their history (the context builder reads the same store)
    roadmap: RoadmapStore  # the strategy routes, the Architect's agent and the roadmap tools
    llm: Llm  # the agents' model handle; the strategy route's roadmap draft calls it too
    # The tool registry (venom_core/tools) and the MCP servers whose tools are in it.
    tools: ToolRegistry
    mcp: McpManager
    approvals: Approvals  # tool policies and the pending `ask` calls (persisted)
    # Uploaded documents (venom_core/documents): conversion, chunks, hybrid search.
    documents: DocumentService
    folders: FolderSync  # folders of the workspace kept in the document index
    # Automations (venom_core/schedules): prompts run as tasks on a cron timetable.
    schedules: Scheduler
    # Model benchmarks (venom_core/benchmark): one run at a time, results stored.
    benchmarks: BenchmarkService
    # Extra `/api/v1/system/services` rows of the subsystems (runtimes, memory).
    health_checks: tuple[HealthCheck, ...]
    # The background jobs started by `start_services` (the one mutable part: it is the run's state).
    background: list[asyncio.Task[Any]] = field(default_factory=list)

    @property
    def boot_id(self) -> str:
        return self.system.boot_id

    @property
    def started_at(self) -> float:
        return self.system.started_at


def build_services(settings: Settings) -> Services:
    s = settings
    shared = s.shared_queue  # VENOM_QUEUE=postgres: one queue for every instance and worker (pg_queue.py)
    storage = SqlStorage(s.database_url, sqlite_synchronous=s.VENOM_SQLITE_SYNCHRONOUS,
                         in_batch=_shared_queue_hook() if shared else None)
    bus = InProcessBus()
    log = EventLog(storage, bus, live_tail(s, storage))
    # One autonomy gate: the orchestrator checks agents' permissions with it, the runtime policy paid cloud use.
    autonomy = AutonomyGate(storage, s.VENOM_AUTONOMY_LEVEL, s.VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL)
    usage = UsageLedger(log, storage, s.VENOM_MODEL_PRICES)
    runtimes = RuntimeRegistry(s, autonomy, usage.record, ModelDefaultsStore(storage))
    memory, brain, enricher = build_memory(s, runtimes)
    queue, tasks = _queue_and_tasks(s, storage, log, runtimes.runtime_info)  # every task records its runtime
    system = SystemInfo(log, tasks, storage, s.VENOM_WORKSPACE)
    sessions = SessionStore(storage, window=s.VENOM_SESSION_HISTORY_TURNS)
    roadmap = RoadmapStore(storage, log.load_task)
    llm = Llm(runtimes)
    workspace = Workspace(s.VENOM_WORKSPACE)
    fetcher = outbound_fetcher(s)
    # Before the agents: they call their tools (and the chat agent its tool loop) through the registry.
    tools, mcp = build_tools(s, log, autonomy, BuiltinDeps(
        workspace=workspace, fetcher=fetcher, search_url=s.VENOM_SEARCH_URL,
        memory=memory, status=system.status, roadmap=roadmap))
    approvals = Approvals(storage, tools.events, autonomy, s.VENOM_APPROVAL_TIMEOUT_S)
    # Every agent's tool call, the chat agent's tool loop too: the approval gate, then the registry.
    invoker = GatedInvoker(tools, approvals, mcp.settle)
    agents = build_agents(AgentDeps(s, llm, workspace, tasks, bus, roadmap, tools, invoker))
    documents = DocumentService(storage, log, memory, s.VENOM_DATA_DIR / "documents", s.VENOM_DOCUMENT_MAX_BYTES)
    context = ContextBuilder(sessions, memory, documents, s)
    orchestrator = VenomOrchestrator(IntentRouter(llm, s.INTENT_CLASSIFIER_TIMEOUT_SECONDS),
                                     AgentDispatch(agents, autonomy, system.status), context)
    runner = TaskRunner(log, orchestrator, queue)
    folders = FolderSync(documents, storage, log, s.VENOM_WORKSPACE, s.VENOM_DOCUMENT_FOLDER_SCAN_SECONDS,
                         s.VENOM_DOCUMENT_FOLDER_MAX_FILES)
    schedules = Scheduler(ScheduleStore(storage), tasks.submit)
    return Services(s, storage, bus, log, queue, tasks, runner, system, runtimes, usage, memory, brain, enricher,
                    orchestrator, autonomy, sessions, roadmap, llm, tools, mcp, approvals, documents, folders,
                    schedules,
                    benchmarks=BenchmarkService(runtimes, BenchmarkStore(storage), log),
                    health_checks=(runtimes.health_check, memory.health))


def _shared_queue_hook() -> BatchHook:
    from venom_core.core.pg_queue import defer_in_batch  # procrastinate loads only when it is used

    return defer_in_batch


def _queue_and_tasks(s: Settings, storage: SqlStorage, log: EventLog,
                     runtime_info: RuntimeInfo) -> tuple[WorkQueue, TaskService]:
    if not s.shared_queue:
        pool = AsyncioWorkerPool(s.MAX_CONCURRENT_TASKS)
        return pool, TaskService(log, storage, pool, runtime_info)
    from venom_core.core.pg_queue import SharedQueue
    from venom_core.core.shared_tasks import SharedTaskService

    queue = SharedQueue(s.database_url, storage, log, limit=s.MAX_CONCURRENT_TASKS,
                        runs_tasks=s.VENOM_ROLE != "api", stalled_seconds=s.VENOM_QUEUE_STALLED_SECONDS)
    return queue, SharedTaskService(log, storage, queue, runtime_info)

def live_tail(s: Settings, storage: SqlStorage) -> LiveTail | None:
    """Other processes' events, when the database is shared (PostgreSQL); SQLite has one writer."""
    if not storage.allocates_gseq:
        if s.VENOM_REDIS_URL:
            logger.warning("VENOM_REDIS_URL is ignored: streams across instances need a PostgreSQL database")
        return None
    return LiveTail(s.database_url, s.VENOM_REDIS_URL, stream=s.VENOM_REDIS_STREAM,
                    maxlen=s.VENOM_REDIS_STREAM_MAXLEN, poll_seconds=s.VENOM_STREAM_POLL_SECONDS)


async def start_services(s: Services) -> None:
    s.settings.VENOM_DATA_DIR.mkdir(parents=True, exist_ok=True)
    ensure_workspace(s.settings.VENOM_WORKSPACE)  # a first `/file list` must not fail on a fresh install
    await s.storage.init()
    await s.log.start()
    await s.usage.load()  # before any model call: a call is counted once, from the log or live
    await s.autonomy.load()  # the stored level, before any task runs
    await s.orchestrator.start()  # the known sessions, so a new chat session needs no database read
    # Background load; the lesson listener subscribes to task events before recovery re-queues tasks.
    s.background.extend(start_memory(s.memory, s.brain, s.enricher, s.bus, s.tasks))
    await s.runtimes.model_defaults.load()  # before any model call uses them
    s.runtimes.start()  # the model loads in the background; startup does not wait for it
    await s.mcp.start()  # reads the file; every server then connects in its own background task
    await s.approvals.load()  # before recovery: a re-run task finds its pending approval
    await s.benchmarks.load()  # runs a stop interrupted are marked so
    s.background.append(asyncio.create_task(s.queue.serve(s.runner.run), name="work-queue"))
    await s.tasks.recover()
    # Indexes in the background; re-queues what a stop interrupted.
    s.background.append(asyncio.create_task(s.documents.run(), name="document-ingest"))
    # Scans every folder once (what changed while stopped), then on a timer.
    s.background.append(asyncio.create_task(s.folders.run(), name="document-folders"))
    # Fires due schedules (after recovery, so a missed run is an ordinary new task).
    s.background.append(asyncio.create_task(s.schedules.run(), name="scheduler"))
    s.background.append(
        asyncio.create_task(
            watch_stalled_tasks(s.tasks, s.settings.VENOM_TASK_STALL_SECONDS,
                                s.settings.VENOM_WATCHDOG_INTERVAL_SECONDS),
            name="watchdog",
        )
    )


async def stop_services(s: Services) -> None:
    for job in s.background:
        job.cancel()
    for job in s.background:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await job
    await s.queue.stop()
    await s.mcp.stop()
    await s.runtimes.close()
    await s.log.stop()
    await s.storage.close()
