"""Routing policy: which runtime answers, and which ones back it up.

Inputs: AI_MODE (LOCAL/HYBRID/CLOUD), paid mode, the cloud keys, the autonomy level's `paid_api`
permission, VENOM_RUNTIME_PROFILE (`llm_off` disables every local runtime), the active runtime, a
forced provider, and whether the content is sensitive (sensitive content never leaves the machine). Output: a `Decision`
with a chain of `(provider, model)` pairs, each with its own model name, and a reason code
that is recorded in the task's trace. A request that no runtime may serve raises
`RuntimeError_` with an actionable message instead of silently doing something else.

Paid cloud use is checked here because every path to a model asks this policy first: a cloud
runtime the autonomy level does not grant is never chosen automatically, and asking for one
explicitly (a forced provider, `@gpt`, the direct stream's `provider`), or needing one because
no local runtime may answer (llm_off), raises `AutonomyDenied` from `AutonomyGate.require`. The
policy knows the gate only as the narrow `PermissionGate` protocol.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from venom_core.config import Settings
from venom_core.runtimes import providers
from venom_core.runtimes.base import RuntimeError_

SENSITIVE_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(password|passwd|hasło|haslo|passwort|secret|api[_ -]?key|private key|token)\b",
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
        r"\bsk-[A-Za-z0-9]{16,}",
        r"\b(?:\d[ -]?){13,19}\b",  # card-like numbers
        r"\bpesel\b|\b\d{11}\b",  # Polish national id
        r"\biban\b",
    )
]


def is_sensitive(text: str) -> bool:
    return any(p.search(text) for p in SENSITIVE_PATTERNS)


@dataclass
class Decision:
    chain: list[tuple[str, str]]
    reason_code: str
    is_sensitive: bool
    ai_mode: str
    runtime_profile: str
    forced_provider: str | None = None
    latency_ms: float = 0.0
    timestamp: str = field(default_factory=lambda: datetime.now(UTC).isoformat().replace("+00:00", "Z"))

    @property
    def provider(self) -> str:
        return self.chain[0][0]

    @property
    def model(self) -> str:
        return self.chain[0][1]

    def as_dict(self, *, fallback_applied: bool = False, active: tuple[str, str] | None = None) -> dict[str, Any]:
        provider, model = active or self.chain[0]
        return {
            "target_runtime": "local" if providers.is_local(provider) else "cloud",
            "provider": provider,
            "model": model,
            "reason_code": self.reason_code,
            "is_sensitive": self.is_sensitive,
            "forced_provider": self.forced_provider,
            "ai_mode": self.ai_mode,
            "runtime_profile": self.runtime_profile,
            "fallback_applied": fallback_applied,
            "fallback_chain": [{"provider": p, "model": m} for p, m in self.chain],
            "policy_gate_passed": True,
            "decision_timestamp": self.timestamp,
            "decision_latency_ms": self.latency_ms,
        }


class PermissionGate(Protocol):
    """What the policy asks of the autonomy gate (orchestrator/autonomy.py's `AutonomyGate`)."""

    @property
    def level(self) -> int: ...

    def allows(self, permission: str) -> bool: ...

    def require(self, permission: str, actor: str) -> None:
        """Raise a `GateDenied` unless `permission` is granted."""


class Policy:
    def __init__(self, settings: Settings, autonomy: PermissionGate):
        self.settings = settings
        self.paid_mode = settings.PAID_MODE_ENABLED
        self.autonomy = autonomy

    @property
    def llm_off(self) -> bool:
        return self.settings.VENOM_RUNTIME_PROFILE == "llm_off"

    def local_allowed(self, name: str) -> bool:
        return providers.is_local(name) and not self.llm_off

    def cloud_configured(self, name: str, *, sensitive: bool = False) -> bool:
        """Keys, paid mode and AI_MODE allow this cloud runtime (autonomy not yet asked)."""
        if name not in providers.PROVIDERS.cloud_names or sensitive:
            return False
        mode_ok = self.settings.AI_MODE != "LOCAL" or self.llm_off
        return bool(providers.api_key(self.settings, name)) and self.paid_mode and mode_ok

    def cloud_allowed(self, name: str, *, sensitive: bool = False) -> bool:
        return self.cloud_configured(name, sensitive=sensitive) and self.autonomy.allows("paid_api")

    def require_paid(self, name: str) -> None:
        """The autonomy check of paid cloud use (raises `GateDenied`: `AutonomyDenied`)."""
        self.autonomy.require("paid_api", f"The cloud runtime {name}")

    def cloud_blocker(self, name: str) -> str:
        """Why a cloud runtime may not be used, as an instruction a person can follow."""
        if not providers.api_key(self.settings, name):
            return f"{providers.PROVIDERS.get(name).key_setting} is not set"
        if not self.paid_mode:
            return "paid mode is off (set PAID_MODE_ENABLED=true)"
        if self.settings.AI_MODE == "LOCAL" and not self.llm_off:
            return "AI_MODE=LOCAL keeps every request on this machine (set AI_MODE=HYBRID or CLOUD)"
        if not self.autonomy.allows("paid_api"):
            return (f"the autonomy level {self.autonomy.level} does not grant paid APIs (level 20 FUNDED or "
                    "higher is needed; POST /api/v1/system/autonomy)")
        return "it is not allowed"

    def preferred_cloud(self, sensitive: bool) -> str | None:
        order = [self.settings.VENOM_CLOUD_PROVIDER] if self.settings.VENOM_CLOUD_PROVIDER else []
        order += [p for p in providers.PROVIDERS.cloud_names if p not in order]
        return next((p for p in order if self.cloud_allowed(p, sensitive=sensitive)), None)

    def allowed(self, name: str, sensitive: bool = False) -> bool:
        return self.local_allowed(name) or self.cloud_allowed(name, sensitive=sensitive)

    def decide(self, content: str, *, active: str, models: dict[str, str], forced: str | None = None,
               sensitive: bool = False) -> Decision:
        t0 = time.perf_counter()
        s = self.settings
        sensitive = sensitive or (s.SENSITIVE_DATA_LOCAL_ONLY and is_sensitive(content))
        configured = providers.primary(s)
        local_default = active if providers.is_local(active) else (
            configured if providers.is_local(configured) else "embedded")
        primary, reason = self._primary(content, active, local_default, forced, sensitive)
        chain = [primary]
        fallback = providers.fallback(s)
        if forced is None:
            if fallback and fallback not in chain and self.allowed(fallback, sensitive):
                chain.append(fallback)
            elif not providers.is_local(primary) and self.local_allowed(local_default):
                chain.append(local_default)  # a failing cloud falls back to this machine
        decision = Decision(chain=[(p, models[p]) for p in chain], reason_code=reason, is_sensitive=sensitive,
                            ai_mode=s.AI_MODE, runtime_profile=s.VENOM_RUNTIME_PROFILE, forced_provider=forced)
        decision.latency_ms = round((time.perf_counter() - t0) * 1000, 3)
        return decision

    def _primary(self, content: str, active: str, local_default: str, forced: str | None,
                 sensitive: bool) -> tuple[str, str]:
        s = self.settings
        if forced:
            if forced not in providers.PROVIDERS:
                raise RuntimeError_("unknown_provider", f"There is no runtime named {forced!r}.")
            if providers.is_local(forced):
                if self.llm_off:
                    raise RuntimeError_("provider_unavailable", f"The local runtime {forced} is disabled because "
                                        "VENOM_RUNTIME_PROFILE=llm_off. Switch the profile to light or full.")
                return forced, "USER_PREFERENCE"
            if sensitive and self.local_allowed(local_default):
                return local_default, "SENSITIVE_CONTENT_OVERRIDE"
            if sensitive:
                raise self._sensitive_error()
            if not self.cloud_configured(forced):
                raise RuntimeError_("provider_not_allowed",
                                    f"The cloud runtime {forced} cannot be used: {self.cloud_blocker(forced)}.")
            self.require_paid(forced)
            return forced, "USER_PREFERENCE"
        if not providers.is_local(active) and self.cloud_allowed(active, sensitive=sensitive):
            return active, "ACTIVE_RUNTIME"
        cloud = self.preferred_cloud(sensitive)
        if s.AI_MODE == "CLOUD" and cloud:
            return cloud, "CLOUD_MODE"
        if s.AI_MODE == "HYBRID" and cloud and len(content) >= s.VENOM_HYBRID_CLOUD_MIN_CHARS:
            return cloud, "TASK_COMPLEXITY_HIGH"
        if not self.llm_off:
            if sensitive:
                return local_default, "SENSITIVE_CONTENT_OVERRIDE"
            if s.AI_MODE == "CLOUD":
                return local_default, "FALLBACK_CLOUD_NOT_ALLOWED"
            return local_default, "TASK_COMPLEXITY_LOW" if s.AI_MODE == "HYBRID" else "DEFAULT_ECO_MODE"
        if cloud:
            return cloud, "RUNTIME_PROFILE_LLM_OFF"
        if sensitive:
            raise self._sensitive_error()
        configured = next((p for p in providers.PROVIDERS.cloud_names if self.cloud_configured(p)), None)
        if configured is not None:
            self.require_paid(configured)  # the cloud is the only runtime left and autonomy withholds it
        raise RuntimeError_(
            "no_runtime",
            "No language model is available: VENOM_RUNTIME_PROFILE=llm_off turns off local models and no cloud "
            "runtime is usable (set OPENAI_API_KEY, GOOGLE_API_KEY or ANTHROPIC_API_KEY and PAID_MODE_ENABLED=true, "
            "or set VENOM_RUNTIME_PROFILE=light to use the embedded model).",
        )

    @staticmethod
    def _sensitive_error() -> RuntimeError_:
        return RuntimeError_(
            "sensitive_local_only",
            "This request looks sensitive, so it may only run on a local model, and local models are off "
            "(VENOM_RUNTIME_PROFILE=llm_off). Switch the profile to light, or remove the sensitive data.",
        )
