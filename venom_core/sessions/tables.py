"""Session tables (SQLAlchemy Core). The `orchestrator` Alembic branch creates them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

session_messages = sa.Table(
    "session_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.String(128), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("task_id", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_session_messages_session", "session_id", "id"),
)

session_summaries = sa.Table(
    "session_summaries",
    metadata,
    sa.Column("session_id", sa.String(128), primary_key=True),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

# One row per conversation, kept in step with `session_messages` by the store's writes, so the
# conversation list is one indexed read however long the histories are. `title` starts as the
# first user message, trimmed; a rename overwrites it. `updated_at` is the last message's time
# (a rename or a pin does not reorder the list).
chat_sessions = sa.Table(
    "chat_sessions",
    metadata,
    sa.Column("session_id", sa.String(128), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("pinned", sa.Boolean, nullable=False),
    sa.Column("message_count", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_chat_sessions_order", "pinned", "updated_at", "session_id"),
)
