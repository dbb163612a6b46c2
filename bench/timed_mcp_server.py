"""The MCP server of `bench/tools_bench.py`, built with the official SDK: one read-only tool that
reports how long its own handler ran, so the bench can take it out of Venom's figure.

    python bench/timed_mcp_server.py              # stdio
    python bench/timed_mcp_server.py --http PORT  # streamable HTTP on 127.0.0.1:PORT/mcp
"""

from __future__ import annotations

import argparse
import json
import time

from mcp.server import MCPServer
from mcp_types import ToolAnnotations

server: MCPServer[None] = MCPServer("venom-bench", log_level="WARNING")


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def timed(text: str = "") -> str:
    """Echo `text` with the handler's own duration in milliseconds."""
    t0 = time.perf_counter()
    body: dict[str, object] = {"text": text}
    body["server_ms"] = (time.perf_counter() - t0) * 1000
    return json.dumps(body)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--http", type=int, default=0)
    args = ap.parse_args()
    if args.http:
        server.run("streamable-http", host="127.0.0.1", port=args.http)
    else:
        server.run()


if __name__ == "__main__":
    main()
