"""All configured MCP servers: load the config, start them in the background, apply changes.

`start()` returns at once; each server connects in its own task. `apply(config)` is what a PUT
does after the file is written: servers that are new start, removed ones stop, changed ones
restart, unchanged ones are left alone (their calls in flight keep going).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from loguru import logger

from venom_core.tools.mcp.config import ConfigFileError, McpConfig, McpServerConfig, load_config, save_config
from venom_core.tools.mcp.connection import Limits, McpServer
from venom_core.tools.mcp.quiet import quiet_sdk_tracebacks
from venom_core.tools.registry import ToolRegistry


class McpManager:
    def __init__(self, path: Path, registry: ToolRegistry, limits: Limits):
        self.path, self.registry, self.limits = path, registry, limits
        self.config = McpConfig()
        self.config_error: str | None = None  # the file on disk could not be used (shown by the API)
        self.servers: dict[str, McpServer] = {}
        self._lock = asyncio.Lock()
        quiet_sdk_tracebacks()

    async def start(self) -> None:
        try:
            config = await asyncio.to_thread(load_config, self.path)
        except ConfigFileError as exc:
            self.config_error = f"The MCP config file {exc.path} {exc.reason}; no MCP server was started."
            logger.warning(self.config_error)
            return
        await self.apply(config)

    async def stop(self) -> None:
        async with self._lock:
            await asyncio.gather(*(s.stop() for s in self.servers.values()), return_exceptions=True)
            self.servers.clear()

    async def replace(self, config: McpConfig) -> None:
        """Write `config` to the file (atomically), then run it."""
        await asyncio.to_thread(save_config, self.path, config)
        self.config_error = None
        await self.apply(config)

    async def apply(self, config: McpConfig) -> None:
        async with self._lock:
            self.config = config
            wanted = {n: c for n, c in config.mcpServers.items() if not c.disabled}
            for name in [n for n in self.servers if n not in wanted or _changed(self.servers[n].config, wanted[n])]:
                await self.servers.pop(name).stop()
            for name, cfg in wanted.items():
                if name not in self.servers:
                    server = McpServer(name, cfg, self.registry, self.limits)
                    self.servers[name] = server
                    server.start()

    async def restart(self, name: str) -> McpServer | None:
        async with self._lock:
            server = self.servers.get(name)
            if server is None:
                return None
            await server.stop()
            fresh = McpServer(name, server.config, self.registry, self.limits)
            self.servers[name] = fresh
            fresh.start()
            return fresh

    async def settle(self, function_name: str) -> None:
        """Wait (at most the start timeout) while the server a function name belongs to is starting: a
        task re-run after a restart may ask for an MCP tool before its server is back."""
        server = self.servers.get(function_name.split("__", 1)[0])
        deadline = time.monotonic() + self.limits.start_timeout
        # Polled: the status changes in several places of the connection, and this path is rare (a call
        # of a tool the registry does not hold), bounded, and 50 ms is nothing next to a server's start.
        while server is not None and server.status == "starting" and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)

    def view(self) -> list[dict[str, Any]]:
        out = []
        for name, cfg in self.config.mcpServers.items():
            server = self.servers.get(name)
            if server is not None:
                out.append(server.view())
            else:
                out.append({"name": name, "transport": cfg.transport, "status": "stopped",
                            "error": "disabled in the config" if cfg.disabled else None, "restarts": 0, "tools": [],
                            "server_info": {}, "log_file": None})
        return out


def _changed(old: McpServerConfig, new: McpServerConfig) -> bool:
    return old.model_dump() != new.model_dump()
