"""Response schemas of the LLM runtime and server routes, in the original's field names.

Our own runtime names are used (`embedded`, `ollama`, `openai_compatible`, `openai`, `google`,
`anthropic`); the original's clients take them as opaque strings.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class RuntimeModel(BaseModel):
    id: str
    name: str
    runtime_id: str
    provider: str
    source_type: str = Field(description="`local-runtime` or `cloud-api`.")
    active: bool
    chat_compatible: bool = True
    model_kind: str = "base_model"
    is_adapter_artifact: bool = False
    feedback_loop_tier: str | None = None
    canonical_model_id: str | None = None
    size_bytes: int | None = None


class RuntimeOption(BaseModel):
    runtime_id: str = Field(description="The runtime's name (the same as `provider`).")
    provider: str
    label: str
    kind: str = Field(description="`local` or `cloud`.")
    source_type: str = Field(description="`local-runtime` or `cloud-api`.")
    configured: bool = Field(description="Local: allowed by the runtime profile. Cloud: its API key is set.")
    available: bool = Field(description="May be used now (cloud also needs paid mode and the AI mode).")
    status: str
    reason: str | None
    error: str | None
    model: str
    endpoint: str
    active: bool
    models: list[RuntimeModel]
    adapter_deploy_supported: bool = False
    adapter_deploy_mode: str = "none"
    supports_native_training: bool = False
    supports_adapter_import_safetensors: bool = False
    supports_adapter_import_gguf: bool = False
    supports_adapter_runtime_apply: bool = False


class ActiveRuntimeRef(BaseModel):
    runtime_id: str | None = Field(description="The bare runtime name, e.g. `ollama`.")
    active_server: str | None
    active_model: str | None
    active_endpoint: str | None
    config_hash: str | None
    source_type: str | None
    status: str
    requested_model_alias: str | None = None
    resolved_model_id: str | None = None
    resolution_reason: str | None = None


class ModelCatalog(BaseModel):
    all_models: list[RuntimeModel]
    chat_models: list[RuntimeModel]
    coding_models: list[RuntimeModel]
    runtime_servable_models: list[RuntimeModel]
    inference_only_artifacts: list[RuntimeModel] = Field(default_factory=list)
    trainable_base_models: list[dict[str, Any]] = Field(default_factory=list)
    trainable_models: list[dict[str, Any]] = Field(default_factory=list)


class AdapterCatalog(BaseModel):
    """Always empty: Venom does not train or apply adapters."""

    all_adapters: list[dict[str, Any]] = Field(default_factory=list)
    by_runtime: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    by_runtime_model: dict[str, dict[str, list[dict[str, Any]]]] = Field(default_factory=dict)


class ModelAudit(BaseModel):
    issues: list[dict[str, Any]] = Field(default_factory=list)
    issues_count: int = 0


class RuntimeOptions(BaseModel):
    status: str = "success"
    active: ActiveRuntimeRef
    active_runtime: dict[str, Any] = Field(description="The full runtime record a plain request uses now.")
    runtimes: list[RuntimeOption]
    model_catalog: ModelCatalog
    adapter_catalog: AdapterCatalog = Field(default_factory=AdapterCatalog)
    selector_flow: list[str] = Field(default_factory=lambda: ["server", "model"])
    model_audit: ModelAudit = Field(default_factory=ModelAudit)
    auto_heal: dict[str, Any] | None = None
    ai_mode: str
    paid_mode: bool
    runtime_profile: str
    runtime_profiles: list[str]
    fallback: dict[str, Any]
    ollama: dict[str, Any]
    retry: dict[str, Any]


class RuntimeRecord(BaseModel):
    provider: str | None
    model: str | None
    endpoint: str | None
    endpoint_host: str | None
    endpoint_port: int | None
    service_type: str | None
    mode: str
    label: str | None
    config_hash: str | None
    runtime_id: str | None
    status: str


class SwitchGate(BaseModel):
    in_progress: bool = False
    active_requests: int = 0
    switch_id: str | None = None
    source: str | None = None
    from_runtime: str | None = None
    to_runtime: str | None = None
    started_at_utc: str | None = None
    reason: str | None = None


class ActiveRuntimeView(BaseModel):
    """`GET /llm-runtime/active`: our flat record plus the original's `runtime` object."""

    model_config = {"extra": "allow"}

    status: str
    active_provider: str
    runtime: RuntimeRecord
    runtime_switch_gate: SwitchGate


class RuntimeSwitched(BaseModel):
    """`POST /llm-runtime/active`: the new runtime record, in our names and the original's."""

    model_config = {"extra": "allow"}

    status: str = Field(description="`success` (the runtime's own state is `runtime_status`).")
    success: bool
    active_provider: str
    active_server: str | None
    active_model: str | None
    active_endpoint: str | None
    config_hash: str | None
    runtime_id: str | None
    source_type: str | None


class LlmServerSupports(BaseModel):
    start: bool
    stop: bool
    restart: bool


class LlmServer(BaseModel):
    name: str
    display_name: str
    description: str
    endpoint: str
    provider: str
    health_url: str | None
    supports: LlmServerSupports
    capabilities: dict[str, Any]
    status: str = Field(description="online, offline, degraded, unknown, or inactive for every server but the "
                                    "active one.")
    latency_ms: float | None
    last_check: str | None
    error_message: str | None
    managed: bool = Field(description="Whether Venom runs this server itself (only the in-process embedded model).")


class LlmServerList(BaseModel):
    status: str = "success"
    servers: list[LlmServer]
    count: int


class ActiveServer(BaseModel):
    status: str = "success"
    active_server: str | None
    active_endpoint: str | None
    active_model: str | None
    config_hash: str | None
    runtime_id: str | None = Field(description="`<provider>@<endpoint>`.")
    requested_model_alias: str | None = None
    resolved_model_id: str | None = None
    resolution_reason: str | None = None
    last_models: dict[str, str]
    runtime_switch_policy: dict[str, Any]
    runtime_switch_gate: SwitchGate
    last_runtime_switch: dict[str, Any] | None = None
    mode_contracts: dict[str, dict[str, str]]


class SetActiveServer(BaseModel):
    model_config = {"extra": "ignore"}

    server_name: str = Field(min_length=1, max_length=64)
    model: str | None = Field(default=None, min_length=1, max_length=256)


class ServerSwitched(BaseModel):
    status: str = "success"
    active_server: str | None
    active_model: str | None
    active_endpoint: str | None
    config_hash: str | None
    runtime_id: str | None
    start_result: dict[str, Any] | None = None
    stop_results: dict[str, Any] = Field(default_factory=dict)
    lifecycle_state: str = "active"


class ServerAction(BaseModel):
    status: str = Field(description="`success`, or `error` when the action failed.")
    action: str
    server: str
    message: str
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
