"""The backend of `venom mcp` (stdio): a running Venom over its HTTP API, with the CLI's URL and token.

The same routes `venom ask` and `venom tasks` use; a refusal of the API (404, 422, 503 ...) comes
back as a BackendError with the API's own error code and sentence.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx

from venom_core.mcp_server.models import (
    TERMINAL,
    BackendError,
    MemoryResults,
    RecentTasks,
    TaskAnswer,
    TaskDetail,
    TaskSummary,
    error_text,
    preview,
)


def _refusal(resp: httpx.Response) -> BackendError:
    try:
        err = resp.json().get("error") or {}
    except (ValueError, AttributeError):
        err = {}
    if isinstance(err, dict) and err.get("message"):
        return BackendError(str(err.get("code") or f"http_{resp.status_code}"), str(err["message"]))
    return BackendError(f"http_{resp.status_code}", f"The Venom API answered {resp.status_code}: {resp.text[:200]}")


class HttpBackend:
    def __init__(self, url: str, token: str | None, timeout: float = 30.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url.rstrip("/")
        # trust_env off: a proxy from the environment must not see the token of a loopback API.
        self.http = httpx.AsyncClient(base_url=self.url, headers=headers, timeout=timeout, trust_env=False,
                                      transport=transport)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            resp = await self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BackendError("venom_unreachable", f"Cannot reach the Venom API at {self.url} "
                               f"({type(exc).__name__}). Is it running? Set VENOM_API_URL.") from None
        if resp.status_code >= 400:
            raise _refusal(resp)
        return resp.json()

    async def submit_task(self, content: str, session_id: str | None, wait_seconds: float) -> TaskAnswer:
        body: dict[str, Any] = {"content": content}
        if session_id:
            body["session_id"] = session_id
        created = await self._call("POST", "/api/v1/tasks", json=body)
        task_id = str(created["task_id"])
        await self._wait(task_id, wait_seconds)
        task = await self._call("GET", f"/api/v1/tasks/{quote(task_id, safe='')}")
        status = str(task["status"])
        return TaskAnswer(task_id=task_id, status=status, finished=status in TERMINAL, answer=str(task["result"]),
                          error=error_text(task.get("error")))

    async def _wait(self, task_id: str, wait_seconds: float) -> None:
        """Follow the task's SSE stream until `task_finished` (or `task_missing`), at most `wait_seconds`."""
        deadline = time.monotonic() + wait_seconds
        timeout = httpx.Timeout(self.http.timeout.connect, read=max(0.1, wait_seconds))
        try:
            async with self.http.stream("GET", f"/api/v1/tasks/{quote(task_id, safe='')}/stream",
                                        timeout=timeout) as resp:
                if resp.status_code >= 400:
                    return  # the GET that follows reports the state
                name = "message"
                async for line in resp.aiter_lines():
                    if line.startswith("event:"):
                        name = line[6:].strip()
                    elif line == "" and name in ("task_finished", "task_missing"):
                        return
                    elif line == "":
                        name = "message"
                    if time.monotonic() >= deadline:
                        return
        except httpx.TimeoutException:
            return  # waited long enough: the answer so far is returned, unfinished
        except httpx.HTTPError as exc:
            raise BackendError("venom_unreachable", f"The Venom API at {self.url} closed the task's stream "
                               f"({type(exc).__name__}).") from None

    async def get_task(self, task_id: str) -> TaskDetail:
        if not task_id.strip():
            raise BackendError("invalid_request", "task_id must not be empty")
        t = await self._call("GET", f"/api/v1/tasks/{quote(task_id, safe='')}")
        status = str(t["status"])
        return TaskDetail(task_id=str(t["task_id"]), status=status, finished=status in TERMINAL,
                          content=preview(str(t["content"])), result=str(t["result"]),
                          error=error_text(t.get("error")), session_id=t.get("session_id"),
                          created_at=str(t["created_at"]), finished_at=t.get("finished_at"))

    async def search_memory(self, query: str, limit: int) -> MemoryResults:
        found = await self._call("POST", "/api/v1/memory/search", json={"query": query, "limit": limit})
        return MemoryResults.from_hits(query, found.get("results", []))

    async def list_recent_tasks(self, limit: int) -> RecentTasks:
        items = await self._call("GET", "/api/v1/tasks", params={"limit": limit})
        tasks = [TaskSummary(task_id=str(t["task_id"]), status=str(t["status"]), content=preview(str(t["content"])),
                             session_id=t.get("session_id"), created_at=str(t["created_at"])) for t in items]
        return RecentTasks(count=len(tasks), tasks=tasks)


