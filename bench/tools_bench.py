"""Tool-call benchmark: Venom's own time around one MCP tool call, for stdio and streamable HTTP.

    python bench/tools_bench.py                         # spawns Venom (default settings) and the MCP servers
    python bench/tools_bench.py --base-url http://127.0.0.1:8000 [--token T] --stdio-tool mcp:bench:timed

Each call is `POST /api/v1/tools/{id}/invoke` on the `timed` tool of `bench/timed_mcp_server.py`,
which reports its handler's own time (`server_ms`). Printed per transport, median and p99:
- `invoke wall - server`: the client's wall time of the HTTP call, minus the server's time;
- `duration_ms - server`: Venom's own figure for the call (registry checks, events, the hop to the
  connection's loop, the SDK's client, the transport, the SDK's server), minus the server's time;
- `SDK direct - server`: the same tool called by the SDK's own client from this process (the
  protocol and transport floor without Venom), each call paired with one invoke (alternating
  which goes first), so both see the same load;
- `Venom's own`: median(duration_ms - server) - median(SDK direct - server).
With --spawn (the default without --base-url) it also measures cold start to /healthz with and
without MCP servers configured (they connect in the background, so they must not delay it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from pipeline_bench import free_port, start_venom, stop  # noqa: E402

SERVER = ROOT / "timed_mcp_server.py"


def pct(data: list[float], p: float) -> float:
    ordered = sorted(data)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def line(name: str, data: list[float]) -> str:
    return f"  {name:<24} median {statistics.median(data):6.2f} ms   p99 {pct(data, 99):6.2f} ms   (n={len(data)})"


async def paired_times(base_url: str, token: str | None, tool_id: str, kind: str, target: str | None,
                       n: int) -> tuple[list[float], list[float], list[float]]:
    """`n` invokes through Venom and, when `target` is known, `n` direct SDK calls, interleaved one by
    one (the order alternating), so a change of the machine's load falls on both alike.

    Returns (invoke wall - server, duration_ms - server, SDK direct - server), 20 warm-up pairs left out."""
    from mcp import ClientSession

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    wall: list[float] = []
    own: list[float] = []
    direct: list[float] = []

    async def via_venom(c: httpx.AsyncClient, i: int) -> None:
        t0 = time.perf_counter()
        r = await c.post(f"/api/v1/tools/{tool_id}/invoke", json={"arguments": {"text": f"call {i}"}})
        elapsed = (time.perf_counter() - t0) * 1000
        r.raise_for_status()
        body = r.json()
        if body["is_error"]:
            raise RuntimeError(f"{tool_id}: {body['result']}")
        server_ms = float(json.loads(body["result"])["server_ms"])
        if i >= 20:
            wall.append(elapsed - server_ms)
            own.append(float(body["duration_ms"]) - server_ms)

    async def via_sdk(session: Any, i: int) -> None:
        t0 = time.perf_counter()
        result = await session.call_tool("timed", {"text": f"call {i}"})
        elapsed = (time.perf_counter() - t0) * 1000
        server_ms = float(json.loads(result.content[0].text)["server_ms"])
        if i >= 20:
            direct.append(elapsed - server_ms)

    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30, trust_env=False) as c:
        if target is None:
            for i in range(n + 20):
                await via_venom(c, i)
            return wall, own, direct
        async with _transport(kind, target) as streams, ClientSession(streams[0], streams[1]) as session:
            await session.initialize()
            for i in range(n + 20):
                if i % 2:
                    await via_venom(c, i)
                    await via_sdk(session, i)
                else:
                    await via_sdk(session, i)
                    await via_venom(c, i)
    return wall, own, direct


def _transport(kind: str, target: str) -> Any:
    """The SDK's own client transport to the bench server: the floor of protocol and transport."""
    if kind == "stdio":
        from mcp.client.stdio import StdioServerParameters, stdio_client

        return stdio_client(StdioServerParameters(command=sys.executable, args=[target]))
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    return streamable_http_client(target, http_client=httpx2.AsyncClient(trust_env=False))


def wait_ready(base_url: str, names: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base_url, timeout=10, trust_env=False) as c:
        while time.monotonic() < deadline:
            servers = {s["name"]: s["status"] for s in c.get("/api/v1/mcp/servers").json()["servers"]}
            if all(servers.get(n) == "ready" for n in names):
                return
            time.sleep(0.1)
    raise RuntimeError(f"MCP servers not ready: {servers}")


def wait_loaded(base_url: str, timeout: float = 300) -> None:
    """Background loading (the embedding model, the embedded LLM) takes the CPU and the GIL while it
    runs: measure after it, as pipeline_bench.py does."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base_url, timeout=10, trust_env=False) as c:
        while time.monotonic() < deadline:
            checks = {x["name"]: x for x in c.get("/api/v1/system/services").json()}
            if (checks.get("memory") or {}).get("details", {}).get("status") != "loading":
                break
            time.sleep(0.5)
    time.sleep(10)  # the model's own load, which has no status to poll here


def start_http_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(SERVER), "--http", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/mcp"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1, trust_env=False)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the HTTP MCP server did not start")


def cold_starts(tmp: Path, config: Path, runs: int) -> tuple[list[float], list[float]]:
    """Cold starts (a new data dir each) without and with the MCP config, interleaved so that a
    change of the machine's load falls on both."""
    plain: list[float] = []
    with_mcp: list[float] = []
    for _ in range(runs):
        for env, out in (({}, plain), ({"VENOM_MCP_CONFIG": str(config)}, with_mcp)):
            proc, _url, seconds = start_venom(Path(tempfile.mkdtemp(dir=tmp)), env)
            out.append(seconds)
            stop(proc)
    return plain, with_mcp


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", help="a running Venom (its MCP config must hold the bench server's tools)")
    ap.add_argument("--token", default=os.environ.get("VENOM_API_TOKEN"))
    ap.add_argument("--stdio-tool", default="mcp:bench_stdio:timed")
    ap.add_argument("--http-tool", default="mcp:bench_http:timed")
    ap.add_argument("--http-url", help="with --base-url: the HTTP bench server's URL, for the direct SDK figure")
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--cold-runs", type=int, default=5)
    args = ap.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min), "
          f"{os.cpu_count()} cores")
    procs: list[subprocess.Popen[bytes]] = []
    tmp = tempfile.TemporaryDirectory()
    try:
        base_url, http_url = args.base_url, args.http_url
        if base_url is None:
            http_proc, http_url = start_http_server()
            procs.append(http_proc)
            config = Path(tmp.name) / "mcp.json"
            config.write_text(json.dumps({"mcpServers": {
                "bench_stdio": {"command": sys.executable, "args": [str(SERVER)]},
                "bench_http": {"url": http_url}}}))
            if args.cold_runs > 0:
                plain, with_mcp = cold_starts(Path(tmp.name), config, args.cold_runs)
                print(f"cold start to /healthz, no MCP servers:  median {statistics.median(plain):.2f} s "
                      f"(runs {', '.join(f'{s:.2f}' for s in plain)})")
                print(f"cold start to /healthz, 2 MCP servers:   median {statistics.median(with_mcp):.2f} s "
                      f"(runs {', '.join(f'{s:.2f}' for s in with_mcp)})")
            venom, base_url, _ = start_venom(Path(tmp.name), {"VENOM_MCP_CONFIG": str(config)})
            procs.append(venom)
            wait_ready(base_url, ["bench_stdio", "bench_http"])
            wait_loaded(base_url)
        for kind, tool_id, target in (("stdio", args.stdio_tool, str(SERVER)), ("http", args.http_tool, http_url)):
            wall, own, direct = asyncio.run(paired_times(base_url, args.token, tool_id, kind, target, args.calls))
            print(f"{kind}: {tool_id}")
            print(line("invoke wall - server", wall))
            print(line("duration_ms - server", own))
            if direct:
                print(line("SDK direct - server", direct))
                venom_own = statistics.median(own) - statistics.median(direct)
                print(f"  Venom's own (median)     {venom_own:6.2f} ms   target <= 5 ms: "
                      f"{'MET' if venom_own <= 5 else 'NOT MET'}")
        return 0
    finally:
        for proc in reversed(procs):
            stop(proc)
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
