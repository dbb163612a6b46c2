"""Run a benchmark: each chosen model answers the prompt set; time to first token, tokens per
second and peak memory are measured and stored with the run.

Why the provider is called directly and not through the registry's routing: a benchmark
measures the named model, so no fallback may answer in its place. The calls are still metered
in the usage ledger (a cloud model's tokens are paid for either way).

One run at a time per process: two runs on one machine would measure each other. Peak memory is
the growth of this process's resident set while the model answers, so it means something only
for runtimes that generate in this process (capability `load`); for a server it is null.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from loguru import logger

from venom_core.benchmark.prompts import PROMPT_SETS, PromptSet
from venom_core.benchmark.store import BenchmarkRun, BenchmarkStore
from venom_core.core.event_log import EventLog
from venom_core.core.models import EventType
from venom_core.runtimes import providers
from venom_core.runtimes.base import ChatMessage, GenerationParams, RuntimeError_
from venom_core.runtimes.registry import RuntimeRegistry
from venom_core.runtimes.usage import UsageMeter

PROMPT_TIMEOUT_S = 120.0  # one prompt on a slow CPU model; a hung server fails the model, not the run
RSS_SAMPLE_S = 0.01
MB = 1024 * 1024


class BenchmarkBusy(Exception):
    """Another benchmark is running in this process."""

    def __init__(self, running: str):
        super().__init__(running)
        self.running = running


@dataclass(slots=True)
class _Sample:
    ttft_ms: float
    tokens_per_second: float
    completion_tokens: int


class _RssPeak:
    """The highest resident set size of this process while it runs (sampled on the event loop,
    which is free while an in-process model generates in its worker thread)."""

    def __init__(self) -> None:
        import psutil  # here, not at start-up, as in core/system_info.py

        self._proc = psutil.Process()
        self.baseline: int = int(self._proc.memory_info().rss)
        self.peak: int = self.baseline
        self._job: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, int(self._proc.memory_info().rss))
            await asyncio.sleep(RSS_SAMPLE_S)

    def __enter__(self) -> _RssPeak:
        self._job = asyncio.create_task(self._sample(), name="benchmark-rss")
        return self

    def __exit__(self, *_: object) -> None:
        if self._job is not None:
            self._job.cancel()
        self.peak = max(self.peak, int(self._proc.memory_info().rss))

    @property
    def delta_mb(self) -> float:
        return round(max(0, self.peak - self.baseline) / MB, 2)


class BenchmarkService:
    def __init__(self, runtimes: RuntimeRegistry, store: BenchmarkStore, log: EventLog):
        self._runtimes = runtimes
        self._store = store
        self._log = log
        self.running: str | None = None

    async def load(self) -> None:
        """Mark runs a stop interrupted (call once at start, before any run)."""
        await self._store.mark_interrupted()

    async def start(self, models: list[dict[str, str]], prompt_set: str) -> BenchmarkRun:
        """Store a new run and measure it in the background. `BenchmarkBusy` while one runs."""
        if self.running is not None:
            raise BenchmarkBusy(self.running)
        run = BenchmarkRun(id=uuid.uuid4().hex, status="running", prompt_set=prompt_set, models=models,
                           created_at=datetime.now(UTC))
        self.running = run.id  # before the first await: a second call in between is refused
        try:
            await self._store.save(run)
        except BaseException:
            self.running = None
            raise
        self._progress(run, None)
        self._runtimes.spawn(self._measure(run), f"benchmark-{run.id}")
        return run

    async def get(self, run_id: str) -> BenchmarkRun | None:
        return await self._store.get(run_id)

    async def list(self, limit: int) -> list[BenchmarkRun]:
        return await self._store.list(limit)

    def _progress(self, run: BenchmarkRun, last: dict[str, Any] | None) -> None:
        data: dict[str, Any] = {"benchmark_id": run.id, "status": run.status, "models_done": len(run.results),
                                "models_total": len(run.models)}
        if last is not None:
            data.update(provider=last["provider"], model=last["model"], model_status=last["status"])
            if last.get("error"):
                data["error"] = {"code": last["error"]["code"], "message": last["error"]["message"]}
        message = f"benchmark {run.id[:8]}: {len(run.results)}/{len(run.models)} {run.status}"
        self._log.append(None, EventType.BENCHMARK_PROGRESS, message=message, agent="Benchmark", data=data)

    async def _measure(self, run: BenchmarkRun) -> None:
        prompts = PROMPT_SETS[run.prompt_set]
        try:
            for target in run.models:
                result = await self._one(target["provider"], target["model"], prompts)
                run.results.append(result)
                self._progress(run, result)
                await self._store.save(run)
            run.status = "completed" if any(r["status"] == "ok" for r in run.results) else "failed"
            if run.status == "failed":
                run.error = "No model answered; each row says why."
        except Exception as exc:  # a storage fault: the run ends failed, the server goes on
            logger.exception("benchmark {} failed", run.id)
            run.status, run.error = "failed", f"The benchmark stopped: {exc}"
        finally:
            self.running = None
        run.finished_at = datetime.now(UTC)
        with contextlib.suppress(Exception):
            await self._store.save(run)
        self._progress(run, None)

    async def _one(self, provider: str, model: str, prompts: PromptSet) -> dict[str, Any]:
        row: dict[str, Any] = {"provider": provider, "model": model, "status": "ok", "prompts": len(prompts.prompts),
                               "ttft_ms": None, "tokens_per_second": None, "completion_tokens": None,
                               "peak_memory_mb": None, "error": None}
        in_process = providers.PROVIDERS.get(provider).has("load")
        try:
            inst = self._usable(provider)
            samples: list[_Sample] = []
            rss = _RssPeak() if in_process else None
            sampling: contextlib.AbstractContextManager[Any] = rss if rss is not None else contextlib.nullcontext()
            with sampling:
                for prompt in prompts.prompts:
                    samples.append(await self._ask(inst, provider, model, prompt, prompts.max_tokens))
        except RuntimeError_ as exc:
            row.update(status="failed", error={"code": exc.code, "message": self._runtimes.mask(exc.message)})
            return row
        except TimeoutError:
            row.update(status="failed", error={"code": "llm_timeout", "message":
                       f"{provider} did not finish a prompt within {PROMPT_TIMEOUT_S:.0f} s."})
            return row
        row.update(ttft_ms=round(sum(s.ttft_ms for s in samples) / len(samples), 1),
                   tokens_per_second=round(sum(s.tokens_per_second for s in samples) / len(samples), 2),
                   completion_tokens=sum(s.completion_tokens for s in samples),
                   peak_memory_mb=rss.delta_mb if rss is not None else None)
        return row

    def _usable(self, provider: str) -> Any:
        reg = self._runtimes
        if not providers.is_local(provider):
            if not reg.policy.cloud_configured(provider):
                raise RuntimeError_("provider_not_allowed",
                                    f"{provider} cannot be used: {reg.policy.cloud_blocker(provider)}.")
            reg.policy.require_paid(provider)  # `autonomy_denied` below the paid level
        return reg.provider(provider)

    async def _ask(self, inst: Any, provider: str, model: str, prompt: str, max_tokens: int) -> _Sample:
        messages = [ChatMessage("user", prompt)]
        params = GenerationParams(max_tokens=max_tokens, temperature=0.0)
        meter = UsageMeter(provider, model, prompt)
        first: float | None = None
        pieces = 0
        t0 = time.perf_counter()
        async with asyncio.timeout(PROMPT_TIMEOUT_S):
            async for chunk in inst.stream(messages, params, model=model):
                meter.feed(chunk.text, chunk.usage)
                if chunk.text:
                    pieces += 1
                    if first is None:
                        first = time.perf_counter()
        end = time.perf_counter()
        if first is None:
            raise RuntimeError_("empty_answer", f"{model} on {provider} answered no text.")
        usage = meter.result()
        if pieces or meter.reported:
            with contextlib.suppress(Exception):  # accounting must never fail the measurement
                self._runtimes.usage_sink(None, usage)
        # The runtime's own count; without one, the streamed pieces (about one token each).
        tokens = meter.completion_tokens if meter.completion_tokens is not None else pieces
        # Decode speed: the tokens after the first over the time after it; a one-token answer has
        # no such span, so its whole time counts.
        span = end - first
        rate = (tokens - 1) / span if tokens > 1 and span > 0 else tokens / max(end - t0, 1e-6)
        return _Sample(ttft_ms=(first - t0) * 1000, tokens_per_second=rate, completion_tokens=tokens)
