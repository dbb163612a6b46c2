"""Model and runtime management over the registry: list, switch, install, and the options view.

These are the use cases behind `/api/v1/models*` and `/api/v1/system/llm-runtime/*`. Errors
are `RuntimeError_` with codes the routes map to statuses: `unknown_provider`/`model_not_found`
-> 404, `model_incompatible`/`provider_unavailable`/`provider_not_allowed` -> 400.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from venom_core.core.masking import mask_url
from venom_core.runtimes import ollama_profiles, providers
from venom_core.runtimes.base import ModelInfo, RuntimeError_
from venom_core.runtimes.in_process import InProcessRuntime
from venom_core.runtimes.registry import RuntimeRegistry

if TYPE_CHECKING:
    from venom_core.runtimes.ollama import OllamaProvider

Progress = Callable[[dict[str, Any]], None]
LIST_TIMEOUT_S = 3.0


def offered(reg: RuntimeRegistry) -> list[str]:
    """Runtimes a person may pick now: local ones unless llm_off, cloud ones with a key."""
    return [n for n in providers.PROVIDERS.names if reg.listed(n) and (
        reg.policy.local_allowed(n) or (not providers.is_local(n) and providers.api_key(reg.settings, n)))]


async def _models_of(reg: RuntimeRegistry, name: str) -> tuple[list[ModelInfo], str]:
    try:
        return await asyncio.wait_for(reg.provider(name, autoload=False).list_models(), LIST_TIMEOUT_S), ""
    except RuntimeError_ as exc:
        return [], reg.mask(exc.message)
    except TimeoutError:
        return [], f"{name} did not list its models within {LIST_TIMEOUT_S}s"


async def list_models(reg: RuntimeRegistry) -> dict[str, Any]:
    names = offered(reg)
    results = await asyncio.gather(*(_models_of(reg, n) for n in names))
    active = reg.runtime_info()
    models: list[dict[str, Any]] = []
    provider_rows: list[dict[str, Any]] = []
    for name, (infos, error) in zip(names, results, strict=True):
        configured = reg.models[name]
        for m in infos:
            models.append({"name": m.name, "provider": name, "source": name, "size_bytes": m.size_bytes,
                           "active": name == active.get("provider") and m.name == active.get("model"),
                           "configured": m.name == configured, "details": m.details})
        status, status_error = reg.status_of(name)
        provider_rows.append({"provider": name, "label": providers.PROVIDERS.labels[name], "model": configured,
                              "kind": "local" if providers.is_local(name) else "cloud", "status": status,
                              "error": error or status_error or None, "model_count": len(infos)})
    return {"success": True, "models": models, "count": len(models), "active": active,
            "providers": provider_rows,
            "configured_models": {"local": reg.models.get(reg.active) if providers.is_local(reg.active) else None,
                                  "fallback": reg.models.get(providers.fallback(reg.settings)),
                                  "cloud": {n: reg.models[n] for n in providers.PROVIDERS.cloud_names}}}


async def switch_model(reg: RuntimeRegistry, name: str, provider: str | None = None) -> dict[str, Any]:
    """Make `name` the model of the active runtime (or of `provider`, which must be the active one)."""
    target = provider or reg.active
    if target not in providers.PROVIDERS.names:
        raise RuntimeError_("unknown_provider", f"There is no runtime named {target!r}.")
    owners: list[str] = []
    for n in offered(reg):
        infos, _ = await _models_of(reg, n)
        if any(m.name == name for m in infos):
            owners.append(n)
    if target not in owners:
        if not owners:
            raise RuntimeError_("model_not_found", f"No runtime offers a model named {name!r}. "
                                "GET /api/v1/models lists them; POST /api/v1/models/install pulls Ollama models.")
        raise RuntimeError_("model_incompatible",
                            f"The model {name!r} belongs to {', '.join(owners)}, not to the active runtime {target}. "
                            "Switch the runtime first with POST /api/v1/system/llm-runtime/active.")
    if target != reg.active:
        raise RuntimeError_("model_incompatible", f"{target} is not the active runtime ({reg.active}); switch the "
                            "runtime with POST /api/v1/system/llm-runtime/active instead.")
    await _apply_model(reg, target, name)
    return reg.runtime_info()


async def _apply_model(reg: RuntimeRegistry, provider: str, model: str) -> None:
    inst = reg.provider(provider, autoload=False)
    if isinstance(inst, InProcessRuntime):
        path = inst.find_model(model)
        if path is None:
            raise RuntimeError_("model_not_found", f"The embedded runtime has no GGUF file named {model!r}.")
        if path != inst.model_path or inst.status != "ready":
            await inst.load(path)  # a GGUF loads in about a second; the switch answers once it is ready
    else:
        inst.model = model
    reg.use_model(provider, model)


async def _quiet(inst: InProcessRuntime, path: Any) -> None:
    with contextlib.suppress(RuntimeError_):
        await inst.load(path)


async def set_active(reg: RuntimeRegistry, provider: str, model: str | None = None) -> dict[str, Any]:
    if provider not in providers.PROVIDERS.names:
        raise RuntimeError_("unknown_provider", f"There is no runtime named {provider!r}; known: "
                            f"{', '.join(providers.PROVIDERS.names)}.")
    if providers.is_local(provider) and not reg.policy.local_allowed(provider):
        raise RuntimeError_("provider_unavailable", f"{provider} is a local runtime and VENOM_RUNTIME_PROFILE=llm_off.")
    if not providers.is_local(provider) and not reg.policy.cloud_configured(provider):
        raise RuntimeError_("provider_not_allowed", f"{provider} cannot be used: {reg.policy.cloud_blocker(provider)}.")
    if not providers.is_local(provider):
        reg.policy.require_paid(provider)  # autonomy_denied (403) below level 20
    inst = reg.provider(provider, autoload=False)
    if model and providers.is_local(provider):
        infos, error = await _models_of(reg, provider)
        if error == "" and not any(m.name == model for m in infos):
            raise RuntimeError_("model_not_found", f"{provider} has no model named {model!r}.")
    reg.activate(provider)
    if model:
        await _apply_model(reg, provider, model)
    elif isinstance(inst, InProcessRuntime) and inst.status == "loading" and inst.load_seconds is None:
        reg.spawn(_quiet(inst, None), "llm-load-embedded")
    return reg.runtime_info()


def options(reg: RuntimeRegistry) -> dict[str, Any]:
    """The canonical runtime and model discovery for UI selectors (no network calls)."""
    rows = []
    for name in filter(reg.listed, providers.PROVIDERS.names):
        status, error = reg.status_of(name)
        local = providers.is_local(name)
        usable = reg.policy.local_allowed(name) if local else reg.policy.cloud_allowed(name)
        rows.append({"provider": name, "label": providers.PROVIDERS.labels[name], "kind": "local" if local else "cloud",
                     "available": usable, "status": status if usable else "unavailable",
                     "reason": None if usable else (
                         "VENOM_RUNTIME_PROFILE=llm_off" if local else reg.policy.cloud_blocker(name)),
                     "error": error or None, "model": reg.models[name],
                     "endpoint": mask_url(providers.endpoint(reg.settings, name)),
                     "active": name == reg.active})
    s = reg.settings
    return {"active": reg.runtime_info(), "runtimes": rows, "ai_mode": s.AI_MODE, "paid_mode": reg.policy.paid_mode,
            "runtime_profile": s.VENOM_RUNTIME_PROFILE, "runtime_profiles": ["light", "llm_off", "full"],
            "fallback": {"provider": providers.fallback(s) or None,
                         "model": reg.models.get(providers.fallback(s)) if providers.fallback(s) else None},
            "ollama": ollama_profiles.describe(s),
            "retry": {"max_attempts": s.OLLAMA_RETRY_MAX_ATTEMPTS, "backoff_seconds": s.OLLAMA_RETRY_BACKOFF_SECONDS}}


def start_install(reg: RuntimeRegistry, name: str, progress: Progress) -> dict[str, Any]:
    """Start an Ollama pull in the background; progress goes to `progress` (the event feed)."""
    if not reg.policy.local_allowed("ollama"):
        raise RuntimeError_("provider_unavailable", "Model installs use Ollama, which is off (llm_off).")
    from venom_core.runtimes.ollama import OllamaProvider

    inst = reg.provider("ollama", autoload=False)
    assert isinstance(inst, OllamaProvider)
    operation_id = uuid.uuid4().hex
    reg.spawn(_pull(reg, inst, name, operation_id, progress), f"llm-install-{operation_id}")
    return {"success": True, "operation_id": operation_id, "name": name, "provider": "ollama", "status": "started"}


async def _pull(reg: RuntimeRegistry, inst: OllamaProvider, name: str, op: str, progress: Progress) -> None:
    s = reg.settings
    attempts = s.OLLAMA_RETRY_MAX_ATTEMPTS
    base = {"operation_id": op, "name": name, "provider": "ollama"}
    for attempt in range(1, attempts + 1):
        try:
            async for item in inst.pull(name, load_timeout=ollama_profiles.duration_seconds(s.OLLAMA_LOAD_TIMEOUT)):
                total, done = item.get("total"), item.get("completed")
                percent = round(100 * done / total, 1) if total and done is not None else None
                progress({**base, "status": item.get("status", ""), "total": total, "completed": done,
                          "percent": percent, "attempt": attempt, "done": item.get("status") == "success"})
            return
        except RuntimeError_ as exc:
            if attempt >= attempts:
                progress({**base, "status": "error", "error": {"code": exc.code, "message": exc.message},
                          "attempt": attempt, "done": True})
                return
            await asyncio.sleep(s.OLLAMA_RETRY_BACKOFF_SECONDS * attempt)


async def delete_model(reg: RuntimeRegistry, name: str) -> dict[str, Any]:
    """Remove a model from Ollama (the runtime Venom installs into). The Ollama runtime's configured
    model is refused: every later call to that runtime would fail on it."""
    if not reg.policy.local_allowed("ollama"):
        raise RuntimeError_("provider_unavailable", "Model deletes use Ollama, which is off (llm_off).")
    if reg.models.get("ollama") == name:
        raise RuntimeError_("model_active", f"{name} is the Ollama runtime's model; switch it to another model "
                            "first (POST /api/v1/models/switch), then delete this one.")
    from venom_core.runtimes.ollama import OllamaProvider

    inst = reg.provider("ollama", autoload=False)
    assert isinstance(inst, OllamaProvider)
    if not await inst.delete(name):
        raise RuntimeError_("model_not_found", f"Ollama has no model named {name}; GET /api/v1/models lists them.")
    return {"success": True, "name": name, "provider": "ollama"}


async def unload_model(reg: RuntimeRegistry, provider: str, name: str) -> dict[str, Any]:
    """Free a model's memory on its runtime. Ollama unloads on request; the embedded runtime holds
    exactly the model it answers with, so unloading it would only stop that runtime."""
    if provider not in providers.PROVIDERS.names:
        raise RuntimeError_("unknown_provider", f"There is no runtime named {provider!r}; known: "
                            f"{', '.join(providers.PROVIDERS.names)}.")
    if provider != "ollama":
        raise RuntimeError_("unload_not_supported", f"{provider} cannot unload a model on request: "
                            + ("the embedded runtime keeps the one model it answers with; switch to another model "
                               "or runtime instead." if provider == "embedded" else
                               "Venom does not manage that server's memory."))
    if not reg.policy.local_allowed("ollama"):
        raise RuntimeError_("provider_unavailable", "Ollama is off (llm_off).")
    from venom_core.runtimes.ollama import OllamaProvider

    inst = reg.provider("ollama", autoload=False)
    assert isinstance(inst, OllamaProvider)
    await inst.unload(name)
    return {"success": True, "name": name, "provider": "ollama", "loaded": False}
