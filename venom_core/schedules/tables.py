"""Schedule tables (SQLAlchemy Core). The `schedules` Alembic branch creates them.

`schedules` holds one row per automation, with `next_run_at` (UTC): the one field every instance
compares and sets when it fires a run, so a run is fired by exactly one of them. `schedule_runs`
is the history: one row per fired, skipped or failed run, and its task.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

schedules = sa.Table(
    "schedules",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("cron", sa.String(100), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("session_id", sa.String(128), nullable=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("catch_up", sa.String(8), nullable=False),  # once | skip: runs missed while Venom was down
    sa.Column("next_run_at", sa.DateTime, nullable=True),  # UTC; null while disabled
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_schedules_due", "enabled", "next_run_at"),
)

schedule_runs = sa.Table(
    "schedule_runs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("schedule_id", sa.String(32), nullable=False),
    sa.Column("due_at", sa.DateTime, nullable=False),  # UTC: the cron time this run is for
    sa.Column("fired_at", sa.DateTime, nullable=False),
    sa.Column("trigger", sa.String(8), nullable=False),  # cron | missed | manual
    sa.Column("status", sa.String(12), nullable=False),  # claimed | submitted | skipped | failed
    sa.Column("task_id", sa.String(64), nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Index("ix_schedule_runs_due", "schedule_id", "due_at", "trigger", unique=True),
    sa.Index("ix_schedule_runs_fired", "schedule_id", "fired_at"),
)
