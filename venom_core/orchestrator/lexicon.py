"""The en/pl/de intent lexicon: regular expressions over *normalised* text (see `core.text.normalize`).

The patterns themselves are declared by each agent's spec, next to the agent (agents/*.py).

Why regexes and not fuzzy phrase matching: they are exact, fast (microseconds per message) and
easy to test as a table. A *strong* pattern (weight 1.0) decides the intent on its own; a *weak*
one (0.6) is only recorded as a candidate in the trace: the message stays plain chat.
Patterns are written against normalised text: lowercase, no diacritics, `ł` -> `l`, `ä` -> `a`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from venom_core.agents.catalog import AGENTS
from venom_core.agents.spec import STRONG as STRONG
from venom_core.agents.spec import WEAK as WEAK


@dataclass(frozen=True, slots=True)
class Pattern:
    intent: str
    language: str
    regex: re.Pattern[str]
    weight: float


# Every agent spec's patterns (agents/catalog.py), compiled once.
PATTERNS: tuple[Pattern, ...] = tuple(
    Pattern(spec.intent, language, re.compile(regex), weight)
    for spec in AGENTS
    for language, rows in spec.patterns.items()
    for regex, weight in rows
)

# Intents that run a tool: the tie-break between two close candidates prefers them (reference §3.1).
TOOL_INTENTS = frozenset(spec.intent for spec in AGENTS if spec.tool_intent)

_PL_MARKERS = re.compile(r"[ąćęłńóśźż]")
_DE_MARKERS = re.compile(r"[äöüß]")
_PL_WORDS = frozenset(str.split(
    "jest czy nie jak co mi prosze pokaz jaki jaka ktora ktore plik przeczytaj "
    "sie dla moje moj zrob napisz znajdz ostatni wszystkie gdzie dzien czesc dzieki"
))
_DE_WORDS = frozenset(str.split(
    "ist nicht und der die das bitte zeige wie was mir ich "
    "ein eine welche welcher heute schreib erstelle finde gibt es danke hallo im nach fur mit auf den dem"
))


def detect_language(raw: str, norm: str) -> str:
    """pl / de / en from diacritics and function words: cheap and good enough to pick patterns."""
    lowered = raw.lower()
    if _PL_MARKERS.search(lowered):
        return "pl"
    if _DE_MARKERS.search(lowered):
        return "de"
    words = set(norm.split())
    pl, de = len(words & _PL_WORDS), len(words & _DE_WORDS)
    if pl > de:
        return "pl"
    if de > pl:
        return "de"
    return "en"
