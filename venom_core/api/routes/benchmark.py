"""`/api/v1/benchmark`: measure models on a fixed small prompt set (venom_core/benchmark).

`POST` starts a run in the background (admin: it spends model time, and cloud tokens) and answers
202 with the run; `BENCHMARK_PROGRESS` events on `/ws/events` follow it, and `GET /{id}` has its
results. One run at a time: a second start while one runs is 409 `benchmark_running`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import HTTPConnection

from venom_core.api.deps import AdminDep, services_of
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.providers import ModelName
from venom_core.benchmark.prompts import DEFAULT_PROMPT_SET, PROMPT_SETS
from venom_core.benchmark.service import BenchmarkBusy, BenchmarkService
from venom_core.benchmark.store import BenchmarkRun
from venom_core.core.models import iso
from venom_core.runtimes import providers

router = APIRouter(prefix="/api/v1/benchmark", tags=["benchmark"])

MAX_MODELS = 8  # a run measures each model in turn; more is a list for several runs


async def get_benchmarks(conn: HTTPConnection) -> BenchmarkService:
    return services_of(conn).benchmarks


BenchmarksDep = Annotated[BenchmarkService, Depends(get_benchmarks)]
RunId = Annotated[str, Path(min_length=32, max_length=32, pattern=r"^[0-9a-f]{32}$")]


class BenchmarkTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str = Field(min_length=1, max_length=64, description="A runtime name: embedded, ollama, "
                          "openai_compatible, openai, google or anthropic.")
    model: ModelName


class BenchmarkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    models: list[BenchmarkTarget] = Field(min_length=1, max_length=MAX_MODELS,
                                          description=f"The models to measure, in order (1 to {MAX_MODELS}).")
    prompt_set: str = Field(default=DEFAULT_PROMPT_SET, min_length=1, max_length=32,
                            description=f"One of: {', '.join(PROMPT_SETS)}.")


class ResultError(BaseModel):
    code: str
    message: str


class BenchmarkResult(BaseModel):
    provider: str
    model: str
    status: Literal["ok", "failed"]
    prompts: int = Field(description="Prompts of the set this model answered (or was asked).")
    ttft_ms: float | None = Field(description="Mean time to first token, in milliseconds.")
    tokens_per_second: float | None = Field(description="Mean decode speed: completion tokens after the first, "
                                            "per second after the first.")
    completion_tokens: int | None = Field(description="Tokens generated over the whole prompt set.")
    peak_memory_mb: float | None = Field(description="Growth of this process's resident memory while the model "
                                         "answered (in-process runtimes only; null for a server).")
    error: ResultError | None


class BenchmarkView(BaseModel):
    id: str
    status: Literal["running", "completed", "failed", "interrupted"]
    prompt_set: str
    models: list[BenchmarkTarget]
    results: list[BenchmarkResult]
    models_done: int
    models_total: int
    error: str | None
    created_at: str
    finished_at: str | None


class PromptSetView(BaseModel):
    name: str
    description: str
    prompts: int
    max_tokens: int


class BenchmarkList(BaseModel):
    items: list[BenchmarkView]
    count: int
    running: str | None = Field(description="The id of the run in progress, if any.")
    prompt_sets: list[PromptSetView]


def view(run: BenchmarkRun) -> BenchmarkView:
    data: dict[str, Any] = {"id": run.id, "status": run.status, "prompt_set": run.prompt_set, "models": run.models,
                            "results": run.results, "models_done": len(run.results), "models_total": len(run.models),
                            "error": run.error, "created_at": iso(run.created_at),
                            "finished_at": iso(run.finished_at) if isinstance(run.finished_at, datetime) else None}
    return BenchmarkView.model_validate(data)


@router.post("", status_code=202, response_model=BenchmarkView, responses=error_responses(403, 409, 422))
async def start_benchmark(body: BenchmarkRequest, benchmarks: BenchmarksDep, _: AdminDep) -> BenchmarkView:
    """Start a run; 422 `unknown_provider` / `unknown_prompt_set` for a name Venom does not know,
    409 `benchmark_running` while another run is measuring."""
    for target in body.models:
        if target.provider not in providers.PROVIDERS.names:
            raise ApiError(422, "unknown_provider", f"There is no runtime named {target.provider!r}; known: "
                           f"{', '.join(providers.PROVIDERS.names)}.")
    if body.prompt_set not in PROMPT_SETS:
        raise ApiError(422, "unknown_prompt_set", f"There is no prompt set named {body.prompt_set!r}; known: "
                       f"{', '.join(PROMPT_SETS)}.")
    try:
        run = await benchmarks.start([t.model_dump() for t in body.models], body.prompt_set)
    except BenchmarkBusy as busy:
        raise ApiError(409, "benchmark_running", "Another benchmark is running; wait for it to finish "
                       "(GET /api/v1/benchmark/list shows it).", details={"running": busy.running}) from None
    return view(run)


@router.get("/list", response_model=BenchmarkList)
async def list_benchmarks(benchmarks: BenchmarksDep,
                          limit: Annotated[int, Query(ge=1, le=200)] = 50) -> BenchmarkList:
    """Runs, newest first, with the prompt sets a run may use."""
    runs = [view(r) for r in await benchmarks.list(limit)]
    sets = [PromptSetView(name=s.name, description=s.description, prompts=len(s.prompts), max_tokens=s.max_tokens)
            for s in PROMPT_SETS.values()]
    return BenchmarkList(items=runs, count=len(runs), running=benchmarks.running, prompt_sets=sets)


@router.get("/{benchmark_id}", response_model=BenchmarkView, responses=error_responses(404, 422))
async def get_benchmark(benchmark_id: RunId, benchmarks: BenchmarksDep) -> BenchmarkView:
    """One run with its results so far."""
    run = await benchmarks.get(benchmark_id)
    if run is None:
        raise ApiError(404, "benchmark_not_found", f"There is no benchmark with id {benchmark_id}.")
    return view(run)
