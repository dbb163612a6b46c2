"""The application's services, built once per app in the lifespan (no module-level state).

Subsystems plug in here: the runtime registry, the orchestrator and memory each replace or fill
one attribute of `Services` in `build_services` / `start_services`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from venom_core.config import Settings
from venom_core.core.event_log import EventLog
from venom_core.core.fanout import InProcessBus
from venom_core.core.first_run import ensure_workspace
from venom_core.core.system_info import system_status as collect_status
from venom_core.core.task_runner import TaskRunner
from venom_core.core.task_service import TaskService
from venom_core.core.usage_ledger import UsageLedger
from venom_core.core.watchdog import watch_stalled_tasks
from venom_core.core.work_queue import AsyncioWorkerPool
from venom_core.documents.folders import FolderSync
from venom_core.documents.service import DocumentService
from venom_core.memory.brain import Brain
from venom_core.memory.service import MemoryService
from venom_core.memory.wiring import build_memory, start_memory
from venom_core.orchestrator.autonomy import AutonomyGate
from venom_core.orchestrator.orchestrator import VenomOrchestrator
from venom_core.runtimes.registry import RuntimeRegistry
from venom_core.storage.sql import SqlStorage
from venom_core.tools.mcp.manager import McpManager
from venom_core.tools.registry import ToolRegistry
from venom_core.tools.wiring import build_tools, start_tools, stop_tools


@dataclass
class Services:
    settings: Settings
    storage: SqlStorage
    bus: InProcessBus
    log: EventLog
    runner: TaskRunner
    queue: AsyncioWorkerPool
    tasks: TaskService
    boot_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_at: float = field(default_factory=time.time)
    background: list[asyncio.Task[Any]] = field(default_factory=list)
    # Extra `/api/v1/system/services` probes registered by subsystems (runtimes, memory...).
    health_checks: list[Callable[[], Awaitable[dict[str, Any]]]] = field(default_factory=list)
    # Long-term memory and the knowledge graph (venom_core/memory); None when not built.
    memory: MemoryService | None = None
    brain: Brain | None = None
    # The agent orchestrator (venom_core/orchestrator): sessions, roadmap and autonomy live on it.
    orchestrator: VenomOrchestrator | None = None
    # The LLM runtime registry (venom_core/runtimes): providers, routing policy, streaming.
    runtimes: RuntimeRegistry | None = None
    # The tool registry (venom_core/tools) and the MCP servers whose tools are in it.
    tools: ToolRegistry | None = None
    mcp: McpManager | None = None
    # Uploaded documents (venom_core/documents): conversion, chunks, hybrid search.
    documents: DocumentService | None = None
    folders: FolderSync | None = None  # folders of the workspace kept in the document index
    # Token usage per provider and model, summed from the log's LLM_USAGE events.
    usage: UsageLedger | None = None


def build_services(settings: Settings) -> Services:
    storage = SqlStorage(settings.database_url, sqlite_synchronous=settings.VENOM_SQLITE_SYNCHRONOUS)
    bus = InProcessBus()
    log = EventLog(storage, bus)
    services_ref: dict[str, Services] = {}

    async def system_status() -> dict[str, Any]:
        return await collect_status(services_ref["s"])

    # One autonomy gate: the orchestrator checks agents' permissions with it, the runtime policy paid cloud use.
    autonomy = AutonomyGate(storage, settings.VENOM_AUTONOMY_LEVEL)
    usage = UsageLedger(log, storage, settings.VENOM_MODEL_PRICES)
    runtimes = RuntimeRegistry(settings, autonomy, usage_sink=usage.record)
    orchestrator = VenomOrchestrator(settings, system_status, autonomy)  # looks up services.runtimes per call
    runner = TaskRunner(log, orchestrator)
    queue = AsyncioWorkerPool(runner.run, settings.MAX_CONCURRENT_TASKS)
    runner.queue = queue
    tasks = TaskService(log, storage, queue, runner)
    services = Services(settings, storage, bus, log, runner, queue, tasks)
    services_ref["s"] = services
    services.orchestrator = orchestrator
    orchestrator.bind(services)
    services.memory, services.brain = build_memory(settings)
    services.runtimes = runtimes
    services.usage = usage
    tasks.runtime_info = runtimes.runtime_info  # every task records the runtime it will use
    services.health_checks.append(runtimes.health_check)
    build_tools(services, autonomy)
    services.documents = DocumentService(storage, log, services.memory, settings.VENOM_DATA_DIR / "documents",
                                         settings.VENOM_DOCUMENT_MAX_BYTES)
    services.folders = FolderSync(services.documents, storage, log, settings.VENOM_WORKSPACE,
                                  settings.VENOM_DOCUMENT_FOLDER_SCAN_SECONDS, settings.VENOM_DOCUMENT_FOLDER_MAX_FILES)
    return services


async def start_services(s: Services) -> None:
    s.settings.VENOM_DATA_DIR.mkdir(parents=True, exist_ok=True)
    ensure_workspace(s.settings.VENOM_WORKSPACE)  # a first `/file list` must not fail on a fresh install
    await s.storage.init()
    await s.log.start()
    if s.usage is not None:
        await s.usage.load()  # before any model call: a call is counted once, from the log or live
    if s.orchestrator is not None:
        await s.orchestrator.start()  # autonomy level from storage, before any task runs
    start_memory(s)  # background load; subscribes to task events before recovery re-queues tasks
    if s.runtimes is not None:
        s.runtimes.start()  # the model loads in the background; startup does not wait for it
    await start_tools(s)  # MCP servers connect in the background; startup does not wait for them
    await s.tasks.recover()
    if s.documents is not None:  # indexes in the background; re-queues what a stop interrupted
        s.background.append(asyncio.create_task(s.documents.run(), name="document-ingest"))
    if s.folders is not None:  # scans every folder once (what changed while stopped), then on a timer
        s.background.append(asyncio.create_task(s.folders.run(), name="document-folders"))
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
    await stop_tools(s)
    if s.runtimes is not None:
        await s.runtimes.close()
    await s.log.stop()
    await s.storage.close()
