"""Researcher: web search and page extraction where the network allows (RESEARCH, `/web`).

Search uses DuckDuckGo's HTML endpoint (no key needed; `VENOM_SEARCH_URL` points elsewhere) and
pages are reduced to text with the standard-library HTML parser, so no heavy dependency is added.
Every fetch, the search included, goes through `net.outbound.OutboundFetcher`: public addresses
only (unless the owner allows more), each redirect re-checked, the body capped. Offline, the short
connect timeout turns into a clear `network_unavailable` error within seconds instead of a hang.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlparse

from venom_core.agents.base import AgentRun, Llm, grounded_answer, tool_event
from venom_core.agents.spec import STRONG, WEAK, AgentSpec, Register
from venom_core.core.models import TaskFailure
from venom_core.net.outbound import OutboundError, OutboundFetcher

MAX_RESULTS = 5
MAX_PAGES = 2
PAGE_CHARS = 1500
_URL = re.compile(r"https?://[^\s<>\"')]+")


class _Text(HTMLParser):
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


class ResearcherAgent:
    name: ClassVar[str] = "ResearcherAgent"
    tool: ClassVar[str | None] = "web"

    def __init__(self, llm: Llm, search_url: str, fetcher: OutboundFetcher):
        self.llm = llm
        self.search_url = search_url
        self.fetcher = fetcher

    async def run(self, run: AgentRun) -> str:
        query = run.question
        urls = _URL.findall(query)
        if urls:
            results = [(u, u) for u in urls[:MAX_PAGES]]
        else:
            results = await self.search(run, query)
        pages = []
        for url, title in results[:MAX_PAGES]:
            # A page the user named must be readable; a search hit that cannot be read is skipped.
            text = await self.fetch(run, url, required=bool(urls))
            pages.append(f"[{title}]({url})\n{text[:PAGE_CHARS]}")
        sources = "\n".join(f"- [{t or u}]({u})" for u, t in results)
        evidence = "\n\n".join(pages) or "(no pages could be read)"
        summary = await grounded_answer(self.llm, run, "researcher (web pages)", evidence, max_tokens=256)
        tail = f"**Sources**\n{sources or '(none found)'}\n"
        run.ctx.stream(tail)
        return summary + tail

    async def search(self, run: AgentRun, query: str) -> list[tuple[str, str]]:
        resp = await self.fetcher.fetch(self.search_url, method="POST", data={"q": query})
        if resp.status_code >= 400:
            raise TaskFailure("search_failed", f"The web search answered HTTP {resp.status_code}.", stage="tool",
                              retryable=resp.status_code >= 500 or resp.status_code == 429)
        parser = _Text()
        parser.feed(resp.text())
        links = [(u, t) for u, t in parser.links if u.startswith("http")][:MAX_RESULTS]
        tool_event(run, self.name, "web_search", f"search '{query[:80]}'", query=query, results=len(links),
                   truncated=resp.truncated)
        return links

    async def fetch(self, run: AgentRun, url: str, *, required: bool) -> str:
        try:
            resp = await self.fetcher.fetch(url)
        except OutboundError as exc:
            if required or exc.code == "network_unavailable":
                raise
            tool_event(run, self.name, "read_page", f"read {url} failed", url=url, error=exc.code)
            return ""
        parser = _Text()
        if "html" in (resp.content_type or "html"):
            parser.feed(resp.text()[:500_000])
            text = parser.text()
        else:
            text = resp.text()[:PAGE_CHARS]
        tool_event(run, self.name, "read_page", f"read {url}", url=url, status=resp.status_code, chars=len(text),
                   bytes=len(resp.body), truncated=resp.truncated, redirects=len(resp.redirects))
        return text


PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\b(search|look up|find) .{0,60}\b(on the web|online|on the internet|in the web)\b", STRONG),
           (r"\bsearch (the )?(web|internet)\b", STRONG), (r"\bgoogle (it|for|this)\b", STRONG),
           (r"\blatest news\b", STRONG),
           (r"\bresearch\b", WEAK), (r"\bnews\b", WEAK), (r"\bonline\b", WEAK)],
    "pl": [(r"\b(wyszukaj|poszukaj|znajdz|sprawdz) .{0,60}\b(w sieci|w internecie|online)\b", STRONG),
           (r"\bnajnowsze wiadomosci\b", STRONG), (r"\bw internecie\b", WEAK)],
    "de": [(r"\b(such|finde|recherchier)\w* .{0,60}\b(im (web|netz|internet)|online)\b", STRONG),
           (r"\brecherchier\w*\b", WEAK), (r"\bim internet\b", WEAK), (r"\bnachrichten\b", WEAK)],
}


def register_agents(register: Register) -> None:
    register(AgentSpec(
        intent="RESEARCH", description="search the web for current information", rank=50,
        factory=lambda d: ResearcherAgent(d.llm, d.settings.VENOM_SEARCH_URL, d.fetcher), permission="network",
        aliases=("research", "web", "browser", "github", "hf", "media"), patterns=PATTERNS, tool_intent=True,
    ))
