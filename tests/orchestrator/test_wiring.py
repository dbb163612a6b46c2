"""The object graph is built bottom-up: `Services` is frozen, every field is set, nothing is optional,
and the runtime layer traces into the current task through the context variable, not a parameter."""

from __future__ import annotations

import asyncio
import dataclasses
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from venom_core import tracer
from venom_core.config import Settings
from venom_core.core.models import TERMINAL_EVENTS, TaskStatus
from venom_core.services import Services, build_services, start_services, stop_services


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(_env_file=None, VENOM_DATA_DIR=tmp_path / "data", VENOM_LOG_DIR=tmp_path / "logs",  # type: ignore[call-arg]
                    VENOM_WORKSPACE=tmp_path / "workspace", VENOM_MEMORY_ENABLED=False, **extra)


def test_services_has_no_optional_field() -> None:
    hints = typing.get_type_hints(Services)
    for f in dataclasses.fields(Services):
        hint = hints[f.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union \
            else ()
        assert type(None) not in args, f"Services.{f.name} is optional: {hint}"


async def test_services_are_frozen_and_complete(tmp_path: Path) -> None:
    services = build_services(_settings(tmp_path))
    for f in dataclasses.fields(Services):
        assert getattr(services, f.name) is not None, f.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        services.memory = services.memory  # type: ignore[misc]
    # Each collaborator is the one object of the graph, handed down (not a copy, not looked up later).
    assert services.orchestrator.router.llm is services.llm
    assert services.llm.registry is services.runtimes
    assert services.orchestrator.dispatch.autonomy is services.autonomy
    assert services.tools.autonomy is services.autonomy  # one gate for the agents and the tools
    assert services.orchestrator.context.sessions is services.sessions
    assert services.orchestrator.context.memory is services.memory
    assert services.orchestrator.context.documents is services.documents
    assert services.runner.orchestrator is services.orchestrator
    assert services.tasks.queue is services.queue
    assert services.system.tasks is services.tasks


class _Sink:
    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.elapsed_ms = 1.0
        self.steps: list[tuple[str, str, str, dict[str, Any]]] = []
        self.context: dict[str, Any] = {}

    def trace(self, component: str, action: str, status: str = "ok", **details: Any) -> None:
        self.steps.append((component, action, status, details))

    def set_context(self, **values: Any) -> None:
        self.context.update(values)


async def test_the_tracer_follows_the_work_into_its_helper_tasks() -> None:
    tracer.trace("LLM", "ignored")  # outside any work: nothing to record into, nothing fails
    assert tracer.scope() is None
    first, second = _Sink("task-1"), _Sink("task-2")

    async def work(sink: _Sink) -> None:
        with tracer.tracing(sink):
            await asyncio.sleep(0)
            # asyncio copies the context into the tasks the work starts (wait_for, create_task).
            await asyncio.wait_for(asyncio.create_task(_step()), 5)
            tracer.set_context(done=True)

    async def _step() -> None:
        tracer.trace("LLM", "request_sent", provider="embedded", scope=tracer.scope())

    await asyncio.gather(work(first), work(second))  # two tasks at once never see each other's tracer
    assert first.steps == [("LLM", "request_sent", "ok", {"provider": "embedded", "scope": "task-1"})]
    assert second.steps == [("LLM", "request_sent", "ok", {"provider": "embedded", "scope": "task-2"})]
    assert first.context == second.context == {"done": True}
    assert tracer.current() is None


async def test_tasks_run_through_the_queue_loop_and_stop_with_it(tmp_path: Path) -> None:
    """The queue's consumer loop, started with the runner, runs tasks up to the limit; a paused
    queue keeps them; stopping the services ends the loop and the running work."""
    services = build_services(_settings(tmp_path, VENOM_RUNTIME_PROFILE="llm_off", MAX_CONCURRENT_TASKS=2))
    await start_services(services)
    try:
        done = services.bus.subscribe(lambda e: e.type in TERMINAL_EVENTS)
        await services.tasks.pause()
        held = [await services.tasks.submit("/help", {}) for _ in range(3)]
        assert services.tasks.status()["pending"] == 3 and services.tasks.status()["active"] == 0
        await services.tasks.resume()
        finished: set[str] = set()
        async with asyncio.timeout(60):
            while len(finished) < len(held):
                event = await done.queue.get()
                assert event is not None
                finished.add(str(event.task_id))
        assert finished == {t.id for t in held}
        for task in held:
            assert (await services.tasks.get(task.id)).status is TaskStatus.COMPLETED
        await services.queue.wait_stopped([t.id for t in held], within=30)  # the slot is freed after the commit
        assert services.tasks.status()["active"] == 0
    finally:
        await stop_services(services)
    assert all(job.done() for job in services.background)
