"""Settings: environment first, then `.env` (or the file named by ENV_FILE).

Every variable of the deployment document's table is honoured with its default; our own
variables are prefixed `VENOM_`. The fields live in `venom_core/settings/`, one module per
subsystem; this module puts them together into the one `Settings` everything imports.
Unsafe combinations (a non-loopback bind without a token) are refused when the settings are
validated, so the server never starts in that state.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from venom_core.core.masking import mask_settings
from venom_core.settings.deployment import DeploymentSettings, OllamaProfileName, RuntimeProfile
from venom_core.settings.documents import DocumentSettings
from venom_core.settings.llm import AiMode, LlmSettings
from venom_core.settings.memory import MemorySettings
from venom_core.settings.orchestrator import OrchestratorSettings
from venom_core.settings.pipeline import PipelineSettings
from venom_core.settings.ranges import SANE_RANGES, SaneRanges
from venom_core.settings.retrieval import RetrievalSettings
from venom_core.settings.runtimes import RuntimeSettings
from venom_core.settings.server import (
    MIN_TOKEN_CHARS,
    IPNetwork,
    ServerSettings,
    is_loopback_host,
    parse_networks,
)
from venom_core.settings.storage import StorageSettings
from venom_core.settings.streams import StreamSettings
from venom_core.settings.tools import ToolSettings

__all__ = [
    "MIN_TOKEN_CHARS",
    "SANE_RANGES",
    "SECRET_MARKERS",
    "AiMode",
    "IPNetwork",
    "OllamaProfileName",
    "RuntimeProfile",
    "Settings",
    "is_loopback_host",
    "parse_networks",
]

SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD")


# Pydantic takes fields and validators from the bases in reverse order (the last base first), so
# the subsystems are listed last-to-first: the fields keep the order of the old single class
# (deployment table, server, storage, ... tools), which is the order of the Config screen's
# table, and the range check still runs before the other model validators, as it always did.
class Settings(
    BaseSettings,
    ToolSettings,
    OrchestratorSettings,
    RetrievalSettings,
    DocumentSettings,
    MemorySettings,
    RuntimeSettings,
    LlmSettings,
    PipelineSettings,
    StreamSettings,
    StorageSettings,
    ServerSettings,
    DeploymentSettings,
    SaneRanges,
):
    model_config = SettingsConfigDict(
        env_file=os.environ.get("ENV_FILE", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=True,
        allow_inf_nan=False,  # `inf` or `nan` as a time or size is never what the owner meant
    )

    @property
    def mcp_config_path(self) -> Path:
        return self.VENOM_MCP_CONFIG or self.VENOM_DATA_DIR / "mcp.json"

    def masked(self) -> dict[str, object]:
        """The effective settings, JSON-friendly, with every secret masked."""
        return mask_settings({name: getattr(self, name) for name in type(self).model_fields})
