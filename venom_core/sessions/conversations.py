"""The conversation list: one `chat_sessions` row per session with history, paged newest first.

Order: pinned conversations first, then by the time of the last message, newest first, then by
id (a total order, so keyset pages never repeat or skip a row that did not move). The cursor is
the last row's sort key, opaque to clients. A conversation that receives a message while a
client pages moves to the top: the client sees it there on its next first page.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from venom_core.sessions.tables import chat_sessions, session_messages
from venom_core.sessions.titles import make_title
from venom_core.storage.sql import SqlStorage


class InvalidCursor(ValueError):
    """The cursor was not made by `encode_cursor` (tampered, truncated or from another list)."""


@dataclass(frozen=True, slots=True)
class Conversation:
    session_id: str
    title: str
    pinned: bool
    message_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ConversationPage:
    items: list[Conversation]
    next_cursor: str | None


def encode_cursor(row: Conversation) -> str:
    key = [int(row.pinned), row.updated_at.isoformat(), row.session_id]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[bool, datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        pinned, updated, session_id = json.loads(raw)
        if pinned not in (0, 1) or not isinstance(session_id, str) or not isinstance(updated, str):
            raise InvalidCursor(cursor)
        at = datetime.fromisoformat(updated)
        if at.tzinfo is not None:  # the stored times are naive UTC; ours never carry a zone
            at = at.astimezone(UTC).replace(tzinfo=None)
        return bool(pinned), at, session_id
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise InvalidCursor(cursor) from exc


def _row(r: Any) -> Conversation:
    return Conversation(r.session_id, r.title, bool(r.pinned), int(r.message_count), r.created_at, r.updated_at)


def on_append(dialect: str) -> sa.Executable:
    """Insert the conversation row, or bump its count and last-message time (titles are kept)."""
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite as dml
    else:
        from sqlalchemy.dialects import postgresql as dml  # type: ignore[no-redef]
    stmt = dml.insert(chat_sessions)
    return stmt.on_conflict_do_update(
        index_elements=["session_id"],
        set_={"updated_at": stmt.excluded.updated_at,
              "message_count": chat_sessions.c.message_count + stmt.excluded.message_count},
    )


def append_values(session_id: str, turns: list[tuple[str, str]], now: datetime) -> dict[str, Any]:
    first_user = next((content for role, content in turns if role == "user"), "")
    return {"session_id": session_id, "title": make_title(first_user), "pinned": False,
            "message_count": len(turns), "created_at": now, "updated_at": now}


class Conversations:
    def __init__(self, storage: SqlStorage):
        self.storage = storage

    async def page(self, *, limit: int, cursor: str | None = None, q: str | None = None,
                   pinned: bool | None = None) -> ConversationPage:
        """One page, newest first (pinned first). Raises `InvalidCursor` for a cursor not ours."""
        after = decode_cursor(cursor) if cursor else None
        t = chat_sessions.c
        query = sa.select(chat_sessions)
        if pinned is not None:
            query = query.where(t.pinned == pinned)
        needle = (q or "").strip()
        if needle:
            in_history = sa.exists().where(session_messages.c.session_id == t.session_id,
                                           session_messages.c.content.icontains(needle, autoescape=True))
            query = query.where(sa.or_(t.title.icontains(needle, autoescape=True), in_history))
        if after is not None:
            query = query.where(sa.tuple_(t.pinned, t.updated_at, t.session_id) < sa.tuple_(
                sa.literal(after[0]), sa.literal(after[1]), sa.literal(after[2])))
        query = query.order_by(t.pinned.desc(), t.updated_at.desc(), t.session_id.desc()).limit(limit + 1)
        rows = await self.storage.run(lambda conn: [_row(r) for r in conn.execute(query)])
        items = rows[:limit]
        return ConversationPage(items, encode_cursor(items[-1]) if len(rows) > limit else None)

    async def get(self, session_id: str) -> Conversation | None:
        query = sa.select(chat_sessions).where(chat_sessions.c.session_id == session_id)

        def read(conn: Connection) -> Conversation | None:
            row = conn.execute(query).first()
            return _row(row) if row is not None else None

        return await self.storage.run(read)

    async def update(self, session_id: str, *, title: str | None = None,
                     pinned: bool | None = None) -> Conversation | None:
        """Rename and/or pin; None when there is no such conversation."""
        values: dict[str, Any] = {}
        if title is not None:
            values["title"] = title
        if pinned is not None:
            values["pinned"] = pinned
        t = chat_sessions.c

        def write(conn: Connection) -> Conversation | None:
            if values:
                conn.execute(chat_sessions.update().where(t.session_id == session_id).values(**values))
            row = conn.execute(sa.select(chat_sessions).where(t.session_id == session_id)).first()
            return _row(row) if row is not None else None

        return await self.storage.run(write, write=True)
