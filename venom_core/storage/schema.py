"""Table definitions (SQLAlchemy Core). Alembic migrations in `venom_core/migrations` mirror them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("gseq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=False),
    sa.Column("task_id", sa.String(64), nullable=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("ts", sa.DateTime, nullable=False),
    sa.Column("agent", sa.String(128), nullable=True),
    sa.Column("message", sa.Text, nullable=False, default=""),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_events_task_seq", "task_id", "seq", unique=True),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("session_id", sa.String(128), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=True),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("first_token_at", sa.DateTime, nullable=True),
    sa.Column("result", sa.Text, nullable=False, default=""),
    sa.Column("logs", sa.JSON, nullable=False),
    sa.Column("error", sa.JSON, nullable=True),
    sa.Column("context", sa.JSON, nullable=False),
    sa.Column("request", sa.JSON, nullable=False),
    sa.Column("last_seq", sa.Integer, nullable=False, default=0),
    sa.Column("streamed", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_tasks_created", "created_at", "id"),
    sa.Index("ix_tasks_status", "status"),
    sa.Index("ix_tasks_session", "session_id"),
)

settings_kv = sa.Table(
    "settings_kv",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("value", sa.JSON, nullable=True),
)
