"""Researcher: web search and page extraction where the network allows (RESEARCH, `/web`).

The search and every page read are calls of the registry's `web_search` and `web_fetch` tools
(`tools/web.py`: DuckDuckGo's HTML endpoint, pages reduced to text, every fetch through the
outbound fetcher's address policy), so each is a TOOL_CALL_* event under the tools' policy.
Offline, the short connect timeout turns into a clear `network_unavailable` error within seconds.
"""

from __future__ import annotations

import re
from typing import ClassVar

from venom_core.agents.base import AgentRun, Llm, grounded_answer, tool_event
from venom_core.agents.spec import STRONG, WEAK, AgentSpec, Register
from venom_core.agents.tool_use import call_tool, failure, use_tool
from venom_core.tools.invoker import ToolInvoker

MAX_PAGES = 2
PAGE_CHARS = 1500
_URL = re.compile(r"https?://[^\s<>\"')]+")


class ResearcherAgent:
    name: ClassVar[str] = "ResearcherAgent"
    tool: ClassVar[str | None] = "web"

    def __init__(self, llm: Llm, tools: ToolInvoker):
        self.llm = llm
        self.tools = tools

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
            text = await self.read_page(run, url, required=bool(urls))
            pages.append(f"[{title}]({url})\n{text[:PAGE_CHARS]}")
        sources = "\n".join(f"- [{t or u}]({u})" for u, t in results)
        evidence = "\n\n".join(pages) or "(no pages could be read)"
        summary = await grounded_answer(self.llm, run, "researcher (web pages)", evidence, max_tokens=256)
        tail = f"**Sources**\n{sources or '(none found)'}\n"
        run.ctx.stream(tail)
        return summary + tail

    async def search(self, run: AgentRun, query: str) -> list[tuple[str, str]]:
        found = await use_tool(self.tools, run, self.name, "web_search", {"query": query})
        links = [(str(u), str(t)) for u, t in found["results"]]
        tool_event(run, self.name, "web_search", f"search '{query[:80]}'", query=query, results=len(links),
                   truncated=found["truncated"])
        return links

    async def read_page(self, run: AgentRun, url: str, *, required: bool) -> str:
        result = await call_tool(self.tools, run, self.name, "web_fetch", {"url": url})
        page = result.data
        if page is None:  # the fetch itself failed or was refused (an HTTP error status still has a page)
            if required or result.error_code in ("network_unavailable", "tool_not_allowed", "autonomy_denied"):
                raise failure(result)
            tool_event(run, self.name, "read_page", f"read {url} failed", url=url, error=result.error_code)
            return ""
        text = str(page["text"])
        tool_event(run, self.name, "read_page", f"read {url}", url=url, status=page["status"], chars=len(text),
                   bytes=page["bytes"], truncated=page["truncated"], redirects=page["redirects"])
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
        factory=lambda d: ResearcherAgent(d.llm, d.invoker), permission="network",
        aliases=("research", "web", "browser", "github", "hf", "media"), patterns=PATTERNS, tool_intent=True,
    ))
