"""The benchmark table (SQLAlchemy Core). The `benchmarks` Alembic branch creates it.

One row per run: the models asked for, the run's status, and its results as a JSON list (one
entry per model: time to first token, tokens per second, peak memory, or the error). A run is
small (a few models), so its results are read and written whole.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

benchmarks = sa.Table(
    "benchmarks",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),  # pending | running | completed | failed | interrupted
    sa.Column("prompt_set", sa.String(32), nullable=False),
    sa.Column("models", sa.JSON, nullable=False),  # [{provider, model}]
    sa.Column("results", sa.JSON, nullable=False),  # [{provider, model, status, ttft_ms, ...}]
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Index("ix_benchmarks_created", "created_at"),
)
