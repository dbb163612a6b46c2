"""WebSocket `/ws/events`: the live event feed, filterable and resumable by `gseq`.

`?types=TASK_*,QUEUE_*` narrows by type (shell-style patterns), `?task_id=` by task and
`?since=<gseq>` replays stored events after that point first. A client that cannot keep up
is closed with 1013 (try again later) so it never slows the producer or other clients.

Only stored events carry a `gseq`; a message that is not stored (SYSTEM_LOG) has `gseq: null`,
is never replayed, and is sent live as it comes. So resuming from the last `gseq` a client saw
gives every stored event after it exactly once. A query the server cannot use is refused with
close code 1008 (policy violation) and a reason; a storage fault while replaying with 1011.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import re

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from loguru import logger

from venom_core.api.deps import services_of
from venom_core.core.event_log import EventLog
from venom_core.core.models import Event, EventType
from venom_core.storage.base import StorageUnavailable

router = APIRouter(tags=["events"])

# Token text is the SSE stream's business; it would flood the telemetry feed.
DEFAULT_EXCLUDED = frozenset({EventType.TASK_STREAM.value})


_SINCE = re.compile(r"[0-9]{1,18}")  # ASCII digits only: str.isdigit() accepts "²" and "٣"
_TYPES = re.compile(r"[A-Za-z0-9_*?!\[\],\s]{0,1000}")
_TASK_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class BadQuery(ValueError):
    """A query parameter the feed cannot use; the message is the close reason (short)."""


def make_filter(types: str | None, task_id: str | None) -> tuple[list[str], str | None]:
    if types is not None and not _TYPES.fullmatch(types):
        raise BadQuery("types must be event type names or shell patterns, comma-separated")
    if task_id is not None and not _TASK_ID.fullmatch(task_id):
        raise BadQuery("task_id must be a task id (1-64 characters)")
    patterns = [p.strip().upper() for p in (types or "").split(",") if p.strip()]
    return patterns, task_id


def parse_since(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not _SINCE.fullmatch(raw):
        raise BadQuery("since must be a non-negative integer gseq (ASCII digits)")
    return int(raw)


def matches(event: Event, patterns: list[str], task_id: str | None) -> bool:
    if task_id is not None and event.task_id != task_id:
        return False
    if patterns:
        return any(fnmatch.fnmatchcase(event.type, p) for p in patterns)
    return event.type not in DEFAULT_EXCLUDED


@router.websocket("/ws/events")
async def events_feed(ws: WebSocket) -> None:
    services = services_of(ws)
    params = ws.query_params
    try:
        patterns, task_id = make_filter(params.get("types"), params.get("task_id"))
        since = parse_since(params.get("since"))
    except BadQuery as exc:
        await ws.accept()
        await ws.close(code=1008, reason=str(exc))
        return
    # Subscribed before the handshake completes: an event that a client causes as soon as it is
    # connected must not fall between the accept and the subscription.
    sub = services.bus.subscribe(lambda e: matches(e, patterns, task_id), maxsize=services.settings.VENOM_WS_QUEUE_SIZE)
    last = 0
    try:
        await ws.accept()
        if since is not None:
            try:
                last = await _replay(ws, services.log, since, patterns, task_id)
            except StorageUnavailable:
                # The reason must fit a close frame (123 bytes); the full sentence is in /system/services.
                await ws.close(code=1011, reason="storage unavailable; retry later with ?since=<gseq>")
                return
        sender = asyncio.create_task(_send_live(ws, sub.queue, last))
        reader = asyncio.create_task(_drain_client(ws))
        overflow = asyncio.create_task(sub.overflowed.wait())
        done, pending = await asyncio.wait({sender, reader, overflow}, return_when=asyncio.FIRST_COMPLETED)
        for job in pending:
            job.cancel()
        for job in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await job
        if overflow in done:
            logger.warning("dropping a slow /ws/events client (queue full)")
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=1013, reason="client too slow; reconnect with ?since=<gseq>"), 1)
    except WebSocketDisconnect:
        pass
    finally:
        services.bus.unsubscribe(sub)


async def _replay(ws: WebSocket, log: EventLog, since: int, patterns: list[str], task_id: str | None) -> int:
    """Send the stored events after `since`; returns the last gseq read."""
    last = since
    while True:
        page = await log.read_global(last, 1000)
        if not page:
            return last
        for ev in page:
            if matches(ev, patterns, task_id):
                await ws.send_text(json.dumps(ev.envelope(), ensure_ascii=False))
        last = page[-1].gseq


async def _send_live(ws: WebSocket, queue: asyncio.Queue[Event | None], after: int) -> None:
    while True:
        ev = await queue.get()
        if ev is None:
            return
        # A stored event may also have been replayed; an unstored one never is.
        if not ev.stored or ev.gseq > after:
            await ws.send_text(json.dumps(ev.envelope(), ensure_ascii=False))


async def _drain_client(ws: WebSocket) -> None:
    """Read and ignore client messages; returns when the client goes away."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await ws.receive_text()
