"""Documents branch: folders of the workspace kept in the index.

Revision ID: docs_0002
Revises: docs_0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "docs_0002"
down_revision = "docs_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_folders",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("path", sa.String(1024), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("skipped", sa.JSON, nullable=False),
        sa.Column("error", sa.JSON, nullable=True),
        sa.Column("scanned_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("source_path", sa.String(1024), nullable=True))
        batch.add_column(sa.Column("source_mtime_ns", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("source_mtime_ns")
        batch.drop_column("source_path")
    op.drop_table("document_folders")
