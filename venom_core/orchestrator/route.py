"""The routing decision handed to an agent: which intent, from what source, and the cleaned message.

A plain value with no tables behind it, so the agents can read it without importing the router.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Route:
    intent: str
    source: str  # forced_intent | forced_tool | slash | fast_path | lexicon | default | llm | llm_timeout
    content: str  # the message with any slash command removed
    language: str = "en"
    score: float = 0.0
    top2: tuple[tuple[str, float], ...] = ()
    ambiguous: bool = False
    candidates: tuple[str, ...] = ()
    forced_tool: str | None = None
    forced_provider: str | None = None
    slash: str | None = None
    clear_session: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def forced(self) -> bool:
        return self.source in ("forced_intent", "forced_tool", "slash") or self.forced_provider is not None

    def debug(self) -> dict[str, Any]:
        """The `DecisionGate/intent_debug` details of the reference: source, language, score, top2."""
        return {"intent": self.intent, "source": self.source, "language": self.language,
                "score": round(self.score, 3), "top2": [[i, round(s, 3)] for i, s in self.top2],
                "ambiguous": self.ambiguous, "candidates": list(self.candidates)}

    def resolved(self, intent: str, source: str, **details: Any) -> Route:
        return replace(self, intent=intent, source=source, ambiguous=False, details={**self.details, **details})
