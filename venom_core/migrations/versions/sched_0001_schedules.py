"""Schedules branch: automations and the history of their runs.

Revision ID: sched_0001
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "sched_0001"
down_revision = "0001"
branch_labels = ("schedules",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("cron", sa.String(100), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("session_id", sa.String(128), nullable=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("catch_up", sa.String(8), nullable=False),
        sa.Column("next_run_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_schedules_due", "schedules", ["enabled", "next_run_at"])
    op.create_table(
        "schedule_runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("schedule_id", sa.String(32), nullable=False),
        sa.Column("due_at", sa.DateTime, nullable=False),
        sa.Column("fired_at", sa.DateTime, nullable=False),
        sa.Column("trigger", sa.String(8), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("task_id", sa.String(64), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_index("ix_schedule_runs_due", "schedule_runs", ["schedule_id", "due_at", "trigger"], unique=True)
    op.create_index("ix_schedule_runs_fired", "schedule_runs", ["schedule_id", "fired_at"])


def downgrade() -> None:
    op.drop_table("schedule_runs")
    op.drop_table("schedules")
