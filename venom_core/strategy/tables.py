"""Roadmap table (SQLAlchemy Core): one row per vision, milestone or task.

One table with a `kind` and a `parent_id` keeps the tree simple to edit and to migrate.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

roadmap_items = sa.Table(
    "roadmap_items",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # vision | milestone | task
    sa.Column("parent_id", sa.String(32), nullable=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("task_id", sa.String(64), nullable=True),  # the real queued task, when sent to the queue
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_roadmap_parent", "parent_id", "position"),
)
