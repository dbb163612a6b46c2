"""Response models of the model routes (`/api/v1/models`, `/api/v1/providers/connect`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

BYTES_PER_GB = 1024**3


class ActiveRuntime(BaseModel):
    """The runtime a plain request would use now (`provider` is null when none may answer)."""

    model_config = ConfigDict(extra="allow")
    provider: str | None
    model: str | None
    endpoint: str | None = Field(description="Credentials in the URL are masked.")
    status: str
    config_hash: str | None
    runtime_id: str | None = Field(description="`<provider>@<endpoint>`.")
    error: str | None = None
    error_code: str | None = None
    warning: str | None = None
    runtime_profile: str | None = None
    ai_mode: str | None = None
    generating: int | None = Field(default=None, description="Embedded runtime: generations running now.")
    queued: int | None = Field(default=None, description="Embedded runtime: generations waiting.")


class ModelEntry(BaseModel):
    name: str
    provider: str
    source: str = Field(description="The runtime that serves it (the reference's field name).")
    size_bytes: int | None
    size_gb: float | None = Field(description="`size_bytes` in GiB, for the reference client.")
    active: bool
    configured: bool = Field(description="The runtime's configured model.")
    chat_compatible: bool = True
    details: dict[str, Any]


class ProviderRow(BaseModel):
    provider: str
    label: str
    model: str | None
    kind: Literal["local", "cloud"]
    status: str
    error: str | None
    model_count: int


class ConfiguredModels(BaseModel):
    local: str | None
    fallback: str | None
    cloud: dict[str, str | None]


class ModelList(BaseModel):
    success: bool = True
    models: list[ModelEntry]
    count: int
    active: ActiveRuntime
    providers: list[ProviderRow]
    configured_models: ConfiguredModels


class ModelSwitched(BaseModel):
    success: bool = True
    active: ActiveRuntime


class InstallStarted(BaseModel):
    success: bool = True
    operation_id: str = Field(description="Carried by every MODEL_INSTALL_PROGRESS event of this pull.")
    name: str
    provider: Literal["ollama"]
    status: Literal["started"]


def model_list(raw: dict[str, Any]) -> ModelList:
    models = [{**m, "size_gb": None if m.get("size_bytes") is None else round(m["size_bytes"] / BYTES_PER_GB, 3)}
              for m in raw["models"]]
    return ModelList.model_validate({**raw, "models": models})
