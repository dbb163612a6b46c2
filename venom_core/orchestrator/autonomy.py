"""Autonomy levels (reference §6.3/§7): what the agents may do, checked before a tool runs.

The level is persisted in the settings table, so it survives restarts; the in-memory copy makes
the check free on the hot path. A tool above the level is refused before it runs: the refusal is
written to the trace and explained to the user in the task's error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from venom_core.core.models import TaskFailure
from venom_core.storage.sql import SqlStorage

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


def level_info(level: int) -> dict[str, Any]:
    lv = LEVELS_BY_ID[level]
    return {"current_level": lv.id, "current_level_name": lv.name, "color": lv.color,
            "description": lv.description, "permissions": lv.permissions}


class AutonomyGate:
    def __init__(self, storage: SqlStorage, default_level: int = 0):
        self.storage = storage
        self.level = default_level if default_level in LEVELS_BY_ID else 0

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

    def allows(self, action: str) -> bool:
        return self.level >= REQUIRED[action]

    def refusal(self, action: str, agent: str) -> TaskFailure:
        need = REQUIRED[action]
        have = LEVELS_BY_ID[self.level]
        wanted = LEVELS_BY_ID[need]
        return TaskFailure(
            "autonomy_denied",
            f"{agent} needs permission for '{action.replace('_', ' ')}', which requires autonomy level {need} "
            f"({wanted.name}); the current level is {have.id} ({have.name}). An admin can raise it in the "
            f"Config screen or with POST /api/v1/system/autonomy.",
            stage="autonomy_enforcement",
        )
