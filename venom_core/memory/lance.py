"""Small LanceDB helpers shared by the memory and lesson tables."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

OPTIMIZE_EVERY = 200  # appends between compactions (each append writes one fragment)


def sql_str(value: str) -> str:
    """A SQL string literal for LanceDB filters (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def sql_in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(sql_str(v) for v in values)})"


class LanceTable:
    """One table: serialised writes, periodic compaction, and plain scans without vectors."""

    def __init__(self, db: Any, name: str, schema: Any, fts_column: str | None = None):
        self.name = name
        self.lock = threading.Lock()
        self._appends = 0
        if name in db.list_tables().tables:
            self.table = db.open_table(name)
        else:
            self.table = db.create_table(name, schema=schema)
        self.fts_column = fts_column
        self._fts_ready = False
        self.version = 0
        self._ensure_fts()

    def _ensure_fts(self) -> None:
        if self.fts_column is None or self._fts_ready:
            return
        if any(idx.index_type == "FTS" for idx in self.table.list_indices()):
            self._fts_ready = True
        elif self.table.count_rows() > 0:
            from lancedb.index import FTS

            self.table.create_index(self.fts_column, config=FTS(), replace=True)
            self._fts_ready = True

    def ensure_columns(self, added: dict[str, str]) -> None:
        """Add the columns a table written by an older version lacks, each filled by its SQL
        expression (LanceDB schema evolution: one new table version, no data rewrite)."""
        missing = {name: expr for name, expr in added.items() if name not in self.table.schema.names}
        if missing:
            with self.lock:
                self.table.add_columns(missing)
                self.version += 1

    @property
    def fts_ready(self) -> bool:
        return self._fts_ready

    def add(self, rows: list[dict[str, Any]]) -> None:
        with self.lock:
            self.table.add(rows)
            self._appends += 1
            self.version += 1
            self._ensure_fts()
            if self._appends % OPTIMIZE_EVERY == 0:
                self.table.optimize()

    def delete(self, where: str) -> int:
        with self.lock:
            result = self.table.delete(where)
            self.version += 1
            return int(getattr(result, "num_deleted_rows", 0) or 0)

    def update(self, where: str, values: dict[str, Any]) -> int:
        with self.lock:
            result = self.table.update(where=where, values=values)
            self.version += 1
            return int(getattr(result, "rows_updated", 0) or 0)

    def scan(self, columns: list[str], where: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        query = self.table.search().select(columns)
        if where:
            query = query.where(where)
        rows: list[dict[str, Any]] = query.limit(limit).to_arrow().to_pylist()
        return rows

    def scan_arrow(self, columns: list[str]) -> Any:
        """The whole table (these columns) as one Arrow table."""
        return self.table.search().select(columns).limit(None).to_arrow()

    def count(self, where: str | None = None) -> int:
        return int(self.table.count_rows(where) if where else self.table.count_rows())

    def optimize(self) -> None:
        with self.lock:
            self.table.optimize()
