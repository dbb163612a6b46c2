"""Database and disk errors in words a person understands (`StorageUnavailable`).

SQLite reports a full disk, a read-only file or a damaged database as `OperationalError` or
`DatabaseError` with a terse message; the OS reports its own errno. This module is the one place
that turns them into a sentence naming the file and what to do. Errors that are bugs (a broken
constraint, bad SQL) are not faults of storage and are left alone.
"""

from __future__ import annotations

import errno
import sqlite3

import sqlalchemy as sa

from venom_core.storage.base import StorageUnavailable

# (text in the driver's message, what it means). Checked in order, lower-cased.
_MESSAGES: tuple[tuple[str, str], ...] = (
    ("database or disk is full", "the disk is full"),
    ("disk is full", "the disk is full"),
    ("no space left", "the disk is full"),
    ("readonly database", "the database is read-only"),
    ("read-only file system", "the database is on a read-only file system"),
    ("unable to open database file", "the database file cannot be opened (a missing or read-only directory?)"),
    ("database is locked", "the database is locked by another process"),
    ("disk i/o error", "the disk reported an I/O error"),
    ("file is not a database", "the database file is damaged or is not a SQLite database"),
    ("database disk image is malformed", "the database file is damaged"),
)
_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EROFS: "the data directory is on a read-only file system",
    errno.EACCES: "the data directory or database file is not writable",
    errno.EPERM: "the data directory or database file is not writable",
    errno.EIO: "the disk reported an I/O error",
}
_BUGS = (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.DataError, sa.exc.NotSupportedError,
         sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.DataError, sqlite3.NotSupportedError)
_DRIVER_ERRORS = (sa.exc.OperationalError, sa.exc.DatabaseError, sqlite3.OperationalError, sqlite3.DatabaseError)


def where(url: str) -> str:
    """The database, named for a person: the SQLite file, or the server's dialect."""
    if url.startswith("sqlite"):
        return url.split("///", 1)[-1] or "the in-memory database"
    return f"the {url.split('://', 1)[0].split('+', 1)[0]} database"


def sentence(what: str, url: str) -> str:
    return (f"Venom cannot use its database ({where(url)}): {what}. Nothing more can be saved until "
            "this is fixed; Venom retries and recovers on its own once it is.")


def as_storage_fault(exc: BaseException, url: str) -> StorageUnavailable | None:
    """The `StorageUnavailable` for a fault of the disk or the database, else None."""
    if isinstance(exc, StorageUnavailable):
        return exc
    if isinstance(exc, OSError):
        what = _ERRNOS.get(exc.errno or -1, f"the operating system refused ({exc.strerror or exc})")
        return StorageUnavailable(sentence(what, url))
    if isinstance(exc, _BUGS) or not isinstance(exc, _DRIVER_ERRORS):
        return None
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needle, what in _MESSAGES:
        if needle in text:
            return StorageUnavailable(sentence(what, url))
    return StorageUnavailable(sentence(f"the database reported an error ({text.splitlines()[0][:200]})", url))
