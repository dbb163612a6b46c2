"""Event numbers (`gseq`) on PostgreSQL, handed out in commit order by the writing transaction.

Several processes may write a server database, so no process can number its own events: each
batch takes a transaction-level advisory lock and numbers its events after the newest committed
one. A reader polling "after gseq N" can then never skip an event that commits late.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from venom_core.core.live_tail import EVENTS_CHANNEL
from venom_core.core.models import Event
from venom_core.storage.schema import events

# The key of the advisory lock that serialises event writers on PostgreSQL (any fixed number;
# this one is "venom" in ASCII). Held until the writing transaction commits or rolls back.
GSEQ_LOCK_KEY = 0x76656E6F6D
_LOCK_GSEQ = sa.text(f"SELECT pg_advisory_xact_lock({GSEQ_LOCK_KEY})")
_MAX_GSEQ = sa.select(sa.func.coalesce(sa.func.max(events.c.gseq), 0))
# "Events up to this gseq are committed" to every listening instance (core/live_tail.py), sent at commit.
_NOTIFY_EVENTS = sa.text(f"SELECT pg_notify('{EVENTS_CHANNEL}', :last)")


def allocate(conn: Connection, batch: Sequence[Event]) -> None:
    """Number `batch` after the newest committed event, in this transaction (PostgreSQL).

    The lock is held until commit, so the next writer reads the maximum only after this batch
    is visible (PostgreSQL makes a commit visible before it releases its locks): numbers are
    handed out in commit order. The maximum is read by its own statement because, in READ
    COMMITTED, a statement sees the commits that happened before it began, i.e. after the lock
    was granted."""
    conn.execute(_LOCK_GSEQ)
    last = int(conn.scalar(_MAX_GSEQ) or 0)
    for n, e in enumerate(batch, start=last + 1):
        # Events are frozen for their readers; the number is set on the very object the event
        # log publishes after the commit, so listeners see the number the database holds.
        object.__setattr__(e, "gseq", n)
    conn.execute(_NOTIFY_EVENTS, {"last": str(batch[-1].gseq)})  # delivered only if this commits
