"""The HTTP side of the `venom` CLI: one client that turns transport and API errors into clear
exits (1 for an API error, 2 when the API cannot be reached)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

import click
import httpx


class Api:
    """A thin httpx wrapper that turns transport and API errors into clear CLI exits."""

    def __init__(self, url: str, token: str | None, timeout: float) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url.rstrip("/")
        self.token = token
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            resp = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self.unreachable(exc)
        if resp.status_code >= 400:
            api_error(resp)
        return resp.json()

    def page(self, path: str, **kwargs: Any) -> tuple[list[Any], str | None]:
        """GET one page of a list endpoint: the JSON array, and the next page's path from the
        `Link: <…>; rel="next"` header (None on the last page)."""
        try:
            resp = self.http.get(path, **kwargs)
        except httpx.HTTPError as exc:
            self.unreachable(exc)
        if resp.status_code >= 400:
            api_error(resp)
        body = resp.json()
        return (body if isinstance(body, list) else []), resp.links.get("next", {}).get("url")

    def find(self, path: str) -> Any | None:
        """GET `path`; None when the API answers 404."""
        try:
            resp = self.http.get(path)
        except httpx.HTTPError as exc:
            self.unreachable(exc)
        if resp.status_code == 404:
            return None
        if resp.status_code >= 400:
            api_error(resp)
        return resp.json()

    def unreachable(self, exc: Exception) -> NoReturn:
        fail(f"cannot reach the Venom API at {self.url} ({type(exc).__name__}). "
             "Is it running? Start it with `make start`, or set VENOM_API_URL.", code=2)

    def events(self, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Server-sent events as (event name, JSON data), until the server closes the stream."""
        try:
            with self.http.stream("GET", path, timeout=httpx.Timeout(self.http.timeout.connect, read=None)) as resp:
                if resp.status_code >= 400:
                    resp.read()
                    api_error(resp)
                name, data = "message", list[str]()
                for line in resp.iter_lines():
                    if line == "":
                        if data:
                            yield name, json.loads("\n".join(data))
                        name, data = "message", []
                    elif line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].lstrip())
        except httpx.HTTPError as exc:
            self.unreachable(exc)


def api_error(resp: httpx.Response) -> NoReturn:
    try:
        err = resp.json().get("error") or {}
    except ValueError:
        err = {}
    if isinstance(err, dict) and err.get("message"):
        fail(f"API error {resp.status_code} {err.get('code', '')}: {err['message']}")
    fail(f"API error {resp.status_code}: {resp.text[:300]}")


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"venom: {message}", err=True)
    sys.exit(code)


def resolve_prefix(given: str, ids: list[str], noun: str, full_length: int) -> str:
    """The id among `ids` that `given` names: in full, or as any unique prefix (as `ls` shows it)."""
    wanted = given.strip().lstrip("#").lower()
    if len(wanted) == full_length:
        return wanted
    matches = [i for i in ids if i.startswith(wanted)]
    if not wanted or not matches:
        fail(f"there is no {noun} with id {given}")
    if len(matches) > 1:
        fail(f"the id {given} is ambiguous: {', '.join(m[:12] for m in matches[:5])}", code=2)
    return matches[0]
