"""Sections to chunks with overlap. A chunk never crosses a page or a heading, so its page and
heading path are exact; its span points into the converted text (`full_text`), which is kept
beside the original, so a citation can show and highlight the passage."""

from __future__ import annotations

from dataclasses import dataclass

from venom_core.documents.convert import Section

CHUNK_CHARS = 900
OVERLAP_CHARS = 150
SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Chunk:
    ordinal: int
    text: str
    page: int | None
    headings: tuple[str, ...]
    start: int  # span in the full text, end exclusive
    end: int


def full_text(sections: list[Section]) -> tuple[str, list[int]]:
    """The converted text and the offset of each section in it."""
    offsets: list[int] = []
    parts: list[str] = []
    at = 0
    for section in sections:
        offsets.append(at)
        parts.append(section.text)
        at += len(section.text) + len(SEPARATOR)
    return SEPARATOR.join(parts), offsets


def chunk_sections(sections: list[Section], size: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[Chunk]:
    _, offsets = full_text(sections)
    chunks: list[Chunk] = []
    for section, base in zip(sections, offsets, strict=True):
        for start, end in _windows(section.text, size, overlap):
            piece = section.text[start:end]
            if piece.strip():
                chunks.append(Chunk(len(chunks), piece, section.page, section.headings, base + start, base + end))
    return chunks


def _windows(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Spans of at most `size` characters, cut at a paragraph, line or word break when one is
    in the last third of the window; each next span starts `overlap` characters back."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            floor = start + (2 * size) // 3
            for mark in ("\n\n", "\n", ". ", " "):
                cut = text.rfind(mark, floor, end)
                if cut != -1:
                    end = cut + len(mark)
                    break
        spans.append((start, end))
        if end >= n:
            break
        nxt = max(end - overlap, start + 1)
        space = text.find(" ", nxt, end)  # start the overlap on a word
        start = space + 1 if space != -1 else nxt
    return spans
