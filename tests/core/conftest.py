"""Core pipeline tests need no model and no memory: start servers without them, so they boot fast.

Tests that need the full stack (the schemathesis run) pass their own settings.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import LiveServer, ServerFactory
from tests.storage_backends import database_url, pg_admin_url  # noqa: F401  (fixtures: every storage backend)

CORE_ENV = {"VENOM_RUNTIME_PROFILE": "llm_off", "VENOM_MEMORY_ENABLED": "false"}


@pytest.fixture
def server_factory(server_factory: ServerFactory) -> Iterator[ServerFactory]:
    def make(start: bool = True, **env: str) -> LiveServer:
        return server_factory(start=start, **{**CORE_ENV, **env})

    yield make
