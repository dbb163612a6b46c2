"""The suite states no CPU-specific answer (docs/TESTING.md): no test looks for words in the text
a model streamed. A static check, so a new test that does it fails here on every machine instead
of only on a machine whose CPU makes the model say something else."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

# A string literal tested for membership in streamed model text, e.g. `"Paris" in text_of(fs)`.
WORDS_IN_MODEL_TEXT = re.compile(r"""(["'])[^"'\n]*\1\s+(not\s+)?in\s+text_of\(""")


def test_no_test_asserts_words_of_streamed_model_text() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path != Path(__file__).resolve()  # its own examples below
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if WORDS_IN_MODEL_TEXT.search(line)
    ]
    assert offenders == [], f"constrain the answer or assert structure instead (docs/TESTING.md): {offenders}"


def test_the_rule_recognises_the_pattern() -> None:
    assert WORDS_IN_MODEL_TEXT.search('    assert "Paris" in text_of(fs)')
    assert not WORDS_IN_MODEL_TEXT.search("    assert_answer_in_enum(text_of(fs), 'city', CITIES)")
