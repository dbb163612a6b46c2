"""The current unit of work's trace, carried by a context variable (as datasette's tracer does).

Whoever runs a unit of work (the task runner, for a task) enters `tracing(tracer)` around it;
code deep below (the runtime registry's routing, retries, fallbacks and usage) calls the module
functions here, which write to the tracer of the work they run in, or do nothing outside one.
So the lower layers record into the task's trace without receiving the task, and without
knowing that tasks exist: to them the tracer is an opaque `scope` id with a trace and a context.
asyncio copies the context into tasks it creates (`create_task`, `wait_for`), so a call made in
a helper task of the same work is traced too. This module imports nothing of Venom.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol


class Tracer(Protocol):
    @property
    def scope(self) -> str:
        """The id the work's records belong to (a task id, for the task runner)."""

    @property
    def elapsed_ms(self) -> float: ...

    def trace(self, component: str, action: str, status: str = "ok", **details: Any) -> None:
        """One step of the trace."""

    def set_context(self, **values: Any) -> None:
        """Facts about the work (routing decision, runtime...), merged into its record."""


_current: ContextVar[Tracer | None] = ContextVar("venom_tracer", default=None)


@contextmanager
def tracing(tracer: Tracer) -> Iterator[Tracer]:
    token = _current.set(tracer)
    try:
        yield tracer
    finally:
        _current.reset(token)


def current() -> Tracer | None:
    return _current.get()


def scope() -> str | None:
    tracer = _current.get()
    return tracer.scope if tracer is not None else None


def elapsed_ms() -> float | None:
    tracer = _current.get()
    return round(tracer.elapsed_ms, 3) if tracer is not None else None


def trace(component: str, action: str, status: str = "ok", **details: Any) -> None:
    tracer = _current.get()
    if tracer is not None:
        tracer.trace(component, action, status, **details)


def set_context(**values: Any) -> None:
    tracer = _current.get()
    if tracer is not None:
        tracer.set_context(**values)
