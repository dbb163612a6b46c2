"""Bring the schema to the newest revision at start-up (and from `alembic` on the command line).

Alembic owns the schema history. Two SQLite cases skip importing it, because importing and
running it was a large share of start-up time:

- the database is already at the newest revisions ("heads"): one query shows it;
- the database is new and empty: the tables are created from their definitions and the heads
  are stamped, which is Alembic's documented way to build a database from scratch. A test
  checks that this gives exactly the schema the migrations give.

Anything else (an older database, PostgreSQL) runs `alembic upgrade heads`. On PostgreSQL several
instances may start at once against one database: each holds a session-level advisory lock, on a
connection of its own, while it upgrades, so one migrates and the others then find the heads
already in place (Alembic itself takes no lock: two upgrades at once both try to create the same
tables, and one fails).
"""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "alembic_version"
# The advisory lock key migrations are serialised under on PostgreSQL ("venom" + "mig" in ASCII).
MIGRATION_LOCK_KEY = 0x76656E6F6D6D6967


def sync_url(url: str) -> str:
    """Alembic runs synchronously: map async driver URLs to their sync twins."""
    return url.replace("sqlite+aiosqlite", "sqlite").replace("postgresql+asyncpg", "postgresql+psycopg")


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", sync_url(url))
    return cfg


def metadatas() -> list[sa.MetaData]:
    """Every table the migrations create, by subsystem."""
    from venom_core.benchmark.tables import metadata as benchmarks
    from venom_core.documents.tables import metadata as documents
    from venom_core.schedules.tables import metadata as schedules
    from venom_core.sessions.tables import metadata as sessions
    from venom_core.storage.schema import metadata as core
    from venom_core.strategy.tables import metadata as strategy

    return [core, sessions, strategy, documents, schedules, benchmarks]


@cache
def heads() -> frozenset[str]:
    """The newest revisions, read from the migration files without importing Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                continue
            value = ast.literal_eval(node.value) if isinstance(node.value, ast.Constant | ast.Tuple) else None
            if node.targets[0].id == "revision" and isinstance(value, str):
                revisions.add(value)
            elif node.targets[0].id == "down_revision" and value:
                parents.update([value] if isinstance(value, str) else value)
    return frozenset(revisions - parents)


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    db = url.split("///", 1)[-1]
    return None if not db or db == ":memory:" else Path(db)


def _sqlite_state(path: Path) -> frozenset[str] | None:
    """The stamped revisions, an empty set for an empty database, None when unsure."""
    if not path.exists():
        return frozenset()
    try:
        with sqlite3.connect(path) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return frozenset()
            if VERSION_TABLE not in tables:
                return None
            return frozenset(row[0] for row in conn.execute(f"SELECT version_num FROM {VERSION_TABLE}"))
    except sqlite3.Error:
        return None


def create_fresh(url: str) -> None:
    """Create every table on an empty database and stamp the heads, in one transaction."""
    engine = sa.create_engine(sync_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            # WAL without fsync per commit, as the server runs it, before the first write: a
            # rollback journal fsyncs several times here, which cost 0.4 s on a busy disk.
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
            conn.commit()
            with conn.begin():
                for md in metadatas():
                    md.create_all(conn)
                version = sa.Table(VERSION_TABLE, sa.MetaData(),
                                   sa.Column("version_num", sa.String(32), primary_key=True))
                version.create(conn)
                conn.execute(version.insert(), [{"version_num": rev} for rev in sorted(heads())])
    finally:
        engine.dispose()


def upgrade(url: str) -> None:
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        state = _sqlite_state(path)
        if state == heads():
            return
        if state == frozenset():
            try:
                create_fresh(url)
                return
            except sa.exc.OperationalError:  # another process got there first: let Alembic decide
                pass
    from alembic import command

    if url.startswith("sqlite"):
        command.upgrade(alembic_config(url), "heads")
        return
    with migration_lock(url):
        command.upgrade(alembic_config(url), "heads")


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Hold PostgreSQL's migration advisory lock (waiting for another instance's upgrade)."""
    engine = sa.create_engine(sync_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()
