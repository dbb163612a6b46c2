"""SSE `GET /api/v1/tasks/{id}/stream`: live task updates with `Last-Event-ID` resume."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response, StreamingResponse
from starlette.types import Send

from venom_core.api.deps import ServicesDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.event_docs import STREAM_EVENT
from venom_core.api.routes.tasks import TaskId
from venom_core.core.task_stream import FinalFrame, task_frames

router = APIRouter(prefix="/api/v1", tags=["tasks"])

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-sent events: `task_update`, `heartbeat`, `task_finished`, `task_missing`; "
                       "each frame's `data:` is the JSON of its `data` in `TaskStreamFrame`. Only "
                       "`task_update` frames carry an `id:` (the last seq they cover), so ids are unique and "
                       "increasing and `Last-Event-ID` resumes without repeats or gaps.",
        "content": {"text/event-stream": {"schema": {"$ref": f"#/components/schemas/{STREAM_EVENT}"}}},
    }
}


class SseResponse(StreamingResponse):
    """A stream whose `FinalFrame` is sent together with the end of the body (one write, not two)."""

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for chunk in self.body_iterator:
            body = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
            if isinstance(chunk, FinalFrame):
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _resume(first: str, rest: AsyncIterator[str]) -> AsyncIterator[str]:
    if first:
        yield first
    async for chunk in rest:
        yield chunk


MAX_EVENT_ID = 10**12
_EVENT_ID = re.compile(r"[0-9]{1,13}")  # ASCII digits only: str.isdigit() accepts "²" and "٣"


def parse_last_event_id(header: str | None, query: int | None) -> int:
    """The seq to resume after. A header that is not an id this stream sent (`id:` lines are
    ASCII digits) is refused with 400 rather than ignored, so a client bug shows up at once."""
    if query is not None:
        return query
    if header is None or header.strip() == "":
        return 0
    text = header.strip()
    if not _EVENT_ID.fullmatch(text) or int(text) > MAX_EVENT_ID:
        raise ApiError(400, "invalid_last_event_id",
                       f"Last-Event-ID must be an event id this stream sent: ASCII digits, 0 to {MAX_EVENT_ID}.")
    return int(text)


@router.get("/tasks/{task_id}/stream", response_class=StreamingResponse,
            responses={**SSE_RESPONSE, **error_responses(400, 422, 503)})
async def stream_task(
    task_id: TaskId,
    services: ServicesDep,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID", max_length=64)] = None,
    last_event_id: Annotated[int | None, Query(ge=0, le=MAX_EVENT_ID)] = None,
) -> Response:
    """Replays what the client has not seen, then streams live until the task finishes.

    Disconnecting does not cancel the task.
    """
    after = parse_last_event_id(last_event_id_header, last_event_id)
    frames = task_frames(services.log, task_id, after, services.settings.VENOM_SSE_HEARTBEAT_SECONDS)
    first = await anext(frames)  # the replay, never a wait for live events
    if isinstance(first, FinalFrame):  # already over (the usual case for fast paths): one plain body
        await frames.aclose()
        return Response(first, media_type="text/event-stream", headers=SSE_HEADERS)
    return SseResponse(_resume(first, frames), media_type="text/event-stream", headers=SSE_HEADERS)
