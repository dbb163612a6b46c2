"""Lesson rows for the learning, feedback and history views (the original keeps these in JSONL logs;
here one lesson per task is the record, with the user's rating on it).

Every reader answers empty rather than failing while memory is loading or not installed: the
original's clients poll these lists and show an empty panel for an empty one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from loguru import logger

from venom_core.memory.lance import sql_in
from venom_core.memory.lessons import COLUMNS
from venom_core.services import Services


def _ready(services: Services) -> bool:
    memory = services.memory
    return memory is not None and memory.available


async def all_rows(services: Services) -> list[dict[str, Any]]:
    """Every lesson, newest first; [] while memory is unavailable."""
    memory = services.memory
    if memory is None or not _ready(services):
        return []
    try:
        return await memory.call(memory.lessons().all)
    except Exception as exc:  # a read error is an empty panel, as in the original
        logger.warning("lessons could not be read: {}", exc)
        return []


async def rated_rows(services: Services, task_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The rated lessons of these tasks, by task id."""
    memory = services.memory
    if memory is None or not task_ids or not _ready(services):
        return {}
    table = memory.lessons().t
    where = f"{sql_in('task_id', list(task_ids))} AND feedback_rating != ''"
    try:
        rows = await memory.call(table.scan, COLUMNS, where, None)
    except Exception as exc:
        logger.warning("lesson feedback could not be read: {}", exc)
        return {}
    return {str(r["task_id"]): r for r in rows}


def intent_of(row: dict[str, Any]) -> str | None:
    """The intent a lesson was recorded under: its first tag, upper-cased (see memory.listener)."""
    tags = list(row.get("tags") or [])
    first = next((t for t in tags if t not in ("success", "failure")), None)
    return first.upper() if first else None


def utc_z(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch or 0.0, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_naive(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch or 0.0).isoformat()


def feedback_entry(row: dict[str, Any]) -> dict[str, Any]:
    return {"task_id": str(row.get("task_id") or ""), "timestamp": utc_z(row.get("feedback_at")),
            "rating": str(row.get("feedback_rating")), "comment": row.get("feedback_comment") or None,
            "prompt": str(row.get("situation") or ""), "result": row.get("result"), "intent": intent_of(row),
            "tool_required": None}
