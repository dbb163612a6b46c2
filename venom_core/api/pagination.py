"""Cursor paging for list endpoints: the body is a bare JSON array and the next page's URL goes
in an RFC 8288 `Link: <…>; rel="next"` header (the original's clients iterate the body directly).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

# The `responses=` entry that declares the header in the OpenAPI document.
LINK_HEADER: dict[int | str, dict[str, Any]] = {
    200: {"headers": {"Link": {"description": 'The next page: `<URL>; rel="next"`; absent on the last page.',
                               "schema": {"type": "string"}}}},
}


def link_next(request: Request, response: Response, cursor: str | None) -> None:
    """Point `Link` at the same request with `cursor` replaced; nothing on the last page."""
    if cursor is None:
        return
    # A relative reference (RFC 8288 allows it): right behind a proxy that serves the API under
    # the UI's own origin, where the host this server sees is not the one the browser used.
    following = request.url.include_query_params(cursor=cursor)
    response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
