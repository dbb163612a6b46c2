"""Streams across instances: where an API instance hears the events other processes commit."""

from __future__ import annotations

from pydantic import BaseModel, Field


class StreamSettings(BaseModel):
    """The live tail of SSE and WebSocket streams on a shared PostgreSQL database (docs/ARCHITECTURE.md,
    "Streams across instances"); SQLite has one writer and ignores them."""

    VENOM_REDIS_URL: str = Field(
        "",
        description="redis://host:port/db: the live tail of SSE and WebSocket streams comes from a Redis "
        "stream; empty = PostgreSQL LISTEN/NOTIFY. Used only with a PostgreSQL database")
    VENOM_REDIS_STREAM: str = Field("venom:events", min_length=1, max_length=200,
        description="The Redis stream key the instances share")
    VENOM_REDIS_STREAM_MAXLEN: int = Field(default=10_000, ge=100, le=10_000_000,
        description="Entries kept in the Redis stream (approximate trim); older ones are read from the database")
    VENOM_STREAM_POLL_SECONDS: float = Field(default=1.0, ge=0.05, le=60,
        description="While neither Redis nor LISTEN works, the event table is read this often; also how "
        "often a lost Redis or LISTEN connection is retried and, with Redis, how often the table is checked "
        "for an event a crashed writer never sent")
