"""Instances starting at once against one new PostgreSQL database do not race on the migrations:
each waits for the migration advisory lock, one builds the schema, the others find it built."""

from __future__ import annotations

import multiprocessing
import time

import sqlalchemy as sa

from tests.storage_backends import (
    fresh_pg_database,
    pg_admin_url,  # noqa: F401  (fixture)
)
from venom_core.storage import migrate

STARTERS = 4


def _upgrade(url: str, go: multiprocessing.synchronize.Event) -> None:
    from alembic import command  # noqa: F401  (imported before the start: the upgrades overlap)

    migrate.metadatas()
    go.wait(30)
    migrate.upgrade(url)


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_instances_starting_at_once_migrate_one_at_a_time(pg_admin_url: str) -> None:  # noqa: F811
    with fresh_pg_database(pg_admin_url) as url:
        ctx = multiprocessing.get_context("spawn")
        go = ctx.Event()
        starters = [ctx.Process(target=_upgrade, args=(url, go)) for _ in range(STARTERS)]
        # Held here first, so every starter is waiting on it when it is released: they then all
        # want it at the same moment (without the lock they would all run Alembic now, and fail).
        with migrate.migration_lock(url):
            for p in starters:
                p.start()
            go.set()
            time.sleep(3)
            assert _tables(url) == set(), "a starter migrated without the lock"
        for p in starters:
            p.join(timeout=120)
        assert [p.exitcode for p in starters] == [0] * STARTERS, "an instance failed to migrate"
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                stamped = {r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
                locks = conn.execute(sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).scalar()
        finally:
            engine.dispose()
        assert stamped == migrate.heads()
        assert locks == 0, "the lock is released"


def test_the_lock_is_released_when_a_migration_fails(pg_admin_url: str) -> None:  # noqa: F811
    with fresh_pg_database(pg_admin_url) as url:
        try:
            with migrate.migration_lock(url):
                raise RuntimeError("a migration failed")
        except RuntimeError:
            pass
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                free = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": migrate.MIGRATION_LOCK_KEY})
                assert free.scalar() is True, "another instance could take the lock"
        finally:
            engine.dispose()
