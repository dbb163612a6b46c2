"""Views of the runtime registry in the original's shapes: the cockpit's runtime options, the
LLM server list and the active server. Everything comes from the registry's own records; model
lists of local runtimes are fetched with a short timeout and kept briefly (the cockpit polls
every few seconds, a model list changes when someone installs one).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

from venom_core.api.schemas_llm import (
    ActiveRuntimeRef,
    ActiveServer,
    LlmServer,
    LlmServerSupports,
    ModelCatalog,
    RuntimeModel,
    RuntimeOption,
    RuntimeOptions,
    RuntimeRecord,
    SwitchGate,
)
from venom_core.runtimes import catalog, providers
from venom_core.runtimes.base import RuntimeError_
from venom_core.runtimes.registry import RuntimeRegistry

MODELS_TTL_S = 15.0
LIST_TIMEOUT_S = 1.5
_models: dict[tuple[int, str], tuple[float, list[str], dict[str, int | None]]] = {}

# What each kind of request does with history and memory (the cockpit shows it per mode).
MODE_CONTRACTS = {
    "text_chat": {"execution_context": "task_pipeline", "history_scope": "session",
                  "session_memory_policy": "session_history_and_recall"},
    "venom_agent": {"execution_context": "task_pipeline", "history_scope": "session",
                    "session_memory_policy": "session_history_and_recall"},
    "direct": {"execution_context": "llm_simple_stream", "history_scope": "none", "session_memory_policy": "none"},
}


def source_type(name: str | None) -> str | None:
    if name is None:
        return None
    return "local-runtime" if providers.is_local(name) else "cloud-api"


async def _list(reg: RuntimeRegistry, name: str) -> tuple[list[str], dict[str, int | None]]:
    key = (id(reg), name)
    hit = _models.get(key)
    if hit and time.monotonic() - hit[0] < MODELS_TTL_S:
        return hit[1], hit[2]
    try:
        infos = await asyncio.wait_for(reg.provider(name, autoload=False).list_models(), LIST_TIMEOUT_S)
        names, sizes = [m.name for m in infos], {m.name: m.size_bytes for m in infos}
    except (RuntimeError_, TimeoutError):
        names, sizes = [], {}
    _models[key] = (time.monotonic(), names, sizes)
    return names, sizes


async def runtime_models(reg: RuntimeRegistry, row: dict[str, Any]) -> list[RuntimeModel]:
    """The models of one runtime: listed for a usable local one, the configured one otherwise
    (listing a cloud catalogue would cost a request to the provider on every poll)."""
    name, configured = str(row["provider"]), str(row["model"] or "")
    names: list[str] = []
    sizes: dict[str, int | None] = {}
    if row["available"] and providers.is_local(name):
        names, sizes = await _list(reg, name)
    if configured and configured != "unavailable" and configured not in names:
        names = [configured, *names]
    kind = source_type(name) or "local-runtime"
    return [RuntimeModel(id=f"{name}:{n}", name=n, runtime_id=name, provider=name, source_type=kind,
                         active=bool(row["active"]) and n == configured, size_bytes=sizes.get(n),
                         feedback_loop_tier="primary" if n == configured else None) for n in names]


def active_ref(info: dict[str, Any]) -> ActiveRuntimeRef:
    provider = info.get("provider")
    return ActiveRuntimeRef(runtime_id=provider, active_server=provider, active_model=info.get("model"),
                            active_endpoint=info.get("endpoint"), config_hash=info.get("config_hash"),
                            source_type=source_type(provider), status=str(info.get("status", "unknown")))


async def options_view(reg: RuntimeRegistry) -> RuntimeOptions:
    base = catalog.options(reg)
    rows: list[RuntimeOption] = []
    for row in base["runtimes"]:
        name = str(row["provider"])
        local = providers.is_local(name)
        configured = reg.policy.local_allowed(name) if local else bool(providers.api_key(reg.settings, name))
        rows.append(RuntimeOption(**row, runtime_id=name, source_type=source_type(name) or "local-runtime",
                                  configured=configured, models=await runtime_models(reg, row)))
    every = [m for r in rows for m in r.models]
    servable = [m for r in rows if r.available for m in r.models]
    return RuntimeOptions(
        active=active_ref(base["active"]), active_runtime=base["active"], runtimes=rows,
        model_catalog=ModelCatalog(all_models=every, chat_models=every, coding_models=servable,
                                   runtime_servable_models=servable),
        **{k: base[k] for k in ("ai_mode", "paid_mode", "runtime_profile", "runtime_profiles", "fallback",
                                "ollama", "retry")},
    )


def runtime_record(info: dict[str, Any], mode: str) -> RuntimeRecord:
    endpoint = info.get("endpoint")
    host, port = None, None
    if endpoint and "://" in str(endpoint):
        parts = urlsplit(str(endpoint))
        host, port = parts.hostname, parts.port
    provider = info.get("provider")
    return RuntimeRecord(provider=provider, model=info.get("model"), endpoint=endpoint, endpoint_host=host,
                         endpoint_port=port, service_type=source_type(provider), mode=mode,
                         label=providers.PROVIDERS.labels.get(provider or ""), config_hash=info.get("config_hash"),
                         runtime_id=info.get("runtime_id"), status=str(info.get("status", "unknown")))


def switch_gate(active_requests: int) -> SwitchGate:
    # A switch applies at once (the next request uses it); nothing waits behind a gate.
    return SwitchGate(active_requests=active_requests)


def servers(reg: RuntimeRegistry) -> list[LlmServer]:
    """The local model servers (the original's list has no cloud entries)."""
    info = reg.runtime_info()
    out: list[LlmServer] = []
    for name in filter(reg.listed, providers.PROVIDERS.local_names):
        status, error = reg.status_of(name)
        endpoint = reg.snapshot(name)["endpoint"]
        active = name == info.get("provider")
        # An HTTP server Venom has not probed yet reports `loading`: its state is unknown, not degraded.
        managed = providers.PROVIDERS.get(name).has("load")  # runs in this process
        loading = "degraded" if managed else "unknown"
        shown = {"ready": "online", "loading": loading, "error": "offline"}.get(status, "unknown")
        if not reg.policy.local_allowed(name):
            shown, error = "offline", error or "VENOM_RUNTIME_PROFILE=llm_off"
        out.append(LlmServer(
            name=name, display_name=providers.PROVIDERS.labels[name], provider=name, endpoint=str(endpoint),
            description=("Runs inside the Venom process; Venom loads and reloads it." if managed else
                         "A separate server Venom connects to; it is started and stopped outside Venom."),
            health_url=None if managed else f"{endpoint}",
            supports=LlmServerSupports(start=False, stop=False, restart=managed),
            capabilities={"streaming": True, "local": True}, status=shown if active else "inactive",
            latency_ms=None, last_check=None, error_message=error or None, managed=managed))
    return out


def active_server(reg: RuntimeRegistry, active_requests: int, last_switch: dict[str, Any] | None) -> ActiveServer:
    info = reg.runtime_info()
    return ActiveServer(
        active_server=info.get("provider"), active_endpoint=info.get("endpoint"), active_model=info.get("model"),
        config_hash=info.get("config_hash"), runtime_id=info.get("runtime_id"),
        last_models={"ollama": reg.models.get("ollama", ""), "vllm": reg.models.get("openai_compatible", ""),
                     "onnx": "", "previous_ollama": "", "previous_vllm": "", "previous_onnx": ""},
        runtime_switch_policy={"allowed_sources": ["loopback", "token"],
                               "ownership_token_configured": bool(reg.settings.VENOM_API_TOKEN)},
        runtime_switch_gate=switch_gate(active_requests), last_runtime_switch=last_switch,
        mode_contracts=MODE_CONTRACTS)
