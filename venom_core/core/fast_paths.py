"""Answers that need no language model: help, time and infrastructure status.

`answer_static` is what the orchestrator runs for these intents: no model call, every step traced.
Each answer is written in the request's language (en, pl, de; see `core.language`).
"""

from __future__ import annotations

import functools
import platform
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from venom_core.core.fast_path_texts import HELP, INFRA, LOCAL_TIME, MONTHS, TIME, WEEKDAYS
from venom_core.core.intents import TOOL_ALIASES
from venom_core.core.language import Language, request_language
from venom_core.core.models import EventType
from venom_core.core.orchestration import TaskContext

StatusProvider = Callable[[], Awaitable[dict[str, Any]]]


@functools.cache  # the same few answers for every help request
def help_text(lang: Language = "en") -> str:
    commands = " ".join(f"`/{alias}`" for alias in sorted(TOOL_ALIASES))
    return HELP[lang].format(commands=commands)


def time_text(now: datetime | None = None, lang: Language = "en") -> str:
    now = now or datetime.now().astimezone()
    return TIME[lang].format(time=now.strftime("%H:%M:%S"), weekday=WEEKDAYS[lang][now.weekday()], day=now.day,
                             month=MONTHS[lang][now.month - 1], year=now.year,
                             zone=now.tzname() or LOCAL_TIME[lang])


def infra_text(status: dict[str, Any], lang: Language = "en") -> str:
    words = INFRA[lang]
    lines = [f"# {words['title']}", f"- {words['host']}: {platform.node()} ({platform.system()} {platform.release()})"]
    for key in ("status", "uptime_seconds", "memory_usage_mb", "cpu_percent"):
        if key in status:
            lines.append(f"- {words[key]}: {status[key]}")
    queue = status.get("queue")
    if isinstance(queue, dict):
        line = words["queue_line"].format(active=queue.get("active", 0), limit=queue.get("limit"),
                                          pending=queue.get("pending", 0))
        lines.append(f"- {words['queue']}: {line}{words['paused'] if queue.get('paused') else ''}")
    runtime = status.get("llm_runtime")
    if isinstance(runtime, dict):
        lines.append(f"- {words['runtime']}: {runtime.get('provider')} / {runtime.get('model')} "
                     f"({runtime.get('status')})")
    return "\n".join(lines)


async def answer_static(ctx: TaskContext, intent: str, status: StatusProvider) -> str:
    source = "forced" if ctx.request.get("forced_intent") or ctx.request.get("forced_tool") else "lexicon"
    lang = request_language(ctx.content, ctx.request)
    ctx.trace("DecisionGate", "intent_debug", intent=intent, source=source, language=lang)
    ctx.emit(EventType.AGENT_THOUGHT, f"Intent: {intent}", agent="Orchestrator", intent=intent)
    ctx.set_context(intent=intent, llm_used=False, language=lang)
    if intent == "HELP_REQUEST":
        ctx.trace("DecisionGate", "route_help")
        text = help_text(lang)
        ctx.emit(EventType.RENDER_WIDGET, "help", agent="Help", widget="markdown", content=text)
    elif intent == "TIME_REQUEST":
        ctx.trace("DecisionGate", "route_to_agent", agent="TimeAssistant")
        text = time_text(lang=lang)
    else:
        ctx.trace("DecisionGate", "route_to_agent", agent="SystemStatus")
        text = infra_text(await status(), lang)
    ctx.stream(text)
    return text
