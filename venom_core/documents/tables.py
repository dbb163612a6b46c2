"""Document tables (SQLAlchemy Core). The `documents` Alembic branch creates them.

`documents` holds one row per uploaded file; `document_chunks` its passages, each with the page
(from 1, null for formats without pages), the heading path and the character span in the
converted text, so a citation can point at the passage exactly. The vectors live in LanceDB
(`document_chunks` table of the memory database), keyed by the chunk id.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),  # the user's file name, shown, never used as a path
    sa.Column("kind", sa.String(16), nullable=False),  # pdf | docx | pptx | xlsx | html | markdown | text | code
    sa.Column("media_type", sa.String(128), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("pages", sa.Integer, nullable=True),
    sa.Column("chunks", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # queued | indexing | ready | failed
    sa.Column("error", sa.JSON, nullable=True),  # {code, message} when failed
    sa.Column("folder_id", sa.String(32), nullable=True),  # set by folder sync (a later change)
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("ix_documents_created", "created_at", "id"),
)

document_chunks = sa.Table(
    "document_chunks",
    metadata,
    sa.Column("id", sa.String(48), primary_key=True),
    sa.Column("document_id", sa.String(32), nullable=False),
    sa.Column("ordinal", sa.Integer, nullable=False),
    sa.Column("page", sa.Integer, nullable=True),
    sa.Column("heading_path", sa.JSON, nullable=False),
    sa.Column("char_start", sa.Integer, nullable=False),
    sa.Column("char_end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Index("ix_document_chunks_document", "document_id", "ordinal"),
)
