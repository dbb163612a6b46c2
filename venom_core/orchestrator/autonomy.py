"""Autonomy levels (reference §6.3/§7): what Venom may do on its own, checked in one place.

`AutonomyGate.require(permission, actor)` is the only check of a permission: the orchestrator
calls it for the agent it is about to run (network, file writes, shell...), and the runtime
policy calls it before any paid cloud runtime is used, which every path to a model shares (task
chat, slash commands, forced providers, the direct stream). A refusal is `AutonomyDenied`, a
runtime error with the stable code `autonomy_denied`: it becomes the task's error (or a 403 on
the direct stream) with a sentence that says which level is needed and how to raise it.

The level is persisted in the settings table, so it survives restarts; the in-memory copy makes
the check free on the hot path.

A refusal is actionable: `AutonomyDenied.refusal(task_id)` says which level is needed, where the
setting is, and, when the needed level is within `VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL`, how to
allow it once for that task (`POST /api/v1/tasks/{id}/allow-once`). An allowed-once task runs
inside `granted(level)`: a context variable that raises the level for the work of that task only
(asyncio copies it into the helper tasks the work starts), so the global level never changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from venom_core.core.models import TaskFailure
from venom_core.runtimes.base import GateDenied
from venom_core.storage.settings_kv import SettingsKV

SETTING_KEY = "autonomy.level"


@dataclass(frozen=True, slots=True)
class Level:
    id: int
    name: str
    color: str
    description: str
    permissions: dict[str, bool]


LEVELS: tuple[Level, ...] = (
    Level(0, "ISOLATED", "green", "Local only: read the workspace and answer with the local model.",
          {"local_read": True, "network": False, "paid_api": False, "file_write": False, "shell": False}),
    Level(10, "CONNECTED", "blue", "May use the network (web search, page reading).",
          {"local_read": True, "network": True, "paid_api": False, "file_write": False, "shell": False}),
    Level(20, "FUNDED", "yellow", "May also use paid cloud APIs.",
          {"local_read": True, "network": True, "paid_api": True, "file_write": False, "shell": False}),
    Level(30, "BUILDER", "orange", "May also write files in the workspace and change the repository.",
          {"local_read": True, "network": True, "paid_api": True, "file_write": True, "shell": False}),
    Level(40, "ROOT", "red", "Full autonomy, including shell commands.",
          {"local_read": True, "network": True, "paid_api": True, "file_write": True, "shell": True}),
)
LEVELS_BY_ID = {lv.id: lv for lv in LEVELS}

# The level each kind of action needs.
REQUIRED: dict[str, int] = {"local_read": 0, "network": 10, "paid_api": 20, "file_write": 30, "shell": 40}


# The highest level a one-task grant may ever reach: never ROOT (shell), whatever the setting says.
ALLOW_ONCE_CEILING = 30
SETTING_HREF = "/config?focus=autonomy"  # the cockpit's autonomy control

# The level granted to the work running in this context (an allowed-once task), None outside one.
_grant: ContextVar[int | None] = ContextVar("venom_autonomy_grant", default=None)


@contextmanager
def granted(level: int | None) -> Iterator[None]:
    """Run the enclosed work with `level` granted on top of the global level (None: no grant)."""
    token = _grant.set(level)
    try:
        yield
    finally:
        _grant.reset(token)


def level_info(level: int) -> dict[str, Any]:
    lv = LEVELS_BY_ID[level]
    return {"current_level": lv.id, "current_level_name": lv.name, "color": lv.color,
            "description": lv.description, "permissions": lv.permissions}


class AutonomyDenied(GateDenied):
    """A permission the current autonomy level does not grant (code `autonomy_denied`)."""

    def __init__(self, permission: str, level: int, actor: str, allow_once_max: int = 0):
        need = REQUIRED[permission]
        have, wanted = LEVELS_BY_ID[level], LEVELS_BY_ID[need]
        super().__init__(
            "autonomy_denied",
            f"{actor} needs permission for '{permission.replace('_', ' ')}', which requires autonomy level {need} "
            f"({wanted.name}); the current level is {have.id} ({have.name}). An admin can raise it in the "
            f"Config screen or with POST /api/v1/system/autonomy.",
        )
        self.permission, self.level, self.required, self.actor = permission, level, need, actor
        self.allow_once_max = min(allow_once_max, ALLOW_ONCE_CEILING)

    def as_failure(self) -> TaskFailure:
        return TaskFailure(self.code, self.message, stage="autonomy_enforcement")

    def details(self) -> dict[str, Any]:
        return {"permission": self.permission, "level": self.level, "required_level": self.required,
                "actor": self.actor}

    def actions(self, task_id: str | None) -> list[dict[str, Any]]:
        """What a person can do about the refusal (`events.RefusalAction`): open the setting, and,
        when the needed level is within the allow-once bound and there is a task, allow it once."""
        name = LEVELS_BY_ID[self.required].name
        found: list[dict[str, Any]] = [{
            "kind": "open_setting", "setting": "autonomy_level", "required_level": self.required,
            "required_level_name": name, "href": f"{SETTING_HREF}&level={self.required}",
            "method": "POST", "endpoint": "/api/v1/system/autonomy"}]
        if task_id is not None and self.required <= self.allow_once_max:
            found.append({
                "kind": "allow_once", "setting": "autonomy_level", "required_level": self.required,
                "required_level_name": name, "href": None, "method": "POST",
                "endpoint": f"/api/v1/tasks/{task_id}/allow-once"})
        return found

    def refusal(self, task_id: str | None) -> dict[str, Any]:
        """The task context's `autonomy_refusal`: the refusal's facts and its actions."""
        return {**self.details(), "required_level_name": LEVELS_BY_ID[self.required].name,
                "message": self.message, "actions": self.actions(task_id)}


class AutonomyGate:
    """The current level and the one check of every permission; the level is kept in `storage`."""

    def __init__(self, storage: SettingsKV, default_level: int = 0, allow_once_max: int = ALLOW_ONCE_CEILING):
        self.storage = storage
        self.level = default_level if default_level in LEVELS_BY_ID else 0
        self.allow_once_max = min(allow_once_max, ALLOW_ONCE_CEILING)

    @property
    def effective_level(self) -> int:
        """The global level, or the grant of the allowed-once task this runs in, whichever is higher."""
        grant = _grant.get()
        return self.level if grant is None else max(self.level, grant)

    async def load(self) -> None:
        stored = await self.storage.get_setting(SETTING_KEY)
        if isinstance(stored, int) and stored in LEVELS_BY_ID:
            self.level = stored

    async def set_level(self, level: int) -> dict[str, Any]:
        if level not in LEVELS_BY_ID:
            raise ValueError(f"unknown autonomy level {level}; allowed: {sorted(LEVELS_BY_ID)}")
        await self.storage.set_setting(SETTING_KEY, level)
        self.level = level
        return level_info(level)

    def info(self) -> dict[str, Any]:
        return level_info(self.level)

    def allows(self, permission: str) -> bool:
        if permission not in REQUIRED:  # an unknown permission is never granted by accident
            return False
        return self.effective_level >= REQUIRED[permission]

    def require(self, permission: str, actor: str) -> None:
        """Raise `AutonomyDenied` unless the current level grants `permission`."""
        if permission not in REQUIRED:
            raise ValueError(f"unknown permission {permission!r}; known: {', '.join(REQUIRED)}")
        if not self.allows(permission):
            raise AutonomyDenied(permission, self.effective_level, actor, self.allow_once_max)
