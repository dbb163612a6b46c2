"""Text chunking and the content hash used to dedupe on ingest.

Chunks are cut at paragraph, then sentence, then word boundaries so that each embedding sees
a coherent piece of text; a short overlap keeps a fact that spans a boundary findable.
"""

from __future__ import annotations

import hashlib
import re

CHUNK_CHARS = 800
OVERLAP_CHARS = 100
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Case- and whitespace-insensitive form: 'My  colour' and 'my colour' are the same entry."""
    return _SPACES.sub(" ", text).strip().lower()


def content_hash(text: str, scope: str = "") -> str:
    return hashlib.sha1(f"{scope}\x00{normalize(text)}".encode()).hexdigest()


def _pieces(text: str) -> list[str]:
    """Split into units no longer than CHUNK_CHARS: paragraphs, else sentences, else words."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        if len(para) <= CHUNK_CHARS:
            out.append(para)
            continue
        for sentence in _SENTENCE_END.split(para):
            while len(sentence) > CHUNK_CHARS:
                cut = sentence.rfind(" ", 0, CHUNK_CHARS)
                cut = cut if cut > CHUNK_CHARS // 2 else CHUNK_CHARS
                out.append(sentence[:cut].strip())
                sentence = sentence[cut:]
            if sentence.strip():
                out.append(sentence.strip())
    return out


def chunk_text(text: str, size: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Greedy packing of pieces into chunks of at most `size` characters (plus a small overlap)."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text):
        if current and len(current) + 1 + len(piece) > size:
            chunks.append(current)
            tail = current[-overlap:]
            space = tail.find(" ")
            current = (tail[space + 1:] if space >= 0 else "") if overlap else ""
        current = f"{current} {piece}".strip() if current else piece
    if current:
        chunks.append(current)
    return chunks
