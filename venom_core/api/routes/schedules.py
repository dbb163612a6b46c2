"""`/api/v1/schedules`: automations, a prompt run as an ordinary task on a cron timetable.

Each run is a task like any other (its request carries `schedule_id`); the run history links
to it. Times are ISO 8601: `next_runs` in the schedule's own time zone, the rest in UTC.
"""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from venom_core.api.deps import services_of
from venom_core.api.errors import error_responses
from venom_core.core.models import iso
from venom_core.schedules.cron import MAX_PREVIEW, check_cron, check_timezone, next_times
from venom_core.schedules.scheduler import Scheduler
from venom_core.schedules.store import CatchUp, RunStatus, Schedule, ScheduleRun, Trigger

router = APIRouter(prefix="/api/v1/schedules", tags=["schedules"])
ScheduleId = Annotated[str, Path(min_length=32, max_length=32, pattern=r"^[0-9a-f]{32}$")]
CRON_HELP = ("Five fields (minute hour day-of-month month day-of-week), e.g. '0 9 * * 1-5', or an alias "
             "such as '@daily'.")
CATCH_UP_HELP = ("Runs missed while Venom was down: 'once' runs the newest of them once at start, 'skip' "
                 "records them as skipped.")


class _Checked(BaseModel):
    @field_validator("cron", check_fields=False)
    @classmethod
    def _cron(cls, v: str | None) -> str | None:
        return None if v is None else check_cron(v)

    @field_validator("timezone", check_fields=False)
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        return None if v is None else check_timezone(v)

    @field_validator("session_id", check_fields=False)
    @classmethod
    def _session(cls, v: str | None) -> str | None:
        if v is None:
            return None
        return v.strip() or None  # an emptied field detaches the conversation

    @field_validator("content", check_fields=False)
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("content must contain at least one non-space character")
        return v


class ScheduleIn(_Checked):
    model_config = ConfigDict(extra="forbid")
    cron: str = Field(max_length=100, description=CRON_HELP)
    timezone: str = Field(default="UTC", max_length=64, description="An IANA time zone, e.g. 'Europe/Warsaw'.")
    content: str = Field(min_length=1, max_length=50_000, description="The prompt each run submits.")
    name: str = Field(default="", max_length=200)
    session_id: str | None = Field(default=None, max_length=128, description="Runs continue this conversation.")
    enabled: bool = True
    catch_up: CatchUp = Field(default="once", description=CATCH_UP_HELP)


class ScheduleEdit(_Checked):
    model_config = ConfigDict(extra="forbid")
    cron: str | None = Field(default=None, max_length=100, description=CRON_HELP)
    timezone: str | None = Field(default=None, max_length=64)
    content: str | None = Field(default=None, min_length=1, max_length=50_000)
    name: str | None = Field(default=None, max_length=200)
    session_id: str | None = Field(default=None, max_length=128)
    enabled: bool | None = None
    catch_up: CatchUp | None = None


class RunView(BaseModel):
    id: str
    schedule_id: str
    due_at: str = Field(description="The time of the timetable this run is for (now, for a manual run).")
    fired_at: str
    trigger: Trigger
    status: RunStatus
    task_id: str | None
    error: str | None


class ScheduleView(BaseModel):
    id: str
    name: str
    cron: str
    timezone: str
    content: str
    session_id: str | None
    enabled: bool
    catch_up: CatchUp
    next_run_at: str | None
    next_runs: list[str] = Field(description="The next run times in the schedule's time zone.")
    created_at: str
    updated_at: str
    last_run: RunView | None


class ScheduleDeleted(BaseModel):
    id: str
    deleted: bool


class RunList(BaseModel):
    runs: list[RunView]


def _scheduler(request: Request) -> Scheduler:
    return services_of(request).schedules


SchedulerDep = Annotated[Scheduler, Depends(_scheduler)]


def run_view(r: ScheduleRun) -> RunView:
    return RunView(id=r.id, schedule_id=r.schedule_id, due_at=iso(r.due_at), fired_at=iso(r.fired_at),
                   trigger=r.trigger, status=r.status, task_id=r.task_id, error=r.error)


def view(s: Schedule, last: ScheduleRun | None, preview: int = 3) -> ScheduleView:
    upcoming: list[str] = []
    if s.next_run_at is not None:
        first = s.next_run_at.astimezone(ZoneInfo(s.timezone))
        upcoming = [t.isoformat() for t in (first, *next_times(s.cron, s.timezone, s.next_run_at, preview - 1))]
    return ScheduleView(id=s.id, name=s.name, cron=s.cron, timezone=s.timezone, content=s.content,
                        session_id=s.session_id, enabled=s.enabled, catch_up=s.catch_up,
                        next_run_at=iso(s.next_run_at) if s.next_run_at else None, next_runs=upcoming,
                        created_at=iso(s.created_at), updated_at=iso(s.updated_at),
                        last_run=run_view(last) if last else None)


@router.post("", status_code=201, response_model=ScheduleView, responses=error_responses(422, 503))
async def create_schedule(body: ScheduleIn, scheduler: SchedulerDep) -> ScheduleView:
    """An invalid cron expression or time zone is a 422 that names the problem."""
    s = await scheduler.create(**body.model_dump())
    return view(s, None)


@router.get("", response_model=list[ScheduleView], responses=error_responses(503))
async def list_schedules(scheduler: SchedulerDep) -> list[ScheduleView]:
    last = await scheduler.store.last_runs()
    return [view(s, last.get(s.id)) for s in await scheduler.store.listing()]


@router.get("/{schedule_id}", response_model=ScheduleView, responses=error_responses(404, 422))
async def get_schedule(schedule_id: ScheduleId, scheduler: SchedulerDep,
                       preview: Annotated[int, Query(ge=1, le=MAX_PREVIEW)] = 5) -> ScheduleView:
    s = await scheduler.get(schedule_id)
    runs = await scheduler.store.runs(s.id, 1)
    return view(s, runs[0] if runs else None, preview)


@router.patch("/{schedule_id}", response_model=ScheduleView, responses=error_responses(404, 422))
async def edit_schedule(schedule_id: ScheduleId, body: ScheduleEdit, scheduler: SchedulerDep) -> ScheduleView:
    """Only the given fields change; `session_id: null` detaches the conversation."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    for key in ("cron", "timezone", "content", "name", "enabled", "catch_up"):
        if key in changes and changes[key] is None:
            del changes[key]  # null means "unchanged" for the fields that cannot be empty
    s = await scheduler.update(schedule_id, changes)
    runs = await scheduler.store.runs(s.id, 1)
    return view(s, runs[0] if runs else None)


@router.delete("/{schedule_id}", response_model=ScheduleDeleted, responses=error_responses(404, 422))
async def delete_schedule(schedule_id: ScheduleId, scheduler: SchedulerDep) -> ScheduleDeleted:
    """The schedule and its run history go; the tasks it ran stay."""
    await scheduler.delete(schedule_id)
    return ScheduleDeleted(id=schedule_id, deleted=True)


@router.post("/{schedule_id}/run", status_code=202, response_model=RunView, responses=error_responses(404, 422, 503))
async def run_schedule_now(schedule_id: ScheduleId, scheduler: SchedulerDep) -> RunView:
    """One run now, outside the timetable (the timetable is unchanged)."""
    return run_view(await scheduler.run_now(schedule_id))


@router.get("/{schedule_id}/runs", response_model=RunList, responses=error_responses(404, 422))
async def schedule_runs(schedule_id: ScheduleId, scheduler: SchedulerDep,
                        limit: Annotated[int, Query(ge=1, le=500)] = 50) -> RunList:
    """The history of runs, newest first, each with its task."""
    await scheduler.get(schedule_id)
    return RunList(runs=[run_view(r) for r in await scheduler.store.runs(schedule_id, limit)])
