"""Event fan-out behind a small interface. The embedded default delivers in-process.

Every subscriber has its own bounded queue. Publishing never blocks and never waits for a
subscriber: a subscriber whose queue is full is marked `overflowed` and cut off, so one slow
client cannot slow the producer or the other clients. It then resynchronises from the log
(SSE) or is closed with 1013 (WebSocket).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from venom_core.core.models import Event

EventFilter = Callable[[Event], bool]


class Subscription:
    def __init__(self, predicate: EventFilter, maxsize: int):
        self.predicate = predicate
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=maxsize)
        self.overflowed = asyncio.Event()
        self.closed = False

    def offer(self, event: Event) -> None:
        if self.closed or not self.predicate(event):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.closed = True
            self.overflowed.set()
            # Wake a consumer blocked in get(): drop what is queued and leave a sentinel.
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class EventBus(Protocol):
    def subscribe(self, predicate: EventFilter, maxsize: int = 1000) -> Subscription: ...

    def unsubscribe(self, sub: Subscription) -> None: ...

    def publish(self, event: Event) -> None: ...

    @property
    def subscriber_count(self) -> int: ...


class InProcessBus:
    """Fan-out to asyncio queues in this process. Must be used from the event loop thread."""

    def __init__(self) -> None:
        self._subs: set[Subscription] = set()

    def subscribe(self, predicate: EventFilter, maxsize: int = 1000) -> Subscription:
        sub = Subscription(predicate, maxsize)
        self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        sub.closed = True
        self._subs.discard(sub)

    def publish(self, event: Event) -> None:
        for sub in tuple(self._subs):
            sub.offer(event)
            if sub.closed:
                self._subs.discard(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subs)
