"""The runtime registry: one place that owns the providers, applies the policy and streams.

`stream_chat` is what agents call. It asks the `Policy` for a chain of runtimes, then for each
runtime in turn retries transient errors (429/5xx/connection/timeout) ONLY before the first
chunk, with OLLAMA_RETRY_MAX_ATTEMPTS total attempts and a linear OLLAMA_RETRY_BACKOFF_SECONDS
backoff, and falls back to the next runtime (with its own model) when one gives up. Once text
has been streamed nothing is retried: the error surfaces as `llm_stream_interrupted`. Every
decision lands in the trace of the work it runs in (`venom_core.tracer`): the registry is
given no task, and knows nothing of tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine
from typing import Any, cast

from loguru import logger

from venom_core import tracer
from venom_core.config import Settings
from venom_core.core.masking import known_secrets, mask_text, mask_url
from venom_core.runtimes import providers
from venom_core.runtimes.base import ChatMessage, Chunk, GateDenied, GenerationParams, LLMProvider, RuntimeError_
from venom_core.runtimes.in_process import InProcessRuntime
from venom_core.runtimes.model_defaults import ModelDefaultsStore
from venom_core.runtimes.policy import Decision, PermissionGate, Policy
from venom_core.runtimes.usage import CallUsage, UsageMeter

# Where each call's usage goes (the usage ledger): `(the traced work's scope id or None, usage)`.
UsageSink = Callable[[str | None, CallUsage], None]

MAX_ERROR_CHARS = 500  # a runtime error is a sentence, never a copied upstream body


@functools.lru_cache(maxsize=256)  # computed for every task's runtime record
def config_hash(provider: str, endpoint: str, model: str) -> str:
    return hashlib.sha256(f"{provider}|{endpoint}|{model}".encode()).hexdigest()[:12]


class RuntimeRegistry:
    def __init__(self, settings: Settings, autonomy: PermissionGate, usage_sink: UsageSink,
                 model_defaults: ModelDefaultsStore):
        self.settings = settings
        self.usage_sink = usage_sink
        # Per-model generation defaults, applied to every call under the call's own values.
        self.model_defaults = model_defaults
        self.policy = Policy(settings, autonomy)
        # Values that must never leave in an error or a status line (keys, URL passwords).
        self._secrets = known_secrets(settings)
        primary = providers.primary(settings)
        known = primary in providers.PROVIDERS
        self.active = primary if known else "embedded"
        self.config_error = "" if known else (
            f"LLM_PROVIDER={settings.LLM_PROVIDER!r} is not a known runtime "
            f"({', '.join(providers.PROVIDERS.names)}); using the embedded model.")
        self.models = {name: providers.model_name(settings, name) for name in providers.PROVIDERS.names}
        self._instances: dict[str, LLMProvider] = {}
        self._status: dict[str, tuple[str, str]] = {}  # HTTP runtimes: (status, error) from probes and use
        self._jobs: set[asyncio.Task[Any]] = set()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Prepare runtimes in the background: the server never waits for a model."""
        self.spawn(self._prepare(), "llm-runtime-prepare")

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        job = asyncio.create_task(coro, name=name)
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)
        return job

    async def _prepare(self) -> None:
        wanted = [self.active, providers.fallback(self.settings)]
        if self.settings.VENOM_RUNTIME_PROFILE == "full":
            wanted += list(providers.PROVIDERS.local_names)
        for name in dict.fromkeys(n for n in wanted if n and self.policy.local_allowed(n) and self.listed(n)):
            try:
                provider = self.provider(name, autoload=False)
                if isinstance(provider, InProcessRuntime):
                    await provider.load(warmup=self.settings.LLM_WARMUP_ON_STARTUP)
                else:
                    health = await provider.health()
                    self._status[name] = ("ready" if health.status == "ready" else "error", "" if
                                          health.status == "ready" else health.detail)
            except RuntimeError_ as exc:
                logger.warning("runtime {} is not usable: {}", name, self.mask(exc.message))
            except Exception:
                logger.exception("preparing runtime {} failed", name)

    async def close(self) -> None:
        for job in list(self._jobs):
            job.cancel()
        for job in list(self._jobs):
            with contextlib.suppress(BaseException):
                await job
        for inst in self._instances.values():
            with contextlib.suppress(Exception):
                await inst.close()

    # -- providers and status ----------------------------------------------------------------
    def provider(self, name: str | None = None, *, autoload: bool = True) -> LLMProvider:
        """The provider instance for `name` (default: the policy's choice for a plain request).

        An embedded model first asked for here starts loading in the background (`autoload`)."""
        if name is None:
            name = self.decide("").provider
        providers.PROVIDERS.get(name)  # unknown_provider
        if providers.is_local(name) and not self.policy.local_allowed(name):
            raise RuntimeError_("provider_unavailable", f"The local runtime {name} is disabled because "
                                "VENOM_RUNTIME_PROFILE=llm_off.")
        if not providers.is_local(name) and not providers.api_key(self.settings, name):
            raise RuntimeError_("provider_unavailable",
                                f"The cloud runtime {name} cannot be used: {self.policy.cloud_blocker(name)}.")
        inst = self._instances.get(name)
        if inst is None:
            inst = self._instances[name] = providers.build(self.settings, name)
            if isinstance(inst, InProcessRuntime) and autoload:
                self.spawn(self._load_quietly(inst), f"llm-load-{name}")
        return inst

    async def repoint(self, name: str, endpoint: str) -> None:
        """Point an HTTP runtime at another endpoint now (connect a model): the next use builds a
        provider for it; the old one is closed."""
        field = providers.PROVIDERS.get(name).endpoint_setting
        if field is None:
            raise RuntimeError_("provider_unavailable", f"The runtime {name} cannot be pointed at another URL.")
        setattr(self.settings, field, endpoint)
        old = self._instances.pop(name, None)
        self._status.pop(name, None)
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close()

    def listed(self, name: str) -> bool:
        """Whether the listings show `name`: set up, or the one in use (so its error is seen)."""
        return name == self.active or providers.set_up(self.settings, name)

    def activate(self, name: str) -> None:
        """Make `name` the runtime a plain request uses (checked by the caller: `catalog.set_active`)."""
        self.active = providers.PROVIDERS.get(name).name

    def use_model(self, name: str, model: str) -> None:
        """Record the model `name` now uses (the switch itself is `catalog.switch_model`)."""
        self.models[providers.PROVIDERS.get(name).name] = model

    @staticmethod
    async def _load_quietly(inst: InProcessRuntime) -> None:
        with contextlib.suppress(RuntimeError_):
            await inst.load()

    def status_of(self, name: str) -> tuple[str, str]:
        """`(status, error)` of one runtime; the error is masked (it is shown by several endpoints)."""
        status, error = self._raw_status(name)
        return status, self.mask(error) if error else error

    def _raw_status(self, name: str) -> tuple[str, str]:
        inst = self._instances.get(name)
        if isinstance(inst, InProcessRuntime):
            return inst.status, inst.error
        if not providers.is_local(name):
            if self.policy.cloud_allowed(name):
                return "ready", ""
            return "unavailable", self.policy.cloud_blocker(name)
        return self._status.get(name, ("loading", ""))

    def snapshot(self, name: str, model: str | None = None) -> dict[str, Any]:
        model = model or self.models[name]
        endpoint = mask_url(providers.endpoint(self.settings, name))
        status, error = self.status_of(name)
        info: dict[str, Any] = {"provider": name, "model": model, "endpoint": endpoint, "status": status,
                                "config_hash": config_hash(name, endpoint, model), "runtime_id": f"{name}@{endpoint}"}
        if error:
            info["error"] = error
        inst = self._instances.get(name)
        if isinstance(inst, InProcessRuntime):
            info["generating"] = inst.active_generations  # 0 once an aborted generation has really stopped
            info["queued"] = inst.waiting
        return info

    def runtime_info(self) -> dict[str, Any]:
        """The runtime a plain request would use now, for `/system/status` and every task."""
        extra = {"runtime_profile": self.settings.VENOM_RUNTIME_PROFILE, "ai_mode": self.settings.AI_MODE}
        try:
            decision = self.decide("")
        except RuntimeError_ as exc:
            return {"provider": None, "model": None, "endpoint": None, "status": "unavailable",
                    "error": exc.message, "error_code": exc.code, "config_hash": None, "runtime_id": None, **extra}
        info = {**self.snapshot(decision.provider, decision.model), **extra}
        if self.config_error:
            info.setdefault("warning", self.config_error)
        return info

    async def health_check(self) -> dict[str, Any]:
        """The `/api/v1/system/services` row: probes a local HTTP runtime, never the cloud."""
        info = self.runtime_info()
        name, latency = info.get("provider"), None
        if isinstance(name, str) and name in providers.PROVIDERS and providers.PROVIDERS.get(name).has("probe"):
            health = await self.provider(name, autoload=False).health()
            latency = health.latency_ms
            self._status[name] = ("ready", "") if health.status == "ready" else ("error", health.detail)
            info = self.runtime_info()
        status = {"ready": "online", "loading": "degraded"}.get(str(info["status"]), "offline")
        detail = info.get("error") or f"{info.get('provider')} {info.get('model')} ({info['status']})"
        return {"name": "llm_runtime", "type": "llm", "status": status, "is_critical": False, "latency_ms": latency,
                "detail": self.mask(str(detail))}

    def mask(self, text: str) -> str:
        """`text` without this process's secrets or anything credential-like (see core.masking)."""
        return mask_text(text, self._secrets)

    def sanitize(self, exc: RuntimeError_) -> RuntimeError_:
        """Mask a runtime error's message in place: it becomes a task error, a trace step, an SSE frame."""
        message = self.mask(exc.message)
        exc.message = message if len(message) <= MAX_ERROR_CHARS else message[: MAX_ERROR_CHARS - 1] + "…"
        exc.args = (exc.message,)
        return exc

    def decide(self, content: str, *, forced_provider: str | None = None, sensitive: bool = False) -> Decision:
        return self.policy.decide(content, active=self.active, models=self.models, forced=forced_provider,
                                  sensitive=sensitive)

    # -- streaming ---------------------------------------------------------------------------
    async def stream_chat(
        self, messages: list[ChatMessage], params: GenerationParams, *,
        forced_provider: str | None = None, sensitive: bool = False, model: str | None = None,
        on_usage: Callable[[CallUsage], None] | None = None,
    ) -> AsyncIterator[Chunk]:
        """Stream from the policy's chain (see the module doc). `model` overrides the first runtime's
        model only; fallbacks keep their own. Every call that produced output (or reported usage) is
        metered: its `CallUsage` goes to the usage sink and to `on_usage`."""
        content = "\n".join(m.content for m in messages if m.role == "user")
        prompt_text = "\n".join(m.content for m in messages)
        scope = tracer.scope()  # read once: a generator closed late may run in another context
        try:
            decision = self.decide(content, forced_provider=forced_provider, sensitive=sensitive)
        except GateDenied as denied:
            tracer.trace("Autonomy", "gate", status="blocked", **denied.details())
            refusal = denied.refusal(scope)
            tracer.set_context(policy_blocked=True, reason_code="AUTONOMY_LEVEL_TOO_LOW",
                               user_message=denied.message, technical_context=denied.details(),
                               **({"autonomy_refusal": refusal} if refusal is not None else {}))
            raise
        if model:
            decision.chain[0] = (decision.chain[0][0], model)
        tracer.set_context(routing_decision=decision.as_dict(), llm_runtime=self.snapshot(*decision.chain[0]))
        tracer.trace("LLM", "routing_decision", provider=decision.provider, model=decision.model,
                     reason_code=decision.reason_code, chain=[p for p, _ in decision.chain])
        last: RuntimeError_ | None = None
        for index, (name, model) in enumerate(decision.chain):
            if index > 0:
                assert last is not None
                logger.warning("runtime {} failed ({}); falling back to {} ({})", decision.chain[index - 1][0],
                               last.code, name, model)
                prev = decision.chain[index - 1]
                tracer.trace("LLM", "fallback", "warning", from_provider=prev[0], from_model=prev[1],
                             to_provider=name, to_model=model, reason=last.code, error=last.message)
                tracer.set_context(routing_decision=decision.as_dict(fallback_applied=True, active=(name, model)),
                                   llm_runtime=self.snapshot(name, model))
            try:
                provider = self.provider(name)
            except RuntimeError_ as exc:
                last = self.sanitize(exc)
                continue
            call_params = self.model_defaults.apply(params, name, model)  # each runtime: its model's
            retries = providers.PROVIDERS.get(name).has("retry")
            attempts = self.settings.OLLAMA_RETRY_MAX_ATTEMPTS if retries else 1
            for attempt in range(1, attempts + 1):
                started = False
                meter = UsageMeter(name, model, prompt_text)
                tracer.trace("LLM", "request_sent", provider=name, model=model, attempt=attempt)
                try:
                    stream_cm = contextlib.aclosing(cast(AsyncGenerator[Chunk, None],
                                                         provider.stream(messages, call_params, model=model)))
                    async with stream_cm as stream:
                        async for chunk in stream:
                            if not (chunk.text or chunk.tool_calls or chunk.finish_reason or chunk.usage):
                                continue
                            meter.feed(chunk.text, chunk.usage)
                            if not started and (chunk.text or chunk.tool_calls):
                                started = True
                                tracer.trace("LLM", "first_token", provider=name, model=model,
                                             elapsed_ms=tracer.elapsed_ms())
                            yield chunk
                except RuntimeError_ as exc:
                    self.sanitize(exc)
                    self._note_failure(name, exc)
                    if started:
                        tracer.trace("LLM", "stream_failed", "error", provider=name, code=exc.code, error=exc.message)
                        raise RuntimeError_("llm_stream_interrupted", f"The answer from {name} broke off midway: "
                                            f"{exc.message}", retryable=True, status=exc.status) from exc
                    last = exc
                    if exc.retryable and attempt < attempts:
                        delay = self.settings.OLLAMA_RETRY_BACKOFF_SECONDS * attempt
                        tracer.trace("LLM", "retry", "warning", provider=name, attempt=attempt, code=exc.code,
                                     status_code=exc.status, delay_s=delay)
                        await asyncio.sleep(delay)
                        continue
                    tracer.trace("LLM", "request_failed", "error", provider=name, attempt=attempt, code=exc.code,
                                 error=exc.message)
                    break
                else:
                    self._note_success(name)
                    tracer.trace("LLM", "completed", provider=name, model=model)
                    return
                finally:
                    # Also an aborted or broken call is metered once it produced output: it was paid for.
                    if started or meter.reported:
                        self._record_usage(meter.result(), scope, on_usage)
        assert last is not None
        raise last

    def _record_usage(self, usage: CallUsage, scope: str | None,
                      on_usage: Callable[[CallUsage], None] | None) -> None:
        try:
            self.usage_sink(scope, usage)  # under the traced work's id, if any
            if on_usage is not None:
                on_usage(usage)
        except Exception:  # accounting must never fail the answer it accounts for
            logger.exception("recording the usage of a {} call failed", usage.provider)

    def _note_failure(self, name: str, exc: RuntimeError_) -> None:
        if not isinstance(self._instances.get(name), InProcessRuntime) and exc.code in (
                "llm_connection_error", "llm_timeout"):
            self._status[name] = ("error", exc.message)

    def _note_success(self, name: str) -> None:
        if not isinstance(self._instances.get(name), InProcessRuntime):
            self._status[name] = ("ready", "")

    async def complete(self, messages: list[ChatMessage], params: GenerationParams, *,
                       forced_provider: str | None = None,
                       timeout: float | None = None) -> list[Chunk]:  # noqa: ASYNC109 (the contract's name)
        async with asyncio.timeout(timeout):
            return [c async for c in self.stream_chat(messages, params, forced_provider=forced_provider)]

    async def complete_json(self, messages: list[ChatMessage], schema: dict[str, Any], *,
                            timeout: float | None = None,  # noqa: ASYNC109
                            forced_provider: str | None = None, max_tokens: int = 256) -> dict[str, Any]:
        """Grammar/JSON-schema constrained output, parsed. Raises `RuntimeError_`."""
        params = GenerationParams(max_tokens=max_tokens, temperature=0.0, json_schema=schema)
        try:
            chunks = await self.complete(messages, params, forced_provider=forced_provider, timeout=timeout)
        except TimeoutError:
            raise RuntimeError_("llm_timeout", f"The model did not return structured output within {timeout}s.",
                                retryable=True) from None
        text = "".join(c.text for c in chunks).strip()
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RuntimeError_("llm_invalid_json", f"The model's output is not valid JSON: {text[:200]}") from exc
        if not isinstance(value, dict):
            raise RuntimeError_("llm_invalid_json", "The model's output is JSON but not an object.")
        return value

    async def complete_tool_call(self, messages: list[ChatMessage], tools: list[dict[str, Any]], *,
                                 tool_choice: dict[str, Any] | str | None = None,
                                 timeout: float | None = None,  # noqa: ASYNC109
                                 max_tokens: int = 256) -> list[dict[str, Any]]:
        """Tool-call output (OpenAI shape: `[{id, type, function: {name, arguments}}]`)."""
        params = GenerationParams(max_tokens=max_tokens, temperature=0.0, tools=tools, tool_choice=tool_choice)
        try:
            chunks = await self.complete(messages, params, timeout=timeout)
        except TimeoutError:
            raise RuntimeError_("llm_timeout", f"The model did not return a tool call within {timeout}s.",
                                retryable=True) from None
        calls = [call for c in chunks for call in (c.tool_calls or [])]
        if not calls:
            raise RuntimeError_("llm_no_tool_call", "The model answered without calling a tool.")
        return calls
