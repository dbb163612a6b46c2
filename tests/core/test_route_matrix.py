"""Every route × every kind of caller, generated from the OpenAPI document (plus the WebSocket and
the MCP endpoint, which the document does not hold).

Two real servers with memory (the embedding model) and no local LLM (`llm_off`, so the matrix is
fast and needs no model), one per configuration:
- without a token: (a) the loopback owner; (e) a remote client (behind a trusted proxy);
- with a token: (b) no token, (c) a wrong token, (d) the right token; (f) a remote client with it.
Assertions: no 5xx anywhere, except the clear 503 `no_runtime` of the two routes that need a
language model on this llm_off server; (b) and (c) get 401 on every /api and /ws route; (d) and (f) never
get 401; admin routes answer (e) with 403 and the reference's deny payload, and only them.
Path parameters are dummies and bodies are the smallest the schema allows, so most calls end in
a clean 404/409/422; the destructive actions (purge, emergency stop, wipes) run last.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.conftest import LiveServer
from venom_core.api.deps import require_admin
from venom_core.api.routes import ROUTERS

TOKEN = "matrix-token-0123456789-abcdef"
WRONG = "matrix-token-0123456789-zzzzzz"
REMOTE = {"X-Forwarded-For": "192.0.2.77"}
NEEDS_A_MODEL = {"POST /api/v1/roadmap/create", "POST /api/v1/llm/simple/stream"}  # 503 no_runtime on llm_off
WS_PATHS = ["/ws/events"]  # WebSocket routes are not in the OpenAPI document
# Nor is the MCP endpoint (streamable HTTP): it is checked with one `initialize` per caller.
MCP_INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "matrix", "version": "0"}}}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
# Run after everything else: they stop, purge or wipe what the other calls use.
LAST = ("/api/v1/queue/emergency-stop", "/api/v1/queue/purge", "/api/v1/queue/pause", "/api/v1/memory/global",
        "/api/v1/lessons/purge", "/api/v1/memory/session/", "/api/v1/roadmap/items/", "/api/v1/lessons/prune")


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # template, e.g. /api/v1/tasks/{task_id}
    url: str  # with dummy values
    params: dict[str, Any]
    body: Any
    stream: bool

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def sample(schema: dict[str, Any], doc: dict[str, Any], depth: int = 0) -> Any:
    """The smallest value a schema accepts (required fields only)."""
    schema = _resolve(schema, doc)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, doc).get("type") != "null"] or schema[key]
            return sample(options[0], doc, depth)
    if "allOf" in schema:
        return sample(schema["allOf"][0], doc, depth)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: sample(props.get(k, {}), doc, depth + 1) for k in schema.get("required", [])} if depth < 6 else {}
    if kind == "array":
        return [sample(schema.get("items", {}), doc, depth + 1) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return "x" * max(1, int(schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + (1 if "exclusiveMinimum" in schema else 0))
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return False
    return "x"


def operations(doc: dict[str, Any]) -> list[Op]:
    ops = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            url = re.sub(r"\{[^}]+\}", "matrix-dummy", path)
            params = {p["name"]: sample(p.get("schema", {}), doc) for p in op.get("parameters", [])
                      if p.get("in") == "query" and p.get("required")}
            body = None
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = sample(content["application/json"].get("schema", {}), doc)
            stream = any("text/event-stream" in (r.get("content") or {}) for r in op.get("responses", {}).values())
            ops.append(Op(method.upper(), path, url, params, body, stream))
    return sorted(ops, key=lambda o: any(o.path.startswith(p) for p in LAST))


def admin_operations() -> set[str]:
    """Routes guarded by require_admin, read from the routers themselves."""

    def calls(dependant: Any) -> Iterator[Any]:
        for dep in dependant.dependencies:
            yield dep.call
            yield from calls(dep)

    def documented(path: str) -> str:  # `{tool_id:path}` is `{tool_id}` in the OpenAPI document
        return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)

    return {f"{m} {documented(route.path)}" for router in ROUTERS for route in router.routes
            if isinstance(route, APIRoute) and require_admin in set(calls(route.dependant)) for m in route.methods}


def call(c: httpx.Client, op: Op, headers: dict[str, str]) -> httpx.Response:
    kwargs: dict[str, Any] = {"params": op.params, "headers": headers}
    if op.body is not None:
        kwargs["json"] = op.body
    if op.stream:  # the status line is enough; the stream itself may be long
        with c.stream(op.method, op.url, **kwargs) as r:
            if r.status_code != 200:
                r.read()
    else:
        r = c.request(op.method, op.url, **kwargs)
    if r.status_code >= 500:
        assert "Traceback" not in r.text and r.json()["error"]["code"], (op.name, r.text)
        if op.name in NEEDS_A_MODEL:
            assert r.status_code == 503 and r.json()["error"]["code"] == "no_runtime", (op.name, r.text)
    return r


def ws_status(srv: LiveServer, query: str = "", headers: dict[str, str] | None = None) -> int:
    """101 when the handshake is accepted, else the HTTP status of the refusal."""
    try:
        with connect(f"{srv.ws_url}{WS_PATHS[0]}{query}", additional_headers=headers or {}, open_timeout=15):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


def mcp_status(srv: LiveServer, headers: dict[str, str] | None = None) -> int:
    r = httpx.post(f"{srv.url}/mcp", json=MCP_INIT, headers={**MCP_HEADERS, **(headers or {})}, timeout=60)
    if r.status_code >= 400:
        assert r.json()["error"]["code"], r.text  # the API's error envelope, from its edge layers
    return r.status_code


def run_all(srv: LiveServer, headers: dict[str, str], doc: dict[str, Any]) -> dict[str, int]:
    with httpx.Client(base_url=srv.url, timeout=120) as c:
        seen = {op.name: call(c, op, headers).status_code for op in operations(doc)}
        # Undo the emergency stop for the next caller (the owner; the token is ignored without one set).
        c.post("/api/v1/queue/resume", headers={"Authorization": f"Bearer {TOKEN}"})
    return seen


def start(tmp_path_factory: pytest.TempPathFactory, name: str, **env: str) -> LiveServer:
    srv = LiveServer(data_dir=tmp_path_factory.mktemp(name),
                     env={"VENOM_TRUSTED_PROXIES": "127.0.0.1", "HF_HUB_OFFLINE": "1",
                          "VENOM_RUNTIME_PROFILE": "llm_off", **env})
    (srv.data_dir / "workspace").mkdir()
    srv.start()
    auth = {"Authorization": f"Bearer {env['VENOM_API_TOKEN']}"} if "VENOM_API_TOKEN" in env else {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # memory routes answer 503 memory_loading until the model is in
        checks = httpx.get(f"{srv.url}/api/v1/system/services", headers=auth, timeout=10).json()
        if next(c for c in checks if c["name"] == "memory")["details"]["status"] != "loading":
            return srv
        time.sleep(0.25)
    srv.stop()
    raise AssertionError("memory did not finish loading")


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    srv = start(tmp_path_factory, "matrix-open")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    srv = start(tmp_path_factory, "matrix-token", VENOM_API_TOKEN=TOKEN)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def doc(open_server: LiveServer) -> dict[str, Any]:
    got: dict[str, Any] = httpx.get(f"{open_server.url}/openapi.json", timeout=30).json()
    return got


def no_5xx(seen: dict[str, int]) -> None:
    bad = {k: v for k, v in seen.items() if v >= 500 and not (v == 503 and k in NEEDS_A_MODEL)}
    assert bad == {}, bad


def test_the_document_covers_the_api(doc: dict[str, Any]) -> None:
    names = {op.name for op in operations(doc)}
    assert len(names) >= 60
    assert admin_operations() <= names, admin_operations() - names
    # SPEC §9's admin actions are among the guarded routes.
    for must in ("POST /api/v1/config/runtime", "POST /api/v1/queue/purge", "POST /api/v1/queue/emergency-stop",
                 "POST /api/v1/models/switch", "POST /api/v1/system/llm-runtime/active", "DELETE /api/v1/memory/global",
                 "POST /api/v1/system/autonomy"):
        assert must in admin_operations(), must


def test_a_the_loopback_owner_without_a_token(open_server: LiveServer, doc: dict[str, Any]) -> None:
    seen = run_all(open_server, {}, doc)
    no_5xx(seen)
    assert {k: v for k, v in seen.items() if v in (401, 403)} == {}
    assert ws_status(open_server) == 101
    assert mcp_status(open_server) == 200


def test_e_a_remote_client_is_refused_admin_routes_only(open_server: LiveServer, doc: dict[str, Any]) -> None:
    admin = admin_operations()
    with httpx.Client(base_url=open_server.url, timeout=120) as c:
        seen = {}
        for op in operations(doc):
            r = call(c, op, REMOTE)
            seen[op.name] = r.status_code
            if op.name in admin:
                assert r.status_code == 403, (op.name, r.text)
                body = r.json()
                assert body["error"]["code"] == "permission_denied"
                assert body["detail"]["decision"] == "block" and body["detail"]["reason_code"] == "PERMISSION_DENIED"
                assert body["detail"]["technical_context"]["operation"] == f"{op.method} {op.url}"
        c.post("/api/v1/queue/resume")
    no_5xx(seen)
    assert {k for k, v in seen.items() if v == 403} == admin, "only the admin routes are refused"
    assert ws_status(open_server, headers=REMOTE) == 101
    assert mcp_status(open_server, REMOTE) == 200  # its tools are the task and memory routes, not admin ones


@pytest.mark.parametrize("who,headers,ws_query", [
    ("b: no token", {}, ""),
    ("c: a wrong token", {"Authorization": f"Bearer {WRONG}"}, f"?token={WRONG}"),
    ("c: the token in the query of a REST call", {}, f"?token={WRONG}"),
])
def test_b_c_without_the_right_token_every_api_and_ws_route_is_401(
        token_server: LiveServer, doc: dict[str, Any], who: str, headers: dict[str, str], ws_query: str) -> None:
    ops = operations(doc)
    if "query" in who:  # the right token, but where REST calls do not read it
        ops = [Op(o.method, o.path, o.url, {**o.params, "token": TOKEN}, o.body, o.stream) for o in ops]
    with httpx.Client(base_url=token_server.url, timeout=60) as c:
        seen = {op.name: call(c, op, headers).status_code for op in ops}
    no_5xx(seen)
    protected = {k: v for k, v in seen.items() if k.split(" ", 1)[1].startswith("/api")}
    assert set(protected.values()) == {401}, {k: v for k, v in protected.items() if v != 401}
    assert seen["GET /healthz"] == 200 and seen["GET /metrics"] == 200, "probes stay open"
    assert ws_status(token_server, ws_query) == 401
    assert mcp_status(token_server, headers) == 401


@pytest.mark.parametrize("who,extra", [("d: the token", {}), ("f: a remote client with the token", REMOTE)])
def test_d_f_the_right_token_is_never_401(token_server: LiveServer, doc: dict[str, Any], who: str,
                                          extra: dict[str, str]) -> None:
    seen = run_all(token_server, {"Authorization": f"Bearer {TOKEN}", **extra}, doc)
    no_5xx(seen)
    assert {k: v for k, v in seen.items() if v in (401, 403)} == {}, "the token is admin too"
    assert mcp_status(token_server, {"Authorization": f"Bearer {TOKEN}", **extra}) == 200
    assert ws_status(token_server, f"?token={TOKEN}", extra) == 101
