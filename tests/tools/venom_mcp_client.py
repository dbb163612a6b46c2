"""The SDK's own MCP client against Venom's MCP server: `/mcp` over streamable HTTP, `venom mcp` on stdio."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.conftest import ROOT


@asynccontextmanager
async def http_session(base_url: str, token: str | None) -> AsyncIterator[ClientSession]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = httpx2.AsyncClient(headers=headers, trust_env=False, timeout=httpx2.Timeout(30.0, read=120.0))
    async with streamable_http_client(f"{base_url}/mcp", http_client=client) as (read, write), \
            ClientSession(read, write) as session:
        await session.initialize()
        yield session


@asynccontextmanager
async def stdio_session(base_url: str, token: str | None, errlog: Any) -> AsyncIterator[ClientSession]:
    env = {"PYTHONPATH": str(ROOT), "VENOM_API_URL": base_url, "PATH": os.environ.get("PATH", "")}
    if token:
        env["VENOM_API_TOKEN"] = token
    params = StdioServerParameters(command=sys.executable, args=["-m", "venom_core.cli", "mcp"], env=env,
                                   cwd=str(ROOT))
    async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def tool_result_text(result: Any) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)
