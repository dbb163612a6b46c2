"""`/api/v1/providers/*`: find local model servers, test a connection, and connect to one.

`GET /probe` asks the usual local servers on loopback; `POST /probe` adds URLs an admin typed
(they are fetched by this server, so it is admin-only and the address rules of
`runtimes/discovery.py` apply). Each server found lists its models with the exact body
`POST /connect` takes, which tests the server, saves provider, endpoint and model to the config
file (through `ConfigStore`, backed up first) and switches the running registry to it at once.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from loguru import logger
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from venom_core.api.deps import AdminDep, SettingsDep
from venom_core.api.errors import ApiError, error_responses
from venom_core.api.routes.llm_runtime import RuntimesDep, api_error
from venom_core.api.schemas_models import ActiveRuntime
from venom_core.config_store import ConfigStore
from venom_core.runtimes import catalog, discovery, providers
from venom_core.runtimes.base import RuntimeError_

router = APIRouter(prefix="/api/v1/providers", tags=["llm"])

# A model name is a name, not a path: an optional `org/` prefix (vLLM serves Hugging Face names),
# never `..`, a backslash, a leading slash or whitespace.
MODEL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@+-]*(/[A-Za-z0-9][A-Za-z0-9._:@+-]*)?$"


def _not_a_path(name: str) -> str:
    if ".." in name:
        raise ValueError("a model name may not contain '..'")
    if any(c.isspace() for c in name):  # `$` of the pattern also matches before a final newline
        raise ValueError("a model name may not contain whitespace")
    return name


ModelName = Annotated[str, Field(min_length=1, max_length=256, pattern=MODEL_PATTERN), AfterValidator(_not_a_path)]
# Refusals of the request itself; what the target server did (unreachable, timeout, not an LLM
# server, auth failed) is not a fault of this server, so `/test` reports it as its result and
# `/connect` answers 409: the target is not in a state Venom can connect to.
BAD_INPUT = {"invalid_url": 422, "address_refused": 400}
STATUS_BY_CODE = {**BAD_INPUT, "model_missing": 404}
# The runtimes an admin can point at a URL, and the settings that says so, from their specs.
HTTP_PROVIDERS = tuple(p.name for p in providers.PROVIDERS if p.has("connect"))
ENDPOINT_KEY = {p.name: str(p.endpoint_setting) for p in providers.PROVIDERS if p.has("connect")}
MODEL_KEY = {p.name: str(p.model_setting) for p in providers.PROVIDERS if p.has("connect")}


class ConnectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: Literal["ollama", "openai_compatible"]
    endpoint: str = Field(min_length=1, max_length=2048)
    model: ModelName


class ProbedServer(BaseModel):
    name: str = Field(description="Which usual server this port belongs to, or `custom` for a typed URL.")
    url: str
    status: Literal["found", "error"]
    protocol: Literal["ollama", "openai"] | None = None
    provider: str | None = Field(default=None, description="The runtime registry name that speaks to it.")
    models: list[str] = []
    connect: list[ConnectBody] = Field(default=[], description="For each model: the body of POST /connect.")
    error_code: str | None = None
    error: str | None = None


class ProbeResult(BaseModel):
    servers: list[ProbedServer]
    timeout_seconds: float


class ProbeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    urls: list[str] = Field(default=[], max_length=16, description="Extra URLs to probe besides the usual ports.")


class TestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    endpoint: str | None = Field(default=None, min_length=1, max_length=2048,
                                 description="Defaults to the provider's configured endpoint.")
    model: ModelName | None = Field(default=None,
                                    description="Check that the server has this model (default: the configured one).")


class TestResult(BaseModel):
    ok: bool
    provider: str
    endpoint: str
    protocol: Literal["ollama", "openai"] | None = None
    model: str | None = None
    models: list[str] = []
    message: str
    error_code: str | None = Field(default=None, description="When `ok` is false: `unreachable`, `timeout`, "
                                   "`not_llm_server`, `auth_failed`, `model_missing` or `wrong_protocol`.")


class ConnectResult(BaseModel):
    success: bool
    active: ActiveRuntime
    saved_keys: list[str]
    backup_filename: str | None
    message: str


def _view(found: discovery.Found) -> ProbedServer:
    provider = found.provider
    connect = [ConnectBody(provider=provider, endpoint=found.url, model=m)  # type: ignore[arg-type]
               for m in found.models] if provider else []
    return ProbedServer(name=found.name, url=found.url, status=found.status, protocol=found.protocol,
                        provider=provider, models=found.models, connect=connect, error_code=found.error_code,
                        error=found.error)


def _probe_error(exc: discovery.ProbeError) -> ApiError:
    return ApiError(STATUS_BY_CODE.get(exc.code, 409), exc.code, exc.message)


@router.get("/probe")
async def probe_local(settings: SettingsDep) -> ProbeResult:
    """Probe the usual local servers on loopback (Ollama 11434, LM Studio 1234, llama.cpp 8080,
    vLLM 8001, Jan 1337) in parallel; a closed port answers at once."""
    timeout = settings.VENOM_PROVIDER_PROBE_TIMEOUT_SECONDS
    found = await discovery.probe(discovery.default_urls(), timeout)
    return ProbeResult(servers=[_view(f) for f in found], timeout_seconds=timeout)


@router.post("/probe", responses=error_responses(403, 422))
async def probe_urls(body: ProbeRequest, settings: SettingsDep, _: AdminDep) -> ProbeResult:
    """The usual ports plus the URLs given (admin: the server fetches them). A URL the address rules
    refuse is listed with `error_code: address_refused` rather than fetched."""
    timeout = settings.VENOM_PROVIDER_PROBE_TIMEOUT_SECONDS
    targets, refused = discovery.default_urls(), []
    urls = list(dict.fromkeys(body.urls))
    checked = await asyncio.gather(*(discovery.check_url(u) for u in urls), return_exceptions=True)
    for url, result in zip(urls, checked, strict=True):
        if isinstance(result, discovery.ProbeError):
            refused.append(discovery.Found("custom", url, "error", error_code=result.code, error=result.message))
        elif isinstance(result, BaseException):
            raise result
        else:
            targets.append(("custom", result))
    found = await discovery.probe(targets, timeout)
    return ProbeResult(servers=[_view(f) for f in [*found, *refused]], timeout_seconds=timeout)


async def _identify(url: str, model: str | None, timeout: float,  # noqa: ASYNC109
                    api_key: str = "") -> tuple[discovery.Protocol, list[str]]:
    import httpx  # the probe's own short-timeout client, not the runtime's long-lived one

    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), trust_env=False) as client:
        protocol, models = await discovery.identify(client, url, api_key)
    if model and model not in models:
        shown = ", ".join(models[:10]) or "none"
        raise discovery.ProbeError("model_missing", f"{url} has no model named {model!r} (it has: {shown}). "
                                   "Pull or load it on that server, or pick one it lists.")
    return protocol, models


@router.post("/{name}/test", responses=error_responses(400, 403, 404, 422))
async def test_connection(body: TestBody, runtimes: RuntimesDep, settings: SettingsDep, _: AdminDep,
                          name: str = Path(max_length=64)) -> TestResult:
    """Test a runtime's connection (admin: it may fetch a typed endpoint). A failed test is `ok: false`
    with a stable `error_code` (`unreachable`, `timeout`, `not_llm_server`, `auth_failed`,
    `model_missing`, `wrong_protocol`) and a sentence; a refused URL is 400/422, an unknown runtime 404."""
    if name not in providers.PROVIDERS.names:
        raise ApiError(404, "unknown_provider", f"There is no runtime named {name!r}; known: "
                       f"{', '.join(providers.PROVIDERS.names)}.")
    model = body.model or runtimes.models.get(name) or None
    if name not in HTTP_PROVIDERS:  # the embedded model and the cloud: ask the provider itself
        try:
            infos = await runtimes.provider(name, autoload=False).list_models()
        except RuntimeError_ as exc:
            raise api_error(runtimes.sanitize(exc)) from None
        names = [m.name for m in infos]
        if body.model and body.model not in names:
            return TestResult(ok=False, provider=name, endpoint=providers.endpoint(settings, name), model=model,
                              models=names, error_code="model_missing",
                              message=f"{name} has no model named {body.model!r}.")
        return TestResult(ok=True, provider=name, endpoint=providers.endpoint(settings, name), model=model,
                          models=names, message=f"{name} answers and lists {len(names)} model(s).")
    try:
        url = await discovery.check_url(body.endpoint or providers.endpoint(settings, name))
    except discovery.ProbeError as exc:
        raise _probe_error(exc) from None
    try:
        protocol, models = await _identify(url, model, settings.VENOM_PROVIDER_PROBE_TIMEOUT_SECONDS)
    except discovery.ProbeError as exc:
        return TestResult(ok=False, provider=name, endpoint=url, model=model, message=exc.message,
                          error_code=exc.code)
    if discovery.PROVIDER_OF[protocol] != name:
        return TestResult(ok=False, provider=name, endpoint=url, protocol=protocol, model=model, models=models,
                          error_code="wrong_protocol", message=f"{url} is an {protocol} server; test it as "
                          f"{discovery.PROVIDER_OF[protocol]} instead of {name}.")
    return TestResult(ok=True, provider=name, endpoint=url, protocol=protocol, model=model, models=models,
                      message=f"{url} speaks the {protocol} protocol and serves {len(models)} model(s).")


@router.post("/connect", responses=error_responses(400, 403, 404, 409, 422, 500))
async def connect(body: ConnectBody, runtimes: RuntimesDep, settings: SettingsDep, _: AdminDep) -> ConnectResult:
    """Test the server, save provider, endpoint and model to the config file, and switch to it now.
    409 with the test's code when the server cannot be used (`unreachable`, `timeout`, ...)."""
    try:
        url = await discovery.check_url(body.endpoint)
        protocol, _models = await _identify(url, body.model, settings.VENOM_PROVIDER_PROBE_TIMEOUT_SECONDS)
    except discovery.ProbeError as exc:
        raise _probe_error(exc) from None
    if discovery.PROVIDER_OF[protocol] != body.provider:
        raise ApiError(409, "wrong_protocol", f"{url} is an {protocol} server, not {body.provider}.")
    updates: dict[str, str | int | float | bool | None] = {
        "LLM_PROVIDER": body.provider, ENDPOINT_KEY[body.provider]: url, MODEL_KEY[body.provider]: body.model}
    store = ConfigStore.for_settings(settings)
    try:  # a refused write raises ConfigError, a VenomError with its own status
        backup = store.write(updates)
    except OSError as exc:
        raise ApiError(500, "config_unwritable", f"Cannot write {store.path}: {exc.strerror}.") from None
    await runtimes.repoint(body.provider, url)
    try:
        info = await catalog.set_active(runtimes, body.provider, body.model)
    except RuntimeError_ as exc:
        raise api_error(exc) from None
    logger.info("connected to {} at {} ({})", body.provider, url, body.model)
    return ConnectResult(success=True, active=ActiveRuntime.model_validate(info), saved_keys=sorted(updates),
                         backup_filename=backup,
                         message=f"Venom now uses {body.model} on {url}; saved to {store.path.name}.")
