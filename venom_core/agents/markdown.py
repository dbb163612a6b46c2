"""Markdown that workspace content cannot break out of."""

from __future__ import annotations

import re

_BACKTICKS = re.compile(r"`+")
# A fence line: up to three spaces, then three or more backticks or tildes, then the rest of the line.
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def fenced(text: str, info: str = "") -> str:
    """`text` in a code fence longer than any backtick run inside it (CommonMark: a fence ends only
    at a line of at least as many backticks as it opened with), so a file holding ``` lines cannot
    close the block early and have the rest read as markdown by the UI or as instructions by the model."""
    longest = max((len(m.group(0)) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{info}\n{body}{fence}"


def fence_closer(text: str) -> str:
    """The line that closes a code fence `text` leaves open, else "".

    A model's free text sometimes opens a fence it never closes; whatever an agent appends after it
    (the file it read, the tool output) would then render inside that block, or close it and leave
    its own content as loose markdown. Closing the model's fence first keeps each part whole."""
    opened = ""
    for line in text.splitlines():
        match = _FENCE_LINE.match(line)
        if match is None:
            continue
        run, rest = match.group(1), match.group(2)
        if not opened:
            # A backtick fence's info string may not hold a backtick (CommonMark); then it is not a fence.
            if not (run[0] == "`" and "`" in rest):
                opened = run
        elif run[0] == opened[0] and len(run) >= len(opened) and not rest.strip():
            opened = ""
    return f"\n{opened}" if opened else ""
