"""The web tools' work: a search on DuckDuckGo's HTML endpoint and reading a page as text.

No key is needed for the search (`VENOM_SEARCH_URL` points elsewhere), and pages are reduced to
text with the standard-library HTML parser, so no heavy dependency is added. Every fetch, the
search included, goes through `net.outbound.OutboundFetcher`: public addresses only (unless the
owner allows more), each redirect re-checked, the body capped. Offline, the short connect timeout
turns into a clear `network_unavailable` error within seconds instead of a hang.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from venom_core.core.models import TaskFailure
from venom_core.net.outbound import OutboundFetcher

MAX_RESULTS = 5
PAGE_CHARS = 1500
MAX_PARSED = 500_000  # characters of HTML parsed per page


class PageText(HTMLParser):
    """Visible text and result links of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._skip = 0
        self._href: str | None = None
        self._anchor: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "svg"):
            self._skip += 1
        if tag == "a":
            a = dict(attrs)
            if "result__a" in (a.get("class") or ""):
                self._href = a.get("href")
                self._anchor = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "svg") and self._skip:
            self._skip -= 1
        if tag == "a" and self._href:
            self.links.append((_real_url(self._href), " ".join(self._anchor).strip()))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._href is not None:
            self._anchor.append(data.strip())
        if data.strip():
            self.parts.append(data.strip())

    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def _real_url(href: str) -> str:
    """DuckDuckGo wraps results as `/l/?uddg=<url>`."""
    parsed = urlparse(href)
    target = parse_qs(parsed.query).get("uddg")
    return unquote(target[0]) if target else href


async def search(fetcher: OutboundFetcher, search_url: str, query: str) -> dict[str, Any]:
    """The result links of a web search: `{"results": [[url, title], ...], "truncated": bool}`."""
    resp = await fetcher.fetch(search_url, method="POST", data={"q": query})
    if resp.status_code >= 400:
        raise TaskFailure("search_failed", f"The web search answered HTTP {resp.status_code}.", stage="tool",
                          retryable=resp.status_code >= 500 or resp.status_code == 429)
    parser = PageText()
    parser.feed(resp.text())
    links = [[u, t] for u, t in parser.links if u.startswith("http")][:MAX_RESULTS]
    return {"results": links, "truncated": resp.truncated}


async def read_page(fetcher: OutboundFetcher, url: str) -> dict[str, Any]:
    """A page as text (HTML reduced to its visible text), with what the fetch found."""
    resp = await fetcher.fetch(url)
    if "html" in (resp.content_type or "html"):
        parser = PageText()
        parser.feed(resp.text()[:MAX_PARSED])
        text = parser.text()
    else:
        text = resp.text()[:PAGE_CHARS * 4]
    return {"url": resp.url, "status": resp.status_code, "text": text, "chars": len(text), "bytes": len(resp.body),
            "truncated": resp.truncated, "redirects": len(resp.redirects)}
