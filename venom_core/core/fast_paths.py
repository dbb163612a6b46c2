"""Answers that need no language model: help, time and infrastructure status.

`answer_static` is what the orchestrator runs for these intents: no model call, every step traced.
"""

from __future__ import annotations

import platform
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from venom_core.core.intents import TOOL_ALIASES
from venom_core.core.models import EventType
from venom_core.core.orchestration import TaskContext

StatusProvider = Callable[[], Awaitable[dict[str, Any]]]

HELP_TEXT = """# Venom — what I can do

I route every task to an agent, stream the work back live and record each decision in the trace.

**Agents**
- **Chat** — conversation with session history and memory recall.
- **Architect** — plans a complex task as steps (`/parallel`, or Complex mode).
- **Git** — read-only answers about the workspace repository (`/git`).
- **Librarian** — lists, reads and searches files in the workspace (`/file`).
- **Researcher** — web search where the network allows (`/web`).
- **Coder + Critic** — writes files in the workspace when autonomy allows (`/compose`).
- **System status, Time, Help** — instant answers, no model needed.

**Slash commands**
{commands}
- `/clear` — start a new session. `/gpt`, `/gem`, `@gpt`, `@gem` — use a cloud model (needs a key and paid mode).

**Examples**
- `what time is it`
- `/git what changed in the last commit?`
- `/file find TODO in the workspace`
- `Plan a migration of our API to FastAPI` (Complex mode)
"""


def help_text() -> str:
    commands = " ".join(f"`/{alias}`" for alias in sorted(TOOL_ALIASES))
    return HELP_TEXT.format(commands=f"- Tools: {commands}")


def time_text(now: datetime | None = None) -> str:
    now = (now or datetime.now().astimezone())
    return f"It is {now.strftime('%H:%M:%S')} on {now.strftime('%A, %d %B %Y')} ({now.tzname() or 'local time'})."


def infra_text(status: dict[str, Any]) -> str:
    lines = ["# System status", f"- Host: {platform.node()} ({platform.system()} {platform.release()})"]
    for key in ("status", "uptime_seconds", "memory_usage_mb", "cpu_percent"):
        if key in status:
            lines.append(f"- {key.replace('_', ' ').capitalize()}: {status[key]}")
    queue = status.get("queue")
    if isinstance(queue, dict):
        lines.append(
            f"- Queue: {queue.get('active', 0)} active / {queue.get('limit')} limit, "
            f"{queue.get('pending', 0)} pending{' (paused)' if queue.get('paused') else ''}"
        )
    runtime = status.get("llm_runtime")
    if isinstance(runtime, dict):
        lines.append(f"- LLM runtime: {runtime.get('provider')} / {runtime.get('model')} ({runtime.get('status')})")
    return "\n".join(lines)


async def answer_static(ctx: TaskContext, intent: str, status: StatusProvider) -> str:
    source = "forced" if ctx.request.get("forced_intent") or ctx.request.get("forced_tool") else "lexicon"
    ctx.trace("DecisionGate", "intent_debug", intent=intent, source=source)
    ctx.emit(EventType.AGENT_THOUGHT, f"Intent: {intent}", agent="Orchestrator", intent=intent)
    ctx.set_context(intent=intent, llm_used=False)
    if intent == "HELP_REQUEST":
        ctx.trace("DecisionGate", "route_help")
        text = help_text()
        ctx.emit(EventType.RENDER_WIDGET, "help", agent="Help", widget="markdown", content=text)
    elif intent == "TIME_REQUEST":
        ctx.trace("DecisionGate", "route_to_agent", agent="TimeAssistant")
        text = time_text()
    else:
        ctx.trace("DecisionGate", "route_to_agent", agent="SystemStatus")
        text = infra_text(await status())
    ctx.stream(text)
    return text
