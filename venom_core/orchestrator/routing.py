"""Local, pure intent routing: forced fields, slash commands, then the en/pl/de lexicon.

Everything here is synchronous and free of I/O, so it costs microseconds and can be tested as a
table. The only slow step of routing, the LLM classifier, lives in `classifier.py` and is used
only when this module says the message is `ambiguous`: two different *strong* intents tie (e.g.
"show the last commits and list the files"). A message with no strong hit is plain chat and is
never sent to the classifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from venom_core.agents.catalog import AGENTS
from venom_core.core.intents import STATIC_INTENTS, TOOL_ALIASES, fast_path_intent
from venom_core.core.text import normalize
from venom_core.orchestrator.lexicon import PATTERNS, STRONG, TOOL_INTENTS, detect_language
from venom_core.orchestrator.route import Route as Route
from venom_core.runtimes.providers import PROVIDERS

# `/gpt` `/gem` `@gpt` `@gem` (and every other name of a cloud runtime, from its spec) -> the
# provider that must really be used.
PROVIDER_ALIASES: dict[str, str] = {alias: name for alias, name in PROVIDERS.aliases().items()
                                    if not PROVIDERS.get(name).local}
CLEAR_ALIASES = frozenset({"clear", "cler", "reset", "new"})
# Slash commands that name an intent but are not `forced_tool` values (`/help`), from the specs.
COMMANDS: dict[str, str] = {command: spec.intent for spec in AGENTS for command in spec.commands}

_SLASH = re.compile(r"^[ \t]*([/@])([A-Za-z0-9_-]+)[ \t]*[:,]?[ \t]*(.*)$", re.DOTALL)
# A read verb with a path ("read ../notes.txt", "cat src/app.py"): normalised text loses the dots and
# slashes, so this one pattern looks at the raw message.
_RAW_FILE = re.compile(r"\b(read|open|show|cat|list|przeczytaj|otworz|pokaz|lies|zeige?|offne)\b[^\n]{0,30}?"
                       r"(\.{0,2}/[\w./-]+|\b[\w-]{2,}\.[A-Za-z0-9]{1,5}\b)", re.IGNORECASE)
# "write hello.py that ...": a write verb with a source file name is code generation.
_RAW_CODE = re.compile(r"\b(write|create|generate|implement|napisz|stw[oó]rz|utw[oó]rz|wygeneruj|schreib\w*|"
                       r"erstell\w*)\b[^\n]{0,30}?\b[\w-]{2,}\.(py|js|ts|sh|html|css|rs|go|java|cpp|c|json|toml|ya?ml|md|"
                       r"txt)\b", re.IGNORECASE)
# A tie within this margin between a tool intent and chat counts as "ambiguous".
MARGIN = 0.02


@dataclass(frozen=True, slots=True)
class Slash:
    command: str | None  # the token without its sigil, lowercased, or None when there was none
    content: str  # what is left of the message
    forced_tool: str | None = None
    forced_provider: str | None = None
    clear: bool = False
    intent: str | None = None  # a command that names its intent (`/help`)


def parse_slash(content: str) -> Slash:
    """Read one leading `/token` or `@token` (reference §3.3). Unknown `/x` is stripped, unknown `@x` kept."""
    match = _SLASH.match(content)
    if not match:
        return Slash(None, content)
    sigil, token, rest = match.group(1), match.group(2).lower(), match.group(3).strip()
    if sigil == "@":
        if token in PROVIDER_ALIASES:
            return Slash(token, rest, forced_provider=PROVIDER_ALIASES[token])
        return Slash(None, content)  # "@someone" is just text
    if token in PROVIDER_ALIASES:
        return Slash(token, rest, forced_provider=PROVIDER_ALIASES[token])
    if token in CLEAR_ALIASES:
        return Slash(token, rest, clear=True)
    if token in TOOL_ALIASES:
        return Slash(token, rest, forced_tool=token)
    if token in COMMANDS:
        return Slash(token, rest, intent=COMMANDS[token])
    return Slash(token, rest)


def lexicon_scores(norm: str, language: str) -> dict[str, float]:
    """Best pattern weight per intent; the detected language is tried first, then all languages."""
    scores: dict[str, float] = {}
    hits: dict[str, int] = {}
    for pattern in PATTERNS:
        if pattern.regex.search(norm):
            bonus = 0.0 if pattern.language == language else -0.001  # same weight: prefer own language
            scores[pattern.intent] = max(scores.get(pattern.intent, 0.0), pattern.weight + bonus)
            hits[pattern.intent] = hits.get(pattern.intent, 0) + 1
    # Several hits of one intent make it a little more certain (never above STRONG).
    return {i: min(STRONG, s + 0.05 * (hits[i] - 1)) for i, s in scores.items()}


def classify(content: str, request: dict[str, Any] | None = None) -> Route:
    """Route a message without any model call. `request` is the task request dict."""
    request = request or {}
    forced_intent = request.get("forced_intent")
    forced_tool = request.get("forced_tool")
    forced_provider = request.get("forced_provider")
    slash = Slash(None, content)
    # Slash parsing applies only when the client did not force a tool or provider itself.
    if not forced_tool and not forced_provider:
        slash = parse_slash(content)
    text = slash.content if slash.command else content
    norm = normalize(text)
    language = request.get("preferred_language") or detect_language(text, norm)
    base = Route(intent="GENERAL_CHAT", source="default", content=text, language=language,
                 forced_tool=forced_tool or slash.forced_tool, forced_provider=forced_provider or slash.forced_provider,
                 slash=slash.command, clear_session=slash.clear)
    if slash.clear:
        return replace(base, intent="GENERAL_CHAT", source="slash", score=STRONG)
    if forced_intent:
        return replace(base, intent=str(forced_intent), source="forced_intent", score=STRONG)
    if base.forced_tool:
        # An agent alias names its intent; a registry tool id is the chat agent's tool loop's to call.
        return replace(base, intent=TOOL_ALIASES.get(base.forced_tool, "GENERAL_CHAT"),
                       source="forced_tool" if forced_tool else "slash", score=STRONG)
    if slash.intent:
        return replace(base, intent=slash.intent, source="slash", score=STRONG)
    static = fast_path_intent(text)
    if static is not None:
        return replace(base, intent=static, source="fast_path", score=STRONG)
    scores = lexicon_scores(norm, language)
    if _RAW_CODE.search(text):
        scores["CODE_GENERATION"] = STRONG + 0.01  # outranks the file-name hit below
    elif _RAW_FILE.search(text):
        scores["FILE_OPERATION"] = max(scores.get("FILE_OPERATION", 0.0), STRONG)
    if not scores:
        return base  # plain chat: no candidate, no classifier
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0] not in TOOL_INTENTS, kv[0]))
    top_intent, top_score = ranked[0]
    top2 = tuple(ranked[:2])
    if top_score >= STRONG - 0.01:
        close = [i for i, s in ranked[1:] if s >= top_score - MARGIN and s >= STRONG - 0.01]
        if not close:
            return replace(base, intent=top_intent, source="lexicon", score=top_score, top2=top2)
        # Two strong intents: a tool intent wins the tie-break, the classifier may still refine it.
        return replace(base, intent=top_intent, source="lexicon", score=top_score, top2=top2, ambiguous=True,
                       candidates=(top_intent, *close))
    # Only weak keywords ("clean code", "files"): still plain chat. Waiting for a classifier here would
    # put a model call in front of ordinary conversation, so the candidates only go to the trace.
    return replace(base, intent="GENERAL_CHAT", source="lexicon_weak", score=top_score, top2=top2)


def is_static(intent: str) -> bool:
    return intent in STATIC_INTENTS
