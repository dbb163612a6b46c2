"""Orchestrator branch: the conversation list (`chat_sessions`), filled from existing histories.

Revision ID: orch_0002
Revises: orch_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "orch_0002"
down_revision = "orch_0001"
branch_labels = None
depends_on = None

TITLE_MAX = 80


def _title(text: str) -> str:
    # Frozen copy of venom_core.sessions.titles.make_title as it was when this ran first.
    flat = " ".join(text.split())
    if not flat:
        return "New conversation"
    if len(flat) <= TITLE_MAX:
        return flat
    cut = flat[: TITLE_MAX - 1]
    space = cut.rfind(" ")
    if space >= TITLE_MAX // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def upgrade() -> None:
    table = op.create_table(
        "chat_sessions",
        sa.Column("session_id", sa.String(128), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("pinned", sa.Boolean, nullable=False),
        sa.Column("message_count", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_chat_sessions_order", "chat_sessions", ["pinned", "updated_at", "session_id"])
    messages = sa.table("session_messages", sa.column("id", sa.Integer), sa.column("session_id", sa.String),
                        sa.column("role", sa.String), sa.column("content", sa.Text),
                        sa.column("created_at", sa.DateTime))
    conn = op.get_bind()
    stats = conn.execute(
        sa.select(messages.c.session_id, sa.func.count(), sa.func.min(messages.c.created_at),
                  sa.func.max(messages.c.created_at)).group_by(messages.c.session_id)
    ).all()
    first_user: dict[str, str] = {}
    for sid, content in conn.execute(
        sa.select(messages.c.session_id, messages.c.content).where(messages.c.role == "user")
        .order_by(messages.c.session_id, messages.c.id)
    ):
        first_user.setdefault(sid, content)
    rows = [{"session_id": sid, "title": _title(first_user.get(sid, "")), "pinned": False, "message_count": count,
             "created_at": first, "updated_at": last} for sid, count, first, last in stats]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("chat_sessions")
