"""Document tables (SQLAlchemy Core). The `documents` Alembic branch creates them.

`documents` holds one row per uploaded file or file of a synced folder (`document_folders`);
`document_chunks` its passages, each with the page (from 1, null for formats without pages), the
heading path and the character span in the converted text, so a citation can point at the
passage exactly. The vectors live in LanceDB
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
    sa.Column("folder_id", sa.String(32), nullable=True),  # set by folder sync (documents/folders.py)
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("source_path", sa.String(1024), nullable=True),  # the file's path inside its folder
    sa.Column("source_mtime_ns", sa.BigInteger, nullable=True),  # its mtime when last read: unchanged = not hashed
    sa.Index("ix_documents_created", "created_at", "id"),
)

# A folder of the workspace kept in the index: `path` is relative to the workspace; `counts` holds
# what the last scan did (files, added, changed, removed, unchanged, skipped), `skipped` a few
# examples per reason, so the user sees why a file is not in the index.
document_folders = sa.Table(
    "document_folders",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("path", sa.String(1024), nullable=False, unique=True),
    sa.Column("status", sa.String(16), nullable=False),  # scanning | synced | failed
    sa.Column("counts", sa.JSON, nullable=False),
    sa.Column("skipped", sa.JSON, nullable=False),
    sa.Column("error", sa.JSON, nullable=True),
    sa.Column("scanned_at", sa.DateTime, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
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
