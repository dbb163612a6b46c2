"""Which language (en, pl, de) to answer a request in, for the answers Venom writes itself (help,
time, system status): the request's `preferred_language`, else the language of its text, else the
client's `Accept-Language`, else English.

Text detection looks for Polish or German letters, then counts function words and the words of
the help and status phrases, so even a one-word prompt such as "Pomoc" or "Hilfe" is placed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal

Language = Literal["en", "pl", "de"]
LANGUAGES: tuple[Language, ...] = ("en", "pl", "de")
_BY_NAME: dict[str, Language] = {lang: lang for lang in LANGUAGES}

_PL_LETTERS = re.compile(r"[ąćęłńśźż]")  # not ó: also Hungarian/Spanish-looking names; weighed as a word
_DE_LETTERS = re.compile(r"[äöüß]")
_WORDS: dict[Language, frozenset[str]] = {
    "pl": frozenset(str.split(
        "pomoc pomocy pomoz potrafisz umiesz mozesz jest czy nie jak co mi prosze pokaz jaki jaka ktora ktore "
        "godzina data dzien systemu uslug stan serwera sie dla moje moj zrob napisz znajdz odpowiedz krotko "
        "czesc dzieki jestes")),
    "de": frozenset(str.split(
        "hilfe hilf kannst ist nicht und der die das bitte zeige wie was mir ich ein eine welche heute spat uhr "
        "datum dienste dienststatus systemstatus benutze schreib finde gibt es danke hallo fur mit auf den dem")),
    "en": frozenset(str.split(
        "help what can you do how use show commands the is are please time date day system status service "
        "server me my i a an of to in it which hello thanks")),
}


def _words(text: str) -> list[str]:
    text = text.lower().replace("ł", "l")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[a-zß]+", text)


def detect(text: str) -> Language | None:
    """The language of `text`, or None when it gives no evidence."""
    lowered = text.lower()
    if _PL_LETTERS.search(lowered):
        return "pl"
    if _DE_LETTERS.search(lowered):
        return "de"
    words = _words(text)
    scores = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _WORDS.items()}
    if "ó" in lowered:
        scores["pl"] += 1
    # On a tie the Polish or German word decides: English words ("status", "test") are borrowed, not
    # the other way round.
    best = max(LANGUAGES, key=lambda lang: (scores[lang], lang != "en"))
    return best if scores[best] > 0 else None


def from_accept_language(header: str | None) -> Language | None:
    """The first of en/pl/de in an `Accept-Language` header, by its q-weights (RFC 9110 §12.5.4)."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        m = re.search(r"q\s*=\s*([0-9.]+)", params)
        if m:
            try:
                q = float(m.group(1))
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip().lower().split("-")[0]))
    for neg_q, _, primary in sorted(ranked):
        if neg_q < 0 and primary in _BY_NAME:
            return _BY_NAME[primary]
    return None


def request_language(content: str, request: dict[str, Any]) -> Language:
    explicit = _BY_NAME.get(str(request.get("preferred_language") or ""))
    if explicit:
        return explicit
    return detect(content) or _BY_NAME.get(str(request.get("accept_language") or ""), "en")
