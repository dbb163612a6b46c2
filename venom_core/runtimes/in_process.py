"""What every runtime that runs a model inside this process shares (llama.cpp, ONNX Runtime GenAI).

Why it looks like this:
- the engines are synchronous, so generation runs in a worker thread; chunks cross to the event
  loop through `call_soon_threadsafe`, so the loop (and `/healthz`) never waits on a token;
- there is one model instance, so requests take turns through an `asyncio.Lock`, which wakes
  waiters in FIFO order. The lock is released only when the worker thread has really stopped;
- cancelling the consumer sets a flag the worker checks after every chunk, so generation stops
  within one token of an abort.

A subclass says how to load a model file (`_build`), how to generate OpenAI-shaped stream parts
from chat messages (`_generate`), and how to count tokens (`_count`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

from loguru import logger

from venom_core.runtimes.base import ChatMessage, Chunk, GenerationParams, Health, ModelInfo, RuntimeError_

_END = object()


class InProcessRuntime:
    # What the subclass's model files look like, for the catalogue and the errors.
    model_format: ClassVar[str] = ""
    missing_hint: ClassVar[str] = ""

    def __init__(self, name: str, *, model_path: Path | None, models_dir: Path | None = None) -> None:
        self.name = name
        self.model_path = model_path
        self.model = self.model_name(model_path) if model_path else "unavailable"
        self.models_dir = models_dir
        self.status = "loading"
        self.error = ""
        self.load_seconds: float | None = None
        self._engine: Any = None
        self._lock = asyncio.Lock()  # FIFO: one generation at a time on the one instance
        self._loaded = asyncio.Event()  # set once the first load attempt has ended (either way)
        self.active_generations = 0
        self.waiting = 0  # requests queued behind the running one

    # -- what a subclass provides --------------------------------------------------------------
    def _build(self, path: Path) -> Any:
        """Load the model at `path` (called in a worker thread); the result is the engine."""
        raise NotImplementedError

    def _after_load(self, engine: Any) -> None:
        """Read what the model itself declares, once it is loaded (on the event loop)."""

    def _generate(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[dict[str, Any]]:
        """OpenAI chat-stream parts (`{"choices": [{"delta": {...}, "finish_reason"}]}`), in the worker thread.
        An engine that knows its token counts ends with `{"usage": {...}}`; otherwise `_count` counts."""
        raise NotImplementedError

    def _count(self, messages: list[dict[str, str]], completion: str) -> dict[str, int] | None:
        """`{"prompt_tokens", "completion_tokens"}` by the model's own tokenizer, or None."""
        return None

    def _prepare(self, messages: list[ChatMessage]) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.content} for m in messages]

    def model_name(self, path: Path) -> str:
        return path.stem

    def candidate_files(self) -> list[Path]:
        """The model files this runtime offers besides its configured one."""
        return []

    # -- loading -----------------------------------------------------------------------------
    async def load(self, path: Path | None = None, *, warmup: bool = False) -> None:
        """Load (or switch to) a model in a worker thread; waits for any running generation."""
        target = path or self.model_path
        async with self._lock:
            self.status, self.error = "loading", ""
            if target is None or not target.exists():
                self.status = "error"
                self._loaded.set()
                self.error = self.missing_hint
                raise RuntimeError_("model_missing", self.error)
            t0 = time.perf_counter()
            try:
                engine = await asyncio.to_thread(self._build, target)
            except Exception as exc:
                self.status, self.error = "error", f"Could not load {target.name}: {exc}"
                self._loaded.set()
                raise RuntimeError_("model_load_failed", self.error) from exc
            self._engine, self.model_path, self.model = engine, target, self.model_name(target)
            self._after_load(engine)
            self.load_seconds = round(time.perf_counter() - t0, 3)
        self.status = "ready"
        self._loaded.set()
        if warmup:
            await self.complete([ChatMessage("user", "Ping.")], GenerationParams(max_tokens=8))
        logger.info("{} model {} loaded in {}s", self.name, self.model, self.load_seconds)

    # -- generation --------------------------------------------------------------------------
    async def stream(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> AsyncIterator[Chunk]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()
        payload = self._prepare(messages)

        def worker() -> None:
            try:
                text: list[str] = []
                usage: dict[str, int] | None = None
                for part in self._generate(payload, params):
                    if stop.is_set():
                        break  # the consumer is gone: stop within one token
                    if "usage" in part:
                        usage = part["usage"]
                        continue
                    text.append((part["choices"][0].get("delta") or {}).get("content") or "")
                    loop.call_soon_threadsafe(queue.put_nowait, part)
                if usage is None:
                    usage = self._count(payload, "".join(text))
                loop.call_soon_threadsafe(queue.put_nowait, {"usage": usage})
            except BaseException as exc:  # a failed generation ends the stream with a clear error
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, _END)

        if self._engine is None and self.status == "loading":
            await self._loaded.wait()
        self.waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self.waiting -= 1
        if self._engine is None:
            self._lock.release()
            raise RuntimeError_("runtime_not_ready", self.error or f"The {self.name} model is still loading.",
                                retryable=True)
        if model and model not in (self.model, self.model_path.name if self.model_path else ""):
            self._lock.release()  # checked under the lock: a switch in progress has finished by now
            raise RuntimeError_("model_not_found", f"The {self.name} runtime has {self.model} loaded, not {model}.")
        self.active_generations += 1
        job = loop.run_in_executor(None, worker)

        def finished(_: asyncio.Future[None]) -> None:
            self.active_generations -= 1
            self._lock.release()

        job.add_done_callback(finished)
        try:
            while True:
                part = await queue.get()
                if part is _END:
                    return
                if isinstance(part, BaseException):
                    raise RuntimeError_("llm_generation_error", f"The {self.name} model failed: {part}") from part
                if "usage" in part:
                    if part["usage"]:
                        yield Chunk(usage=part["usage"])
                    continue
                choice = part["choices"][0]
                delta = choice.get("delta") or {}
                yield Chunk(text=delta.get("content") or "", tool_calls=delta.get("tool_calls"),
                            finish_reason=choice.get("finish_reason"))
        finally:
            stop.set()

    async def complete(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> str:
        return "".join([c.text async for c in self.stream(messages, params, model=model)])

    # -- catalogue and health ----------------------------------------------------------------
    def model_files(self) -> list[Path]:
        files = [*([self.model_path] if self.model_path else []), *self.candidate_files()]
        seen: dict[str, Path] = {}
        for f in files:
            seen.setdefault(self.model_name(f), f)
        return list(seen.values())

    def find_model(self, name: str) -> Path | None:
        return next((p for p in self.model_files() if name in (self.model_name(p), p.name)), None)

    async def list_models(self) -> list[ModelInfo]:
        return [ModelInfo(name=self.model_name(p), provider=self.name, size_bytes=_size(p), details=self._details(p))
                for p in self.model_files() if p.exists()]

    def _details(self, path: Path) -> dict[str, Any]:
        return {"format": self.model_format, "path": str(path),
                "loaded": self._engine is not None and path == self.model_path}

    async def health(self) -> Health:
        detail = self.error or (f"{self.model} loaded in {self.load_seconds}s" if self.status == "ready" else "")
        return Health("ready" if self.status == "ready" else "error" if self.status == "error" else "loading",
                      detail)

    async def close(self) -> None:
        async with self._lock:
            self._engine = None


def _size(path: Path) -> int:
    """A model's size on disk: a file, or the files of a model folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
