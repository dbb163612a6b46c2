"""The fixed prompt sets a benchmark runs. Small on purpose: a run measures speed, not quality,
and must finish in seconds on the embedded model. Every model of a run gets the same prompts
with the same limits (temperature 0, so a rerun asks the same work of it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PromptSet:
    name: str
    description: str
    prompts: tuple[str, ...]
    max_tokens: int


PROMPT_SETS: dict[str, PromptSet] = {s.name: s for s in (
    PromptSet("quick", "One short question; the fastest check that a model answers.",
              ("Name three primary colours.",), max_tokens=16),
    PromptSet("default", "Three short prompts: a fact, a list and a line of code.",
              ("What is the capital of France? Answer in one sentence.",
               "List three uses of a paperclip.",
               "Write a Python expression that reverses the string s."), max_tokens=48),
)}
DEFAULT_PROMPT_SET = "default"
