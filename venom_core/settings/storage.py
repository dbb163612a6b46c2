"""Storage: the data folder, the database, the work queue and the folders the tools see."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator


class StorageSettings(BaseModel):
    """Where state lives, and (scale-out) which queue the tasks go through."""

    VENOM_DATA_DIR: Path = Field(Path("./data"), description="Database, memory and other state")
    VENOM_DATABASE_URL: str = Field(
        "",
        description="SQLAlchemy URL; empty = SQLite at VENOM_DATA_DIR/venom.db; "
        "postgresql+psycopg://user:pass@host/db = PostgreSQL (docs/DEPLOYMENT.md)")
    # Scale-out (docs/DEPLOYMENT.md, "Workers"): the shared work queue and what this process does.
    VENOM_QUEUE: Literal["local", "postgres", "procrastinate"] = Field(
        "local",
        description="Work queue: local = in this process (the default); postgres (or its engine's name, "
        "procrastinate) = shared by every API instance and worker on the PostgreSQL database")
    VENOM_ROLE: Literal["all", "api", "worker"] = Field(
        "all",
        description="With the shared queue: all = this API instance also runs tasks; api = it never runs "
        "tasks (workers do); worker = runs tasks only (`venom worker` sets it)")
    VENOM_QUEUE_STALLED_SECONDS: float = Field(
        default=30.0, ge=2, le=3600,
        description="A worker with no heartbeat for this long is taken for dead: the tasks it ran are "
        "re-run, or failed `interrupted` if they had streamed (shared queue only)")
    VENOM_LOG_DIR: Path = Field(Path("./logs"), description="Venom.log (rotated at 10 MB, kept 7 days)")
    VENOM_WORKSPACE: Path = Field(
        Path("./workspace"),
        description="The folder the git, file and coder tools may read (and write, with autonomy)")

    @model_validator(mode="after")
    def _queue_needs_its_database(self) -> Self:
        if self.shared_queue and not self.database_url.startswith("postgresql"):
            raise ValueError(
                f"VENOM_QUEUE={self.VENOM_QUEUE} needs a PostgreSQL database (VENOM_DATABASE_URL="
                "postgresql+psycopg://...): the shared queue lives in it. Use VENOM_QUEUE=local with SQLite.")
        if self.VENOM_ROLE != "all" and not self.shared_queue:
            raise ValueError(
                f"VENOM_ROLE={self.VENOM_ROLE} needs the shared queue (VENOM_QUEUE=postgres): with the local "
                "queue this process is the only one that can run its tasks.")
        return self

    @property
    def shared_queue(self) -> bool:
        """Tasks go through the queue in PostgreSQL, shared by every instance and worker."""
        return self.VENOM_QUEUE != "local"

    @cached_property
    def database_url(self) -> str:
        if self.VENOM_DATABASE_URL:
            return self.VENOM_DATABASE_URL
        return f"sqlite+aiosqlite:///{(self.VENOM_DATA_DIR / 'venom.db').resolve()}"
