"""Checks of the data directory and the SQLite file before anything opens them.

Run at start-up, by `python -m venom_core` (so a broken data directory ends in one clear line,
not a traceback) and by `SqlStorage.init`. A directory Venom cannot write, a database file it
cannot open for writing, or a file that is not a SQLite database stop the start
(`StorageUnavailable`). An empty (0-byte) database file does not: SQLite treats it as a new
database, which is right for a file created by hand but silently loses everything if the file
was truncated, so it is reported as a warning (logged, and shown by `/api/v1/system/services`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from venom_core.storage.base import StorageUnavailable
from venom_core.storage.faults import where

SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    db = url.split("///", 1)[-1]
    return None if not db or db == ":memory:" else Path(db)


def _writable_dir(path: Path) -> str | None:
    """None when files can be created in `path` (made if missing), else why not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".venom-write-test-{os.getpid()}"
        probe.write_bytes(b"x")
        probe.unlink()
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def check(url: str, data_dirs: Iterable[Path] = ()) -> list[str]:
    """Raise `StorageUnavailable` for a data directory or database Venom cannot use; return
    warnings (sentences) for what it can use but a person should know about."""
    db = sqlite_file(url)
    dirs = list(data_dirs) + ([db.parent] if db is not None else [])
    for d in dict.fromkeys(p.resolve() for p in dirs):
        why = _writable_dir(d)
        if why is not None:
            raise StorageUnavailable(
                f"The data directory {d} is not writable ({why.lower()}). Venom keeps its database there: "
                "make it writable, or point VENOM_DATA_DIR (or VENOM_DATABASE_URL) somewhere that is.")
    if db is None or not db.exists():
        return []
    try:
        with db.open("r+b") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageUnavailable(
            f"The database file {where(url)} cannot be opened for writing ({(exc.strerror or str(exc)).lower()}). "
            "Fix its permissions, or restore it from a backup.") from None
    if not head:
        return [f"The database file {where(url)} was empty (0 bytes) at start, so Venom started with no tasks, "
                "events or settings. If it held data before, stop Venom and restore the file from a backup."]
    if head != SQLITE_HEADER:
        raise StorageUnavailable(
            f"The file {where(url)} is not a SQLite database (damaged, or another file). Move it away to start "
            "with a new database, or restore it from a backup.")
    return []
