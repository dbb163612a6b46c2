"""The storage backends every storage test runs on: SQLite (the default) and PostgreSQL.

`database_url` is a fixture parameter: a test that takes it runs once per backend, each time on
a new, empty database. PostgreSQL is the server named by `VENOM_TEST_DATABASE_URL` when it is
set (a database is created on it per test); otherwise a throwaway server is started once per
test run from the installed binaries (pytest-postgresql's executor, around `pg_ctl`).

initdb and postgres refuse to run as root, so as root the server runs as the unprivileged
`postgres` user (the Debian package creates it) through `runuser`, in a directory it owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TEST_URL_ENV = "VENOM_TEST_DATABASE_URL"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin/pg_ctl"


def _pg_ctl() -> str | None:
    found = shutil.which("pg_ctl") or next(iter(sorted(glob.glob(PG_BIN_GLOB), reverse=True)), None)
    return found


def _as_server_user(pg_ctl: str, workdir: Path) -> str:
    """`pg_ctl` itself, or (as root) a wrapper that runs it as the `postgres` user."""
    if os.geteuid() != 0:
        return pg_ctl
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` user to run a PostgreSQL server as")
    os.chown(workdir, account.pw_uid, account.pw_gid)
    wrapper = workdir / "pg_ctl"
    wrapper.write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(wrapper)


@dataclass
class ThrowawayServer:
    url: str  # the admin URL (user postgres, database postgres)
    executor: Any  # pytest-postgresql's PostgreSQLExecutor: `stop()` and `start()` it to restart


@contextlib.contextmanager
def throwaway_server() -> Iterator[ThrowawayServer]:
    """Start a PostgreSQL server on a free port; yield it; remove it afterwards."""
    pg_ctl = _pg_ctl()
    if pg_ctl is None:
        pytest.skip("PostgreSQL server binaries are not installed (`make system-deps`)")
    from port_for import get_port
    from pytest_postgresql.executors.proc import PostgreSQLExecutor

    # Not under pytest's basetemp: the server user must be able to reach its directory.
    workdir = Path(tempfile.mkdtemp(prefix="venom-pg-"))
    executable = _as_server_user(pg_ctl, workdir)
    port = int(get_port(None))  # type: ignore[arg-type]
    executor = PostgreSQLExecutor(
        executable=executable,
        host="127.0.0.1",
        port=port,
        datadir=str(workdir / "data"),
        unixsocketdir=str(workdir),
        logfile=str(workdir / "server.log"),
        startparams="-w",
        dbname="postgres",
        user="postgres",
        # Durability off: a throwaway test server, and the tests share 2 cores.
        postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
    )
    executor.start()
    try:
        yield ThrowawayServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", executor)
    finally:
        if executor.running():
            executor.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A PostgreSQL server the tests may create databases on."""
    given = os.environ.get(TEST_URL_ENV)
    if given:
        yield given
        return
    with throwaway_server() as server:
        yield server.url


def _with_database(url: str, name: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def fresh_pg_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server; dropped afterwards."""
    import sqlalchemy as sa

    name = f"venom_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield _with_database(admin_url, name)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'venom.db'}"
        return
    with fresh_pg_database(request.getfixturevalue("pg_admin_url")) as url:
        yield url
