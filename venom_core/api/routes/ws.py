"""WebSocket `/ws/events`: the live event feed, filterable and resumable by `gseq`.

`?types=TASK_*,QUEUE_*` narrows by type (shell-style patterns), `?task_id=` by task and
`?since=<gseq>` replays stored events after that point first. A client that cannot keep up
is closed with 1013 (try again later) so it never slows the producer or other clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from loguru import logger

from venom_core.api.deps import services_of
from venom_core.core.models import Event, EventType

router = APIRouter(tags=["events"])

# Token text is the SSE stream's business; it would flood the telemetry feed.
DEFAULT_EXCLUDED = frozenset({EventType.TASK_STREAM.value})


def make_filter(types: str | None, task_id: str | None) -> tuple[list[str], str | None]:
    patterns = [p.strip().upper() for p in (types or "").split(",") if p.strip()]
    return patterns, task_id


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
    patterns, task_id = make_filter(params.get("types"), params.get("task_id"))
    since_raw = params.get("since")
    await ws.accept()
    if since_raw is not None and not since_raw.isdigit():
        await ws.close(code=1008, reason="since must be a non-negative integer gseq")
        return
    sub = services.bus.subscribe(lambda e: matches(e, patterns, task_id), maxsize=services.settings.VENOM_WS_QUEUE_SIZE)
    last = 0
    try:
        if since_raw is not None:
            last = int(since_raw)
            while True:
                replay = [e for e in await services.log.read_global(last, 1000) if matches(e, patterns, task_id)]
                if not replay:
                    break
                for ev in replay:
                    await ws.send_text(json.dumps(ev.envelope(), ensure_ascii=False))
                    last = ev.gseq
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


async def _send_live(ws: WebSocket, queue: asyncio.Queue[Event | None], after: int) -> None:
    while True:
        ev = await queue.get()
        if ev is None:
            return
        if ev.gseq > after:
            await ws.send_text(json.dumps(ev.envelope(), ensure_ascii=False))


async def _drain_client(ws: WebSocket) -> None:
    """Read and ignore client messages; returns when the client goes away."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await ws.receive_text()
