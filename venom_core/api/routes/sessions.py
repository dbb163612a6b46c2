"""Chat sessions.

`/api/v1/sessions`: the conversation list (newest first, pinned first, paged by a cursor in the
`Link` header), rename, pin and delete. Renames, pins and deletions are also appended to the
event log as `SESSION_UPDATED` / `SESSION_DELETED` system events, so every open tab follows them
on `/ws/events`.

`/api/v1/memory/session/{id}`: a session's history and summary (the reference's route); its
DELETE forgets the conversation like `DELETE /api/v1/sessions/{id}`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Self

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from venom_core.api.deps import ServicesDep, SessionsDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.pagination import LINK_HEADER, link_next
from venom_core.core.models import iso
from venom_core.services import Services
from venom_core.sessions.conversations import Conversation, InvalidCursor
from venom_core.sessions.store import SessionStore

router = APIRouter(prefix="/api/v1/memory/session", tags=["sessions"])
conversations = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])

SESSION_UPDATED = "SESSION_UPDATED"
SESSION_DELETED = "SESSION_DELETED"

SessionId = Annotated[str, Path(min_length=1, max_length=128)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SessionSummary(BaseModel):
    """One conversation of the list."""

    session_id: str
    title: str = Field(description="The first user message, trimmed, unless the conversation was renamed.")
    pinned: bool
    message_count: int = Field(description="Stored messages (user and assistant turns).")
    created_at: str
    updated_at: str = Field(description="Time of the last message (UTC, ISO 8601).")


class SessionPatch(BaseModel):
    """Rename and/or pin a conversation; at least one field."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    pinned: StrictBool | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.title is None and self.pinned is None:
            raise ValueError("give `title`, `pinned` or both")
        return self


class TurnView(BaseModel):
    role: str
    content: str
    task_id: str | None
    request_id: str | None = Field(description="The same as `task_id`: the id POST /api/v1/tasks answered "
                                   "(the reference client's name; it pairs a turn with its request).")
    session_id: str
    timestamp: str


class SessionHistory(BaseModel):
    status: str = "success"
    session_id: str
    history: list[TurnView] = Field(description="Oldest first.")
    summary: str
    count: int


class SessionDeleted(BaseModel):
    status: str = "success"
    session_id: str
    deleted_messages: int
    deleted_memory_entries: int


def _utc(ts: datetime) -> str:
    return iso(ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts)


def summary(c: Conversation) -> SessionSummary:
    return SessionSummary(session_id=c.session_id, title=c.title, pinned=c.pinned, message_count=c.message_count,
                          created_at=_utc(c.created_at), updated_at=_utc(c.updated_at))


def _not_found(session_id: str) -> ApiError:
    return ApiError(404, "session_not_found", f"There is no conversation with the id '{session_id}'.",
                    details={"session_id": session_id})


async def _forget(session_id: str, sessions: SessionStore, services: Services) -> SessionDeleted:
    removed = await sessions.delete(session_id)
    forgotten = 0
    memory = services.memory
    if memory is not None and memory.available:
        forgotten = await memory.forget_session(session_id)
    services.log.append(None, SESSION_DELETED, agent="Sessions", message=f"Conversation {session_id} deleted",
                        data={"session_id": session_id})
    return SessionDeleted(session_id=session_id, deleted_messages=removed, deleted_memory_entries=forgotten)


@conversations.get("", response_model=list[SessionSummary], responses={**error_responses(400, 422, 503), **LINK_HEADER})
async def list_sessions(
    request: Request,
    response: Response,
    sessions: SessionsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search titles and message text.")] = None,
    pinned: Annotated[bool | None, Query(description="Only pinned (true) or only unpinned (false).")] = None,
) -> list[SessionSummary]:
    """Conversations with history: pinned first, then the most recent message first.

    The next page's URL is in the `Link` header (`rel="next"`); follow it until there is none.
    """
    try:
        page = await sessions.conversations.page(limit=limit, cursor=cursor, q=q, pinned=pinned)
    except InvalidCursor:
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API returned; start again "
                       "without it.") from None
    link_next(request, response, page.next_cursor)
    return [summary(c) for c in page.items]


@conversations.get("/{session_id}", response_model=SessionSummary, responses=error_responses(404, 422, 503))
async def get_conversation(session_id: SessionId, sessions: SessionsDep) -> SessionSummary:
    """One conversation of the list (its history is `GET /api/v1/memory/session/{id}`)."""
    found = await sessions.conversations.get(session_id)
    if found is None:
        raise _not_found(session_id)
    return summary(found)


@conversations.patch("/{session_id}", response_model=SessionSummary, responses=error_responses(404, 422, 503))
async def update_conversation(session_id: SessionId, body: SessionPatch, sessions: SessionsDep,
                              services: ServicesDep) -> SessionSummary:
    """Rename (`title`) and/or pin (`pinned`). The order of the list is by last message, so neither moves it
    within its group; pinning moves it into the pinned group at the top."""
    updated = await sessions.conversations.update(session_id, title=body.title, pinned=body.pinned)
    if updated is None:
        raise _not_found(session_id)
    out = summary(updated)
    services.log.append(None, SESSION_UPDATED, agent="Sessions", message=f"Conversation {session_id} updated",
                        data=out.model_dump())
    return out


@conversations.delete("/{session_id}", response_model=SessionDeleted, responses=error_responses(404, 422, 503))
async def delete_conversation(session_id: SessionId, sessions: SessionsDep,
                              services: ServicesDep) -> SessionDeleted:
    """Delete the conversation: its history, summary and session memory. Its tasks keep their records."""
    if await sessions.conversations.get(session_id) is None:
        raise _not_found(session_id)
    return await _forget(session_id, sessions, services)


@router.get("/{session_id}", response_model=SessionHistory, responses=error_responses(422, 503))
async def get_session(session_id: SessionId, sessions: SessionsDep) -> SessionHistory:
    """History (oldest first) and summary. An unknown session is simply empty."""
    session = await sessions.get(session_id)
    history = [TurnView(**t.as_dict(), request_id=t.task_id, session_id=session_id) for t in session.turns]
    return SessionHistory(session_id=session_id, history=history, summary=session.summary, count=len(history))


@router.delete("/{session_id}", response_model=SessionDeleted, responses=error_responses(422, 503))
async def delete_session(session_id: SessionId, sessions: SessionsDep, services: ServicesDep) -> SessionDeleted:
    """Forget the session: history, summary, its entry in the conversation list and its long-term memory
    entries when memory is loaded. An unknown session is simply empty."""
    return await _forget(session_id, sessions, services)
