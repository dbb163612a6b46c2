"""Token usage of one model call: read from what the runtime reports, else counted or estimated.

Each protocol names its counters differently: OpenAI-compatible servers send `usage
{prompt_tokens, completion_tokens}` (in a stream only when asked with `stream_options.include_usage`),
Ollama sends `prompt_eval_count` / `eval_count` on its last line, Anthropic `input_tokens` /
`output_tokens` (in `message_start` and `message_delta`), and the embedded runtime counts with the
model's own tokenizer. `UsageMeter` folds the chunks of one call into one `CallUsage`; a counter the
runtime did not report is estimated from the text (`ESTIMATE_CHARS_PER_TOKEN` characters per token,
the usual rule of thumb for English BPE vocabularies) and the call is then flagged `estimated`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

ESTIMATE_CHARS_PER_TOKEN = 4

# Names of the prompt and the completion counters, per protocol, in the order they are tried.
_PROMPT_KEYS = ("prompt_tokens", "prompt_eval_count", "input_tokens")
_COMPLETION_KEYS = ("completion_tokens", "eval_count", "output_tokens")


def estimate_tokens(text: str) -> int:
    """A documented estimate for a runtime that reports nothing: ceil(chars / 4), at least 1 for text."""
    return math.ceil(len(text) / ESTIMATE_CHARS_PER_TOKEN) if text else 0


def _count(raw: dict[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return None


@dataclass(frozen=True, slots=True)
class CallUsage:
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class UsageMeter:
    """Collects the usage counters and the text of one call's chunks."""

    def __init__(self, provider: str, model: str, prompt_text: str):
        self.provider = provider
        self.model = model
        self._prompt_text = prompt_text
        self._text: list[str] = []
        self.prompt_tokens: int | None = None
        self.completion_tokens: int | None = None

    def feed(self, text: str, usage: dict[str, Any] | None) -> None:
        if text:
            self._text.append(text)
        if usage:
            # Later reports win: Anthropic sends input tokens first and output tokens at the end,
            # OpenAI's last usage chunk holds the final numbers.
            prompt, completion = _count(usage, _PROMPT_KEYS), _count(usage, _COMPLETION_KEYS)
            if prompt is not None:
                self.prompt_tokens = prompt
            if completion is not None:
                self.completion_tokens = completion

    @property
    def reported(self) -> bool:
        return self.prompt_tokens is not None or self.completion_tokens is not None

    def result(self) -> CallUsage:
        estimated = self.prompt_tokens is None or self.completion_tokens is None
        prompt = self.prompt_tokens if self.prompt_tokens is not None else estimate_tokens(self._prompt_text)
        completion = self.completion_tokens if self.completion_tokens is not None \
            else estimate_tokens("".join(self._text))
        return CallUsage(self.provider, self.model, prompt, completion, estimated)
