"""`venom mcp`: the MCP tools on stdio, for a desktop assistant or an editor that starts Venom's
MCP server as a child process. The tools call a running Venom over its HTTP API.

stdout carries the protocol and nothing else: the SDK points fd 1 at stderr while it serves (a stray
print cannot corrupt the stream), and every log line goes to stderr.
"""

from __future__ import annotations

import sys

import anyio
from loguru import logger

from venom_core.mcp_server.http_backend import HttpBackend


async def serve(url: str, token: str | None, http_timeout: float) -> None:
    from venom_core.mcp_server.tools import build_server

    backend = HttpBackend(url, token, http_timeout)
    try:
        await build_server(backend).run_stdio_async()
    finally:
        await backend.aclose()


def run(url: str, token: str | None, http_timeout: float) -> None:
    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    anyio.run(serve, url, token, http_timeout)
