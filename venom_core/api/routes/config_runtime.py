"""`/api/v1/config/*`: read the effective settings; write, back up and restore the env file.

The reference's endpoints and field names (`updates`, `updated_keys`, `config_sources`,
`backup_filename`). Writes are admin-only, validated with the same `Settings` model the server
starts with, persisted to the env file (so they survive a restart) and take effect at the next
start: the answer says `restart_required`, and GET lists the saved-but-not-yet-active values in
`pending`. Secrets are masked everywhere and never echoed, not even in error details.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Query
from loguru import logger
from pydantic import BaseModel, ConfigDict, Field

from venom_core.api.deps import AdminDep, SettingsDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.config import Settings
from venom_core.config_store import ConfigStore, UpdateValue
from venom_core.core.masking import mask_settings

router = APIRouter(prefix="/api/v1/config", tags=["config"])


class ConfigUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    updates: dict[str, UpdateValue] = Field(
        description="KEY -> new value; null removes the key from the env file (back to its default).",
        max_length=200,
    )


class RestoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    backup_filename: str = Field(min_length=1, max_length=200)


class RuntimeConfigView(BaseModel):
    status: Literal["success"] = "success"
    config: dict[str, str] = Field(description="Every setting as text (secrets masked): booleans `true`/`false`, "
                                   "unset values empty, lists and objects as JSON. The reference client's form.")
    values: dict[str, Any] = Field(description="The same settings with their JSON types (secrets masked).")
    config_sources: dict[str, Literal["env", "env_file", "default"]]
    pending: dict[str, Any] = Field(description="Saved values that apply at the next start (secrets masked).")
    descriptions: dict[str, str] = Field(description="What each setting does, in one line (its field description).")
    pending_error: str | None = Field(description="Why the saved env file would not start, if it would not.")
    restart_required: bool
    env_file: str


class ConfigSaved(BaseModel):
    status: Literal["success"] = "success"
    success: bool = True
    message: str
    updated_keys: list[str]
    restart_required: bool
    backup_filename: str | None


class Backup(BaseModel):
    filename: str
    size_bytes: int
    created_at: str


class BackupList(BaseModel):
    status: Literal["success"] = "success"
    count: int
    backups: list[Backup]


class ConfigRestored(BaseModel):
    status: Literal["success"] = "success"
    success: bool = True
    message: str
    restored: str
    backup_filename: str | None = Field(description="The backup made of the env file it replaced.")
    restart_required: bool


def as_text(value: object) -> str:
    """A setting the way an env file spells it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _unwritable(store: ConfigStore, exc: OSError) -> ApiError:
    logger.warning("config: cannot write {}: {}", store.path, exc)
    return ApiError(500, "config_write_failed",
                    f"The env file {store.path.name} could not be written ({exc.strerror or type(exc).__name__}).")


DESCRIPTIONS = {name: field.description or "" for name, field in Settings.model_fields.items()}


@router.get("/runtime")
async def runtime_config(settings: SettingsDep) -> RuntimeConfigView:
    """The effective settings (secrets masked), where each comes from, and saved changes awaiting a restart."""
    store = ConfigStore.for_settings(settings)
    pending, pending_error = store.pending(settings)
    values = settings.masked()
    return RuntimeConfigView(config={k: as_text(v) for k, v in values.items()}, values=values,
                             config_sources=store.sources(), pending=mask_settings(pending),
                             pending_error=pending_error, restart_required=bool(pending), env_file=str(store.path),
                             descriptions=DESCRIPTIONS)


@router.post("/runtime", responses=error_responses(403, 409, 422, 500))
async def update_runtime_config(body: ConfigUpdate, settings: SettingsDep, _: AdminDep) -> ConfigSaved:
    """Validate and save to the env file (backed up first); applies at the next start."""
    store = ConfigStore.for_settings(settings)
    try:  # a refused write raises ConfigError, a VenomError with its own status
        backup = store.write(body.updates)
    except OSError as exc:
        raise _unwritable(store, exc) from None
    keys = sorted(body.updates)
    logger.info("config: saved {} to {} (backup {})", ", ".join(keys), store.path, backup)
    return ConfigSaved(message=f"Saved {len(keys)} setting(s) to {store.path.name}; they apply when Venom restarts.",
                       updated_keys=keys, restart_required=True, backup_filename=backup)


@router.get("/backups", responses=error_responses(403))
async def list_backups(settings: SettingsDep, _: AdminDep,
                       limit: int = Query(default=20, ge=1, le=200)) -> BackupList:
    """The env file's backups, newest first (one is made before every write and restore)."""
    items = ConfigStore.for_settings(settings).backups(limit)
    return BackupList.model_validate({"count": len(items), "backups": items})


@router.post("/restore", responses=error_responses(403, 404, 422, 500))
async def restore_backup(body: RestoreRequest, settings: SettingsDep, _: AdminDep) -> ConfigRestored:
    """Put a backup back as the env file (the current one is backed up first)."""
    store = ConfigStore.for_settings(settings)
    try:
        previous = store.restore(body.backup_filename)
    except OSError as exc:
        raise _unwritable(store, exc) from None
    return ConfigRestored(message=f"Restored {body.backup_filename}; it applies when Venom restarts.",
                          restored=body.backup_filename, backup_filename=previous, restart_required=True)
