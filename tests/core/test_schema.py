"""The schema a new database gets without Alembic (tables from their definitions, heads stamped)
is exactly the schema the migrations build, and Alembic agrees the result is up to date. On
PostgreSQL, where start-up always runs Alembic, the migrations build exactly the tables the
definitions describe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from tests.storage_backends import fresh_pg_database
from venom_core.storage import migrate


def _schema(db: Path | str) -> dict[str, Any]:
    engine = sa.create_engine(db if isinstance(db, str) else f"sqlite:///{db}")
    try:
        insp = sa.inspect(engine)
        return {
            table: {
                "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default"))
                            for c in insp.get_columns(table)],
                "pk": insp.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in insp.get_indexes(table)),
                "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"])
                              for f in insp.get_foreign_keys(table)),
            }
            for table in sorted(insp.get_table_names())
        }
    finally:
        engine.dispose()


def _versions(db: Path) -> set[str]:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def test_heads_are_read_like_alembic_reads_them(tmp_path: Path) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(f"sqlite:///{tmp_path / 'x.db'}"))
    assert migrate.heads() == set(script.get_heads())


def test_fresh_database_matches_the_migrations(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    command.upgrade(migrate.alembic_config(f"sqlite:///{migrated}"), "heads")
    migrate.upgrade(f"sqlite+aiosqlite:///{fresh}")  # empty: the create-and-stamp path
    assert _schema(fresh) == _schema(migrated)
    assert _versions(fresh) == _versions(migrated) == migrate.heads()
    # Alembic sees nothing to do on it, and the fast check leaves both alone.
    command.upgrade(migrate.alembic_config(f"sqlite:///{fresh}"), "heads")
    migrate.upgrade(f"sqlite:///{migrated}")
    assert _schema(fresh) == _schema(migrated)


def test_an_older_database_is_upgraded_by_alembic(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    command.upgrade(migrate.alembic_config(f"sqlite:///{db}"), "0001")  # the core branch only
    assert _versions(db) == {"0001"}
    migrate.upgrade(f"sqlite:///{db}")
    assert _versions(db) == migrate.heads()
    assert "session_messages" in _schema(db)


def test_postgres_migrations_build_the_defined_schema(pg_admin_url: str) -> None:
    with fresh_pg_database(pg_admin_url) as migrated, fresh_pg_database(pg_admin_url) as created:
        migrate.upgrade(migrated)  # an empty PostgreSQL database: Alembic, as at start-up
        engine = sa.create_engine(created)
        try:
            with engine.begin() as conn:
                for md in migrate.metadatas():
                    md.create_all(conn)
        finally:
            engine.dispose()
        schema = _schema(migrated)
        del schema[migrate.VERSION_TABLE]
        assert schema == _schema(created)
        engine = sa.create_engine(migrated)
        try:
            with engine.connect() as conn:
                stamped = {row[0] for row in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
        finally:
            engine.dispose()
        assert stamped == migrate.heads()
