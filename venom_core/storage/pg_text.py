"""PostgreSQL text cannot hold a NUL character (SQLite can): a file read from the workspace, a
tool's output or a user's message may contain one, and a write that fails on it would stall the
event log, which retries a failed batch until it is stored. On PostgreSQL connections every string
parameter is sent with NUL replaced by U+FFFD, the character that marks what could not be kept."""

from __future__ import annotations

from typing import Any

from psycopg.abc import Buffer
from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

NUL_STANDIN = "\ufffd"


class _NulFreeText(StrDumperUnknown):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", NUL_STANDIN))


class _NulFreeBinaryText(StrBinaryDumper):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", NUL_STANDIN))


def on_connect(dbapi_conn: Any, _record: Any) -> None:
    """SQLAlchemy `connect` listener: the psycopg connection (sync, or behind the asyncio adapter)
    dumps strings NUL-free."""
    conn = getattr(dbapi_conn, "driver_connection", None) or dbapi_conn
    conn.adapters.register_dumper(str, _NulFreeText)
    conn.adapters.register_dumper(str, _NulFreeBinaryText)
