"""Intent names and slash-command aliases of the reference, plus the no-LLM fast-path phrases."""

from __future__ import annotations

import re

from venom_core.agents.catalog import AGENTS
from venom_core.core.text import normalize as normalize

# The vocabulary of intents is the agents' specs (agents/catalog.py); these views keep their old
# names for the task API's validation and the help text.
INTENTS: tuple[str, ...] = AGENTS.intents
# forced_tool / slash alias -> intent (reference §3.3).
TOOL_ALIASES: dict[str, str] = AGENTS.aliases()
# Intents answered without any LLM call.
STATIC_INTENTS = frozenset(spec.intent for spec in AGENTS if spec.static)
_FAST_PHRASES: dict[str, tuple[str, ...]] = {spec.intent: spec.phrases for spec in AGENTS if spec.phrases}


def fast_path_intent(content: str) -> str | None:
    """A static intent when the whole message is one of its phrases (possibly with "please")."""
    norm = normalize(content)
    norm = re.sub(r"^(please |prosze |bitte )|( please| prosze| bitte)$", "", norm)
    if len(norm) > 60:
        return None
    for intent, phrases in _FAST_PHRASES.items():
        if norm in phrases:
            return intent
    return None
