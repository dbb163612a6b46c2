"""One MCP server, supervised: connect, list its tools, watch it, restart it with backoff when it dies.

Each server's connection runs on its own event loop in its own thread, so a slow or broken server
never delays Venom's start-up or another server, and the SDK's work on a large answer (reading and
parsing a 10 MB line) never stalls Venom's loop. Everything that touches the registry or the
status runs on Venom's loop (`_on_main`); a call hops to the server's loop and back.

Its status is `starting`, `ready`, `error` (with the reason; a restart follows after a backoff of
0.5 s doubling up to the configured maximum) or `stopped`. Its tools are in the registry only while
it is `ready`. A ping every few seconds (and at once after a failed
call) notices a server that died between calls.

Protocol work is the official SDK's (`stdio_client`, `streamable_http_client`, `ClientSession`);
this module only decides when to connect and what to do with the answers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import threading
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

from loguru import logger

from venom_core.net.addresses import AddressPolicy
from venom_core.tools.mcp.address import AddressRefused, check_url, needs_network
from venom_core.tools.mcp.config import McpServerConfig
from venom_core.tools.mcp.env import child_environment
from venom_core.tools.mcp.naming import function_name, tool_id
from venom_core.tools.mcp.translate import describe, render, side_effect_of
from venom_core.tools.registry import ToolRegistry
from venom_core.tools.spec import SIDE_EFFECTS, Handler, ToolError, ToolOutput, ToolSpec

Status = Literal["starting", "ready", "error", "stopped"]
PING_SECONDS = 5.0
PING_TIMEOUT = 10.0
FIRST_BACKOFF = 0.5
STABLE_SECONDS = 60.0  # a server that stayed up this long starts its backoff afresh
MAX_TOOLS = 500
NETWORK_LEVEL = 10
MAX_LOG_BYTES = 1_000_000  # a stdio server's stderr log starts over past this size (checked at each start)


@dataclass(frozen=True, slots=True)
class Limits:
    start_timeout: float
    max_backoff: float
    policy: AddressPolicy
    log_dir: Path


class McpServer:
    def __init__(self, name: str, config: McpServerConfig, registry: ToolRegistry, limits: Limits):
        self.name, self.config, self.registry, self.limits = name, config, registry, limits
        self.source = f"mcp:{name}"
        self.status: Status = "stopped"
        self.error: str | None = None
        self.restarts = 0
        self.ready_at: float | None = None
        self.tool_ids: list[str] = []
        self.server_info: dict[str, Any] = {}
        self._session: Any = None
        self._main: asyncio.AbstractEventLoop | None = None  # Venom's loop
        self._loop: asyncio.AbstractEventLoop | None = None  # this server's loop, in `_thread`
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None  # the supervisor, on this server's loop
        self._poke: asyncio.Event | None = None  # set (on this server's loop) to ping at once
        self._log_start: int | None = None  # where this attempt's stderr starts in the log file
        self._fault: str | None = None  # the last transport fault (output that is not JSON-RPC)
        self.log_path = limits.log_dir / f"mcp-{name}.log"

    # -- lifecycle (called on Venom's loop) ------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._main = asyncio.get_running_loop()
        self.status, self.error = "starting", None
        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name=f"mcp-{self.name}", daemon=True)
        self._thread.start()
        loop.call_soon_threadsafe(self._spawn)

    def _spawn(self) -> None:
        self._poke = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._supervise(), name=f"mcp-{self.name}")

    async def stop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None and thread is not None:
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._cancel(), loop))
            loop.call_soon_threadsafe(loop.stop)
            await asyncio.to_thread(thread.join, 10)
            if not thread.is_alive():
                loop.close()
        self._drop_tools()
        self.status, self._session = "stopped", None

    async def _cancel(self) -> None:
        task = self._task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _on_main(self, fn: Callable[[], None]) -> None:
        """Run `fn` on Venom's loop and wait for it (registry and status changes happen there)."""
        assert self._main is not None
        done: concurrent.futures.Future[None] = concurrent.futures.Future()

        def run() -> None:
            try:
                fn()
                done.set_result(None)
            except BaseException as exc:  # handed back to the waiting loop
                done.set_exception(exc)

        self._main.call_soon_threadsafe(run)
        await asyncio.wrap_future(done)

    def view(self) -> dict[str, Any]:
        return {"name": self.name, "transport": self.config.transport, "status": self.status, "error": self.error,
                "restarts": self.restarts, "tools": list(self.tool_ids), "server_info": self.server_info,
                "log_file": str(self.log_path)}

    async def _supervise(self) -> None:
        attempt = 0
        while True:
            self.status, started = "starting", time.monotonic()
            try:
                await self._connect_and_serve()
                reason = "the server closed the connection"
            except asyncio.CancelledError:
                raise
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                reason = describe(exc)
            self._session = None
            if time.monotonic() - started > STABLE_SECONDS:
                attempt = 0
            delay = min(self.limits.max_backoff, FIRST_BACKOFF * 2 ** attempt)
            attempt += 1
            tail = self._stderr_tail()
            error = f"{reason}{f'; its last output: {tail}' if tail else ''} (restarting in {delay:g} s)"
            await self._on_main(functools.partial(self._set_error, error))
            logger.bind(no_ws=True).warning("MCP server {}: {}", self.name, error)
            await asyncio.sleep(delay)
            self.restarts += 1

    async def _connect_and_serve(self) -> None:
        from mcp import ClientSession

        async with AsyncExitStack() as stack:
            level: int | None = None
            if self.config.command is not None:
                read, write = await stack.enter_async_context(self._stdio(stack))
            else:
                assert self.config.url is not None
                try:
                    addresses = await check_url(self.config.url, self.limits.policy)
                except AddressRefused as exc:
                    raise RuntimeError(f"the URL is not allowed: {exc}") from None
                level = NETWORK_LEVEL if needs_network(addresses) else None
                read, write = await stack.enter_async_context(self._http(stack))
            session = await stack.enter_async_context(ClientSession(read, write, message_handler=self._on_message))
            self._fault = None
            try:
                async with asyncio.timeout(self.limits.start_timeout):
                    init = await session.initialize()
                    listed = await self._list_tools(session)
            except TimeoutError:
                fault = f"; it sent what the SDK could not read ({self._fault})" if self._fault else ""
                raise TimeoutError(f"no answer within {self.limits.start_timeout:g} s{fault}") from None
            info = getattr(init, "server_info", None)
            self.server_info = {"name": getattr(info, "name", None), "version": getattr(info, "version", None),
                                "protocol_version": getattr(init, "protocol_version", None)}
            self._session = session
            await self._on_main(lambda: self._set_ready(listed, level))
            logger.bind(no_ws=True).info("MCP server {} ready with {} tools", self.name, len(self.tool_ids))
            await self._watch(session)

    def _stdio(self, stack: AsyncExitStack) -> Any:
        from mcp.client.stdio import StdioServerParameters, stdio_client

        self.limits.log_dir.mkdir(parents=True, exist_ok=True)
        # A server restarted again and again must not fill the disk: the log starts over past the cap.
        big = self.log_path.exists() and self.log_path.stat().st_size > MAX_LOG_BYTES
        errlog: TextIO = stack.enter_context(open(self.log_path, "w" if big else "a", encoding="utf-8"))  # noqa: SIM115
        self._log_start = self.log_path.stat().st_size
        assert self.config.command is not None
        params = StdioServerParameters(command=self.config.command, args=self.config.args,
                                       env=child_environment(self.config.env), cwd=self.config.cwd)
        return stdio_client(params, errlog=errlog)

    def _http(self, stack: AsyncExitStack) -> Any:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        self._log_start = None
        assert self.config.url is not None
        # trust_env=False: the environment's proxies would resolve the name out of reach of the check.
        client = httpx2.AsyncClient(headers=self.config.headers, trust_env=False,
                                    timeout=httpx2.Timeout(30.0, read=300.0))
        return streamable_http_client(self.config.url, http_client=client)

    async def _list_tools(self, session: Any) -> list[Any]:
        from mcp_types import PaginatedRequestParams

        tools: list[Any] = []
        cursor: str | None = None
        while len(tools) < MAX_TOOLS:
            page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
            tools.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                break
        return tools[:MAX_TOOLS]

    async def _watch(self, session: Any) -> None:
        poke = self._poke
        assert poke is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(poke.wait(), PING_SECONDS)
            poke.clear()
            try:
                await asyncio.wait_for(session.send_ping(), PING_TIMEOUT)
            except Exception as exc:
                raise RuntimeError(f"the server stopped answering ({describe(exc)})") from None

    async def _on_message(self, message: Any) -> None:
        """The SDK hands transport faults (a line that is not JSON-RPC) to this handler."""
        if isinstance(message, Exception):
            self._fault = " ".join(str(message).split())[:200] or type(message).__name__

    # -- status and tools (on Venom's loop) -------------------------------------------------------
    def _set_ready(self, listed: list[Any], level: int | None) -> None:
        if self._loop is None:  # stopped meanwhile: a stopped server keeps no tools
            return
        self._register(listed, level)
        self.status, self.error, self.ready_at = "ready", None, time.monotonic()

    def _set_error(self, error: str) -> None:
        self._drop_tools()
        if self._loop is None:
            return
        self.status, self.error = "error", error

    def _register(self, listed: list[Any], level: int | None) -> None:
        self._drop_tools()
        for tool in listed:
            annotations = tool.annotations
            effect = side_effect_of(annotations)
            assert effect in SIDE_EFFECTS
            spec = ToolSpec(
                id=tool_id(self.name, tool.name), function_name=function_name(self.name, tool.name),
                description=(tool.description or "")[:4000], input_schema=tool.input_schema, source=self.source,
                side_effect=effect, handler=self._caller(tool.name), autonomy_level=level,
                title=getattr(tool, "title", None),
                annotations=annotations.model_dump(exclude_none=True) if annotations is not None else {},
            )
            self.tool_ids.append(self.registry.register(spec).id)

    def _drop_tools(self) -> None:
        self.registry.unregister_source(self.source)
        self.tool_ids = []

    def _caller(self, name: str) -> Handler:
        async def on_server_loop(session: Any, arguments: dict[str, Any]) -> ToolOutput:
            result = await session.call_tool(name, arguments)  # reading and parsing happen here, off Venom's loop
            return ToolOutput(render(result), bool(getattr(result, "is_error", False)))

        async def call(arguments: dict[str, Any]) -> ToolOutput:
            session, loop = self._session, self._loop
            if session is None or loop is None or self.status != "ready":
                raise ToolError("mcp_server_unavailable",
                                f"The MCP server '{self.name}' is not ready ({self.status}"
                                f"{': ' + self.error if self.error else ''}).")
            # A cancelled wait (the registry's timeout) cancels the call on the server's loop too.
            future = asyncio.run_coroutine_threadsafe(on_server_loop(session, arguments), loop)
            try:
                return await asyncio.wrap_future(future)
            except Exception as exc:
                if self._poke is not None and not loop.is_closed():
                    loop.call_soon_threadsafe(self._poke.set)  # check the connection now, not at the next ping
                raise ToolError("mcp_call_failed",
                                f"The MCP server '{self.name}' failed the call: {describe(exc)}.") from None
        return call

    def _stderr_tail(self, limit: int = 400) -> str:
        start = self._log_start
        if start is None:
            return ""
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(max(start, self.log_path.stat().st_size - limit))
                return " ".join(handle.read().decode("utf-8", "replace").split())[-limit:]
        except OSError:
            return ""

