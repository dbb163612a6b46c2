"""`/api/v1/learning/*`: the learning log and the hidden prompts, both read from the lessons.

- `logs`: one entry per task Venom learnt from (a lesson is recorded once per task with
  `store_knowledge`), newest first.
- `hidden-prompts`: prompts whose answer was rated up, grouped by prompt; `score` is the number of
  up-votes. `hidden-prompts/active` are the ones a person approved, kept in the settings table so
  they survive restarts (listed for the cockpit; the chat does not inject them into prompts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from venom_core.api.deps import AdminDep, ServicesDep
from venom_core.api.errors import error_responses
from venom_core.api.lesson_rows import all_rows, intent_of, local_naive
from venom_core.core.intents import normalize

router = APIRouter(prefix="/api/v1/learning", tags=["learning"])

ACTIVE_KEY = "learning.hidden_prompts.active"
MAX_ACTIVE = 500
Intent = Annotated[str | None, Query(max_length=64)]


class LearningEntry(BaseModel):
    task_id: str
    timestamp: str = Field(description="Local time, ISO 8601 without an offset (as the original).")
    intent: str | None
    success: bool
    need: str = Field(description="The prompt (at most 1,200 characters).")
    outcome: str
    error: str = Field(description="The failure, or \"\" for a success.")
    tool_required: bool = False
    fast_path_hint: str = ""
    tags: list[str]


class LearningLog(BaseModel):
    count: int
    items: list[LearningEntry]


class HiddenPrompt(BaseModel):
    intent: str | None
    prompt: str
    approved_response: str
    prompt_hash: str
    score: int = Field(ge=1, description="Up-votes for this prompt.")
    last_timestamp: str


class ActivePrompt(BaseModel):
    intent: str | None
    prompt: str
    approved_response: str
    prompt_hash: str
    updated_at: str
    activated_by: str
    activated_at: str


class HiddenPrompts(BaseModel):
    count: int
    items: list[HiddenPrompt]


class ActivePrompts(BaseModel):
    count: int
    items: list[ActivePrompt]


class ActivateRequest(BaseModel):
    intent: str | None = Field(default=None, max_length=64)
    prompt: str = Field(min_length=1, max_length=5000)
    approved_response: str = Field(default="", max_length=20_000)
    prompt_hash: str | None = Field(default=None, max_length=128)
    active: bool = True
    actor: str = Field(default="ui", max_length=64)


def prompt_hash(prompt: str) -> str:
    return hashlib.sha256(normalize(prompt).encode()).hexdigest()[:16]


def learning_entry(row: dict[str, Any]) -> LearningEntry:
    success = bool(row.get("success"))
    return LearningEntry(task_id=str(row.get("task_id") or ""), timestamp=local_naive(row.get("created_at")),
                         intent=intent_of(row), success=success, need=str(row.get("situation") or ""),
                         outcome=str(row.get("action") or ""), error="" if success else str(row.get("result") or ""),
                         tags=list(row.get("tags") or []))


@router.get("/logs", response_model=LearningLog)
async def learning_logs(
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    intent: Intent = None,
    success: bool | None = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
) -> LearningLog:
    """What Venom learnt from, newest first; empty while memory is loading or not installed."""
    rows = [r for r in await all_rows(services) if r.get("task_id")
            and (success is None or bool(r.get("success")) == success)
            and (tag is None or tag in (r.get("tags") or []))
            and (intent is None or intent_of(r) == intent.upper())]
    items = [learning_entry(r) for r in rows[:limit]]
    return LearningLog(count=len(items), items=items)


def hidden(rows: Sequence[dict[str, Any]]) -> list[HiddenPrompt]:
    groups: dict[str, HiddenPrompt] = {}
    for r in rows:  # newest first, so the first row of a group gives its latest answer
        if r.get("feedback_rating") != "up":
            continue
        key = prompt_hash(str(r.get("situation") or ""))
        when = datetime.fromtimestamp(float(r.get("feedback_at") or r.get("created_at") or 0), UTC).isoformat()
        found = groups.get(key)
        if found is None:
            groups[key] = HiddenPrompt(intent=intent_of(r), prompt=str(r.get("situation") or ""),
                                       approved_response=str(r.get("result") or ""), prompt_hash=key, score=1,
                                       last_timestamp=when)
        else:
            found.score += 1
            found.last_timestamp = max(found.last_timestamp, when)
    return sorted(groups.values(), key=lambda h: (h.last_timestamp, h.score), reverse=True)


@router.get("/hidden-prompts", response_model=HiddenPrompts)
async def hidden_prompts(
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    min_score: Annotated[int, Query(ge=1, le=1000)] = 1,
    intent: Intent = None,
) -> HiddenPrompts:
    """Prompts whose answers were rated up, by last rating then score."""
    items = [h for h in hidden(await all_rows(services))
             if h.score >= min_score and (intent is None or h.intent == intent.upper())][:limit]
    return HiddenPrompts(count=len(items), items=items)


async def _active(services: ServicesDep) -> dict[str, dict[str, Any]]:
    stored = await services.storage.get_setting(ACTIVE_KEY)
    return stored if isinstance(stored, dict) else {}


def _listing(active: dict[str, dict[str, Any]], intent: str | None) -> ActivePrompts:
    items = sorted((ActivePrompt(**v) for v in active.values()
                    if intent is None or (v.get("intent") or "") == intent.upper()),
                   key=lambda a: a.updated_at, reverse=True)
    return ActivePrompts(count=len(items), items=items)


@router.get("/hidden-prompts/active", response_model=ActivePrompts)
async def active_prompts(services: ServicesDep, intent: Intent = None) -> ActivePrompts:
    """The hidden prompts approved for reuse, most recently changed first."""
    return _listing(await _active(services), intent)


@router.post("/hidden-prompts/active", response_model=ActivePrompts, responses=error_responses(403, 422))
async def set_active_prompt(body: ActivateRequest, services: ServicesDep, _: AdminDep) -> ActivePrompts:
    """Approve (`active: true`) or withdraw (`active: false`) a hidden prompt (admin); answers the active list."""
    active = await _active(services)
    key = body.prompt_hash or prompt_hash(body.prompt)
    now = datetime.now(UTC).isoformat()
    if body.active:
        active[key] = {"intent": body.intent.upper() if body.intent else None, "prompt": body.prompt,
                       "approved_response": body.approved_response, "prompt_hash": key, "updated_at": now,
                       "activated_by": body.actor, "activated_at": active.get(key, {}).get("activated_at", now)}
        if len(active) > MAX_ACTIVE:
            oldest = min(active, key=lambda k: active[k]["updated_at"])
            del active[oldest]
    else:
        active.pop(key, None)
    await services.storage.set_setting(ACTIVE_KEY, active)
    return _listing(active, None)
