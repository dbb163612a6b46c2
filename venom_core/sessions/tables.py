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
