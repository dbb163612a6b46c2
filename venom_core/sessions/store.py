"""Session history and summary in SQL, with a small in-memory cache for the chat hot path.

Why a cache: the chat agent reads the history before its first token, and the time to first
token is budgeted in milliseconds. The cache is filled on first read from the database and kept
in step by every write, so after a restart the history comes back from SQL.

The summary is heuristic (no model call, like the reference's `SUMMARY_STRATEGY=heuristic_only`):
turns that fall out of the history window are condensed into it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from venom_core.core.models import iso
from venom_core.sessions.conversations import Conversations, append_values, on_append
from venom_core.sessions.tables import chat_sessions, session_messages, session_summaries
from venom_core.storage.sql import SqlStorage, upsert

CACHE_SESSIONS = 256
SUMMARY_MAX_CHARS = 1000


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    content: str
    task_id: str | None
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"role": self.role, "content": self.content, "task_id": self.task_id, "timestamp": iso(self.at)}


@dataclass(slots=True)
class Session:
    turns: list[Turn]
    summary: str


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class SessionStore:
    def __init__(self, storage: SqlStorage, window: int = 20):
        self.storage = storage
        self.window = window
        self._cache: OrderedDict[str, Session] = OrderedDict()
        # Ids of every session with stored turns (this store is their only writer). A message in a
        # new session, the usual first message of a chat, then needs no database read before its
        # first token. None until `load_known()` ran: every miss reads the database.
        self._known: set[str] | None = None
        self._upsert_summary = upsert(session_summaries, storage.dialect)
        self._upsert_conversation = on_append(storage.dialect)
        self.conversations = Conversations(storage)

    async def load_known(self) -> None:
        """Read the ids of the sessions that have history (once, at start)."""
        query = sa.select(session_messages.c.session_id).distinct()
        self._known = await self.storage.run(lambda conn: {r[0] for r in conn.execute(query)})

    async def get(self, session_id: str) -> Session:
        cached = self._cache.get(session_id)
        if cached is not None:
            self._cache.move_to_end(session_id)
            return cached
        if self._known is not None and session_id not in self._known:
            session = Session([], "")
            self._remember(session_id, session)
            return session

        def read(conn: Connection) -> tuple[Sequence[Any], str | None]:
            rows = conn.execute(
                sa.select(session_messages).where(session_messages.c.session_id == session_id)
                .order_by(session_messages.c.id)
            ).all()
            summary = conn.scalar(
                sa.select(session_summaries.c.summary).where(session_summaries.c.session_id == session_id)
            )
            return rows, summary

        rows, summary = await self.storage.run(read)
        session = Session([Turn(r.role, r.content, r.task_id, r.created_at.replace(tzinfo=UTC)) for r in rows],
                          summary or "")
        self._remember(session_id, session)
        return session

    def _remember(self, session_id: str, session: Session) -> None:
        self._cache[session_id] = session
        self._cache.move_to_end(session_id)
        while len(self._cache) > CACHE_SESSIONS:
            self._cache.popitem(last=False)

    async def append(self, session_id: str, turns: list[tuple[str, str]], task_id: str | None) -> None:
        """Add turns (role, content) and refresh the summary when the history outgrows its window."""
        session = await self.get(session_id)
        now = _now()
        rows = [{"session_id": session_id, "role": role, "content": content, "task_id": task_id, "created_at": now}
                for role, content in turns]
        new_turns = [Turn(role, content, task_id, now.replace(tzinfo=UTC)) for role, content in turns]
        summary = session.summary
        if len(session.turns) + len(new_turns) > self.window:
            summary = summarize((session.turns + new_turns)[: -self.window], session.summary)
        changed = None
        if summary != session.summary:
            changed = {"session_id": session_id, "summary": summary, "updated_at": now}

        conversation = append_values(session_id, turns, now)

        def write(conn: Connection) -> None:
            conn.execute(session_messages.insert(), rows)
            conn.execute(self._upsert_conversation, conversation)
            if changed is not None:
                conn.execute(self._upsert_summary, changed)

        await self.storage.run(write, write=True)
        session.turns.extend(new_turns)
        session.summary = summary
        if self._known is not None:
            self._known.add(session_id)

    async def clear(self, session_id: str) -> int:
        """Delete the session's history and summary (`/clear`); returns how many turns were removed.

        The conversation stays in the list, with its title and pin, and starts again from zero.
        """
        return await self._remove(session_id, keep_conversation=True)

    async def delete(self, session_id: str) -> int:
        """Delete the conversation: its history, summary and entry in the list. Tasks stay."""
        return await self._remove(session_id, keep_conversation=False)

    async def _remove(self, session_id: str, *, keep_conversation: bool) -> int:
        def delete(conn: Connection) -> int:
            deleted = conn.execute(session_messages.delete().where(session_messages.c.session_id == session_id))
            conn.execute(session_summaries.delete().where(session_summaries.c.session_id == session_id))
            row = chat_sessions.c.session_id == session_id
            if keep_conversation:
                conn.execute(chat_sessions.update().where(row).values(message_count=0))
            else:
                conn.execute(chat_sessions.delete().where(row))
            return int(deleted.rowcount or 0)

        removed = await self.storage.run(delete, write=True)
        self._cache[session_id] = Session([], "")
        return removed

    def recent(self, session: Session) -> list[Turn]:
        return session.turns[-self.window:]


def summarize(older: list[Turn], previous: str) -> str:
    """Condense turns that left the window: the user's requests, newest last, bounded in size."""
    asks = [t.content.strip().replace("\n", " ")[:120] for t in older if t.role == "user"]
    if not asks:
        return previous
    text = "Earlier in this session the user asked about: " + "; ".join(asks)
    return text[-SUMMARY_MAX_CHARS:]
