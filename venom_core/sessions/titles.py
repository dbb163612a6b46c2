"""A conversation's title, made from its first user message until someone renames it."""

from __future__ import annotations

TITLE_MAX = 80  # about one line of the sidebar; the full text stays in the history
UNTITLED = "New conversation"


def make_title(text: str) -> str:
    """Whitespace collapsed, cut at a word boundary when long, with an ellipsis to show the cut."""
    flat = " ".join(text.split())
    if not flat:
        return UNTITLED
    if len(flat) <= TITLE_MAX:
        return flat
    cut = flat[: TITLE_MAX - 1]
    space = cut.rfind(" ")
    if space >= TITLE_MAX // 2:  # a word boundary, unless that would throw most of the line away
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"
