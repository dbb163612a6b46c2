"""The cockpit's first load with many stored conversations.

    python bench/cockpit_bench.py --spawn                         # a fresh backend + standalone UI
    python bench/cockpit_bench.py --api http://127.0.0.1:8000 --ui http://127.0.0.1:3000

It makes sure the backend holds at least `--sessions` conversations (by sending fast-path tasks,
one per new session, through the public API), then measures, `--rounds` times each:
  ui /              the cockpit page rendered by the Next.js server (the whole HTML response);
  sessions page 1   `GET /api/v1/sessions?limit=30`, what the sidebar asks for first;
  sessions search   the same with `q=` (title and content search), the slowest list query.
It prints p50, p95 and max in milliseconds. `--spawn` needs `npm run build` in web-next first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pipeline_bench import free_port, start_venom, stop, wait_healthy  # noqa: E402

WEB = HERE.parent / "web-next"
SIDEBAR_PAGE = 30  # web-next/components/cockpit/useConversations.ts asks for this many first


def start_ui(api: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOSTNAME": "127.0.0.1", "NEXT_TELEMETRY_DISABLED": "1",
           "NEXT_PUBLIC_API_BASE": api, "NEXT_PUBLIC_WS_BASE": api.replace("http", "ws", 1) + "/ws/events"}
    proc = subprocess.Popen(["node", str(WEB / ".next" / "standalone" / "server.js")], cwd=WEB, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, "/")
    return proc, url


async def count_sessions(client: httpx.AsyncClient, api: str) -> int:
    """Conversations stored, counted by walking the cursor pages."""
    total, url = 0, f"{api}/api/v1/sessions?limit=200"
    while True:
        r = await client.get(url)  # the next page's URL carries its query (`params=` would replace it)
        r.raise_for_status()
        total += len(r.json())
        link = r.links.get("next", {}).get("url")
        if not link:
            return total
        url = str(httpx.URL(api).join(link))


async def seed(client: httpx.AsyncClient, api: str, wanted: int) -> int:
    have = await count_sessions(client, api)
    missing = max(0, wanted - have)
    stamp = int(time.time())
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(missing):
        queue.put_nowait(i)

    async def sender() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            body = {"content": f"/help conversation {i}", "session_id": f"bench-{stamp}-{i}",
                    "store_knowledge": False}
            (await client.post(f"{api}/api/v1/tasks", json=body)).raise_for_status()

    await asyncio.gather(*(sender() for _ in range(8)))
    for _ in range(600):  # the tasks finish in the background; the sessions appear as they do
        if (have := await count_sessions(client, api)) >= wanted:
            break
        await asyncio.sleep(0.5)
    return have


async def timed(client: httpx.AsyncClient, url: str, rounds: int, **params: object) -> list[float]:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = await client.get(url, params=params)
        r.raise_for_status()
        _ = r.content
        out.append((time.perf_counter() - t0) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{name:<18} p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms  (n={len(ms)})"


async def measure(api: str, ui: str, sessions: int, rounds: int, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        stored = await seed(client, api, sessions)
        print(f"conversations stored: {stored}")
        await timed(client, ui, 3)  # the first render compiles and caches the page's modules
        print(line("ui /", await timed(client, ui, rounds)))
        print(line("sessions page 1", await timed(client, f"{api}/api/v1/sessions", rounds, limit=SIDEBAR_PAGE)))
        print(line("sessions search", await timed(client, f"{api}/api/v1/sessions", rounds, limit=SIDEBAR_PAGE,
                                                  q="conversation 99")))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--api", default="http://127.0.0.1:8000")
    ap.add_argument("--ui", default="http://127.0.0.1:3000")
    ap.add_argument("--spawn", action="store_true", help="start a fresh backend and UI on free ports")
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--token", default=os.environ.get("VENOM_API_TOKEN"))
    args = ap.parse_args()
    if not args.spawn:
        asyncio.run(measure(args.api, args.ui, args.sessions, args.rounds, args.token))
        return 0
    with tempfile.TemporaryDirectory(prefix="venom-cockpit-bench-") as tmp:
        api_proc, api, _ = start_venom(Path(tmp), {"VENOM_RATE_LIMIT_ENABLED": "false"})
        ui_proc, ui = start_ui(api)
        try:
            asyncio.run(measure(api, ui, args.sessions, args.rounds, args.token))
        finally:
            stop(ui_proc)
            stop(api_proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
