"""Text normalisation for matching: the lexicon, fast-path phrases and keyword checks all compare this form."""

from __future__ import annotations

import re
import unicodedata


def normalize(text: str) -> str:
    """Lowercase, strip diacritics (also Polish ł) and punctuation, collapse spaces."""
    text = text.lower().replace("ł", "l")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9ß ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()
