"""Markdown that workspace content cannot break out of."""

from __future__ import annotations

import re

_BACKTICKS = re.compile(r"`+")


def fenced(text: str, info: str = "") -> str:
    """`text` in a code fence longer than any backtick run inside it (CommonMark: a fence ends only
    at a line of at least as many backticks as it opened with), so a file holding ``` lines cannot
    close the block early and have the rest read as markdown by the UI or as instructions by the model."""
    longest = max((len(m.group(0)) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{info}\n{body}{fence}"
