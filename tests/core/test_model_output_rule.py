"""The suite states no CPU-specific answer (docs/TESTING.md): no test looks for words in the text
a model streamed. A static check, so a new test that does it fails here on every machine instead
of only on a machine whose CPU makes the model say something else."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

# A string literal tested for membership in streamed model text, e.g. `"Paris" in text_of(fs)`.
WORDS_IN_MODEL_TEXT = re.compile(r"""(["'])[^"'\n]*\1\s+(not\s+)?in\s+text_of\(""")
# A prompt that hopes free text lasts long enough ("write a very long story"): how long it lasts
# depends on the model and the CPU. Hold the model with ENDLESS_SCHEMA or a paused queue instead.
HOPING_IT_LASTS = re.compile(r"(?i)\blong (story|essay)\b|many chapters")


def lines_matching(pattern: re.Pattern[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path != Path(__file__).resolve()  # its own examples below
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]


def test_no_test_asserts_words_of_streamed_model_text() -> None:
    offenders = lines_matching(WORDS_IN_MODEL_TEXT)
    assert offenders == [], f"constrain the answer or assert structure instead (docs/TESTING.md): {offenders}"


def test_no_test_hopes_a_free_answer_lasts() -> None:
    offenders = lines_matching(HOPING_IT_LASTS)
    assert offenders == [], f"hold the model with ENDLESS_SCHEMA or a paused queue (docs/TESTING.md): {offenders}"


def test_the_rule_recognises_the_pattern() -> None:
    assert WORDS_IN_MODEL_TEXT.search('    assert "Paris" in text_of(fs)')
    assert not WORDS_IN_MODEL_TEXT.search("    assert_answer_in_enum(text_of(fs), 'city', CITIES)")
    assert HOPING_IT_LASTS.search('LONG = "Write a very long story about a dragon, with many chapters."')
    assert not HOPING_IT_LASTS.search('HOLD = {"content": "Write many words.", "generation_params": GP}')
