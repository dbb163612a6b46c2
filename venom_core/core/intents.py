"""Intent names and slash-command aliases of the reference, plus the no-LLM fast-path phrases."""

from __future__ import annotations

import re
import unicodedata

INTENTS: tuple[str, ...] = (
    "GENERAL_CHAT",
    "KNOWLEDGE_SEARCH",
    "FILE_OPERATION",
    "CODE_GENERATION",
    "CODE_REVIEW",
    "RESEARCH",
    "COMPLEX_PLANNING",
    "VERSION_CONTROL",
    "TOOL_CREATION",
    "E2E_TESTING",
    "DOCUMENTATION",
    "RELEASE_PROJECT",
    "STATUS_REPORT",
    "INFRA_STATUS",
    "TIME_REQUEST",
    "UNSUPPORTED_TASK",
    "HELP_REQUEST",
    "START_CAMPAIGN",
)

# forced_tool / slash alias -> intent (reference §3.3).
TOOL_ALIASES: dict[str, str] = {
    "research": "RESEARCH",
    "web": "RESEARCH",
    "browser": "RESEARCH",
    "github": "RESEARCH",
    "hf": "RESEARCH",
    "media": "RESEARCH",
    "git": "VERSION_CONTROL",
    "platform": "VERSION_CONTROL",
    "file": "FILE_OPERATION",
    "docs": "DOCUMENTATION",
    "render": "DOCUMENTATION",
    "compose": "CODE_GENERATION",
    "shell": "CODE_GENERATION",
    "test": "E2E_TESTING",
    "input": "E2E_TESTING",
    "core": "STATUS_REPORT",
    "chrono": "TIME_REQUEST",
    "parallel": "COMPLEX_PLANNING",
    "complexity": "COMPLEX_PLANNING",
    "assistant": "GENERAL_CHAT",
    "gcal": "GENERAL_CHAT",
}

# Intents answered without any LLM call.
STATIC_INTENTS = frozenset({"HELP_REQUEST", "TIME_REQUEST", "INFRA_STATUS"})

_FAST_PHRASES: dict[str, tuple[str, ...]] = {
    "HELP_REQUEST": (
        "help", "help me", "what can you do", "how do i use you", "show commands",
        "pomoc", "pomocy", "co potrafisz", "co umiesz", "jak cie uzywac",
        "hilfe", "was kannst du", "wie benutze ich dich",
    ),
    "TIME_REQUEST": (
        "what time is it", "what is the time", "current time", "what day is it", "what is the date",
        "ktora godzina", "ktora jest godzina", "jaki jest dzien", "jaka jest data",
        "wie spat ist es", "wie viel uhr ist es", "welches datum ist heute",
    ),
    "INFRA_STATUS": (
        "system status", "service status", "status of services", "infra status", "server status",
        "status uslug", "status systemu", "stan serwera",
        "systemstatus", "dienststatus", "status der dienste",
    ),
}


def normalize(text: str) -> str:
    """Lowercase, strip diacritics (also Polish ł) and punctuation, collapse spaces."""
    text = text.lower().replace("ł", "l")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9ß ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


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
