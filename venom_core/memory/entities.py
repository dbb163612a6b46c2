"""Cheap entity heuristics for the knowledge graph.

No model call: proper-noun phrases, CamelCase and snake_case identifiers, `backticked` terms,
#hashtags and file names. They are good enough to link memories that talk about the same thing,
and they run over ten thousand entries in well under a hundred milliseconds.
"""

from __future__ import annotations

import re

_PATTERNS = [
    re.compile(r"`([^`\n]{2,60})`"),  # `backticked`
    re.compile(r"#([A-Za-z][\w-]{1,40})"),  # #hashtag
    re.compile(r"\b([\w./-]+\.(?:py|ts|tsx|js|md|json|toml|yaml|yml))\b"),  # file names
    re.compile(r"\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)\b"),  # CamelCase
    re.compile(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b"),  # snake_case
    re.compile(r"\b([A-Z][a-zA-Z0-9]+(?:\s+[A-Z][a-zA-Z0-9]+){0,3})\b"),  # Proper Noun Phrases
]

_STOPWORD_TEXT = """
a an and are as at be but by can could did do does for from had has have he her here his how i if in
into is it its just me my no not now of on or our she so some than that the their them then there
these they this those to too up us was we were what when where which who why will with would yes you
your q answer question task user assistant venom ok okay please thanks thank hello hi also all any
each mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday today
tomorrow
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def normalize_entity(name: str) -> str:
    return " ".join(name.split()).lower()


def extract_entities(text: str, limit: int = 12) -> list[str]:
    """Entity labels in order of first appearance, deduplicated case-insensitively."""
    seen: dict[str, str] = {}
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            label = match.group(1).strip(" .,-/")
            key = normalize_entity(label)
            if len(key) < 3 or key in seen:
                continue
            words = key.split()
            if all(w in STOPWORDS for w in words):
                continue
            if words[0] in STOPWORDS and len(words) > 1:
                label = label.split(None, 1)[1]
                key = normalize_entity(label)
                if key in seen or len(key) < 3:
                    continue
            seen[key] = label
            if len(seen) >= limit:
                return list(seen.values())
    return list(seen.values())
