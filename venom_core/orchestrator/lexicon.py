"""The en/pl/de intent lexicon: regular expressions over *normalised* text (see `intents.normalize`).

Why regexes and not fuzzy phrase matching: they are exact, fast (microseconds per message) and
easy to test as a table. A *strong* pattern (weight 1.0) decides the intent on its own; a *weak*
one (0.6) is only recorded as a candidate in the trace: the message stays plain chat.
Patterns are written against normalised text: lowercase, no diacritics, `ł` -> `l`, `ä` -> `a`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STRONG = 1.0
WEAK = 0.6


@dataclass(frozen=True, slots=True)
class Pattern:
    intent: str
    language: str
    regex: re.Pattern[str]
    weight: float


_RAW: dict[str, dict[str, list[tuple[str, float]]]] = {
    "TIME_REQUEST": {
        "en": [(r"\bwhat time is it\b", STRONG), (r"\bwhat(s| is) the (time|date)\b", STRONG),
               (r"\bcurrent (time|date)\b", STRONG), (r"\bwhat day is (it|today)\b", STRONG)],
        "pl": [(r"\bktora (jest )?godzina\b", STRONG), (r"\bjaki (jest )?dzis dzien\b", STRONG),
               (r"\bjaka (jest )?(dzis )?data\b", STRONG)],
        "de": [(r"\bwie spat ist es\b", STRONG), (r"\bwie viel uhr\b", STRONG), (r"\bwelches datum\b", STRONG),
               (r"\bwelcher tag ist heute\b", STRONG)],
    },
    "INFRA_STATUS": {
        "en": [(r"\b(system|service|server|infra(structure)?) (status|health)\b", STRONG),
               (r"\bstatus of (the )?(services|system|server)\b", STRONG)],
        "pl": [(r"\bstatus (uslug|systemu|serwera)\b", STRONG), (r"\bstan (serwera|systemu|uslug)\b", STRONG)],
        "de": [(r"\b(system|dienst|server)status\b", STRONG), (r"\bstatus der (dienste|server)\b", STRONG)],
    },
    "VERSION_CONTROL": {
        "en": [(r"\bgit\b", STRONG), (r"\b(last|latest|recent) commits?\b", STRONG),
               (r"\bcommit (log|history)\b", STRONG),
               (r"\bbranch(es)?\b", STRONG), (r"\b(git )?blame\b", STRONG), (r"\buncommitted\b", STRONG),
               (r"\bwhat changed in (the )?(repo|repository|last commit)\b", STRONG),
               (r"\bcommits?\b", WEAK), (r"\b(repo|repository)\b", WEAK), (r"\bdiff\b", WEAK)],
        "pl": [(r"\bcommit(y|a|ow|ie)?\b", STRONG), (r"\bgalez\w*\b", STRONG), (r"\bgalezi\b", STRONG),
               (r"\bostatni(ch|e|m)? (zmian|commit)\w*\b", STRONG), (r"\brepozytori\w*\b", WEAK)],
        "de": [(r"\bzweig(e|en)?\b", STRONG), (r"\bletzte(n)? commits?\b", STRONG),
               (r"\bnicht committet\w*\b", STRONG), (r"\brepositor\w*\b", WEAK)],
    },
    "FILE_OPERATION": {
        "en": [(r"\b(list|show|read|open|cat|display) (me )?(the |all |my )?"
                r"(files?|folders?|director(y|ies)|contents? of)\b", STRONG),
               # normalised text has no dots: "read notes.txt" -> "read notes txt"
               (r"\b(read|open|show|display|cat) (the )?(file )?[\w-]+ "
                r"(py|md|txt|json|toml|ya?ml|js|ts|csv|cfg|ini|log)\b", STRONG),
               (r"\b(search|grep|find) .{1,60} in (the |my )?(files|workspace|project|code ?base)\b", STRONG),
               (r"\bwhich files\b", STRONG), (r"\bfiles? in (the )?workspace\b", STRONG),
               (r"\bfiles?\b", WEAK), (r"\bworkspace\b", WEAK), (r"\bdirectory\b", WEAK)],
        "pl": [(r"\b(pokaz|wyswietl|przeczytaj|otworz|wylistuj) (mi )?(wszystkie |moje )?(plik|katalog|folder)\w*\b",
                STRONG),
               (r"\b(znajdz|wyszukaj|szukaj) .{1,60} w (plikach|projekcie|workspace)\b", STRONG),
               (r"\bplik\w*\b", WEAK), (r"\bkatalog\w*\b", WEAK)],
        "de": [(r"\b(zeige?|lies|offne|liste) (mir )?(alle |die |meine )?(datei|ordner|verzeichnis)\w*\b", STRONG),
               (r"\b(suche?|finde?) .{1,60} in (den )?(dateien|projekt|workspace)\b", STRONG),
               (r"\bdatei\w*\b", WEAK), (r"\bordner\w*\b", WEAK), (r"\bverzeichnis\w*\b", WEAK)],
    },
    "CODE_GENERATION": {
        "en": [(r"\b(write|create|generate|implement|code) (me )?(a |an |the |some )?(\w+ ){0,3}"
                r"(function|script|class|program|module|code|unit tests?|snippet|file)\b", STRONG),
               (r"\b(fix|refactor) (this|the|my) (code|function|bug|script)\b", STRONG),
               (r"\bcode\b", WEAK)],
        "pl": [(r"\b(napisz|stworz|wygeneruj|zaimplementuj|utworz) (mi )?(\w+ ){0,3}"
                r"(funkcj|skrypt|program|kod|klas|modul|plik|test)\w*\b", STRONG),
               (r"\bkod\w*\b", WEAK), (r"\bfunkcj\w*\b", WEAK)],
        "de": [(r"\b(schreib|erstell|generier|implementier)\w* (mir )?(\w+ ){0,3}"
                r"(funktion|skript|programm|code|klasse|modul|datei|test)\w*\b", STRONG),
               (r"\bcode\b", WEAK), (r"\bfunktion\w*\b", WEAK)],
    },
    "CODE_REVIEW": {
        "en": [(r"\bcode review\b", STRONG), (r"\breview (this|my|the) (code|file|function|script|changes)\b", STRONG),
               (r"\breview\b", WEAK)],
        "pl": [(r"\b(przejrzyj|zrecenzuj|ocen) (moj |ten )?(kod|plik)\w*\b", STRONG), (r"\brecenzj\w*\b", WEAK)],
        "de": [(r"\bcode ?review\b", STRONG),
               (r"\b(uberpruf|prufe?|bewerte?)\w* (den |meinen |diesen )?code\b", STRONG)],
    },
    "RESEARCH": {
        "en": [(r"\b(search|look up|find) .{0,60}\b(on the web|online|on the internet|in the web)\b", STRONG),
               (r"\bsearch (the )?(web|internet)\b", STRONG), (r"\bgoogle (it|for|this)\b", STRONG),
               (r"\blatest news\b", STRONG),
               (r"\bresearch\b", WEAK), (r"\bnews\b", WEAK), (r"\bonline\b", WEAK)],
        "pl": [(r"\b(wyszukaj|poszukaj|znajdz|sprawdz) .{0,60}\b(w sieci|w internecie|online)\b", STRONG),
               (r"\bnajnowsze wiadomosci\b", STRONG), (r"\bw internecie\b", WEAK)],
        "de": [(r"\b(such|finde|recherchier)\w* .{0,60}\b(im (web|netz|internet)|online)\b", STRONG),
               (r"\brecherchier\w*\b", WEAK), (r"\bim internet\b", WEAK), (r"\bnachrichten\b", WEAK)],
    },
    "COMPLEX_PLANNING": {
        "en": [(r"\b(make|create|draft|write|prepare|give me) (me )?(a |an )?(\w+ ){0,2}(plan|roadmap)\b", STRONG),
               (r"\bplan (the |a |an |our |my )?(\w+ ){0,3}(migration|project|release|architecture|launch|rollout)\b",
                STRONG),
               (r"\bstep by step plan\b", STRONG), (r"\bbreak (it |this )?down into steps\b", STRONG),
               (r"\bdesign (an? |the )?(architecture|system)\b", STRONG), (r"\bplan\b", WEAK), (r"\bsteps\b", WEAK)],
        "pl": [(r"\bzaplanuj\b", STRONG),
               (r"\b(przygotuj|stworz|napisz|rozpisz) (mi )?(\w+ ){0,2}(plan|harmonogram)\w*\b", STRONG),
               (r"\bzaprojektuj\b", STRONG), (r"\bplan(u|ie|y|ow|em|ami|ach)?\b", WEAK), (r"\bkroki\b", WEAK)],
        "de": [(r"\bplane\b", STRONG), (r"\b(erstell|entwirf|mach)\w* (mir )?(einen |eine )?(\w+ ){0,2}"
                r"(plan|roadmap|fahrplan)\b", STRONG),
               (r"\bentwirf\b", STRONG), (r"\bplanung\b", WEAK), (r"\bschritte\b", WEAK)],
    },
    "KNOWLEDGE_SEARCH": {
        "en": [(r"\b(search|look in) (the )?(docs|documentation|knowledge base|notes)\b", STRONG),
               (r"\bknowledge base\b", STRONG), (r"\bwhere is .{1,40} (defined|documented)\b", STRONG)],
        "pl": [(r"\b(przeszukaj|szukaj w) (dokumentacj|baz\w* wiedzy|notatk)\w*\b", STRONG),
               (r"\bbaz\w* wiedzy\b", STRONG), (r"\bgdzie jest (zdefiniowan|opisan)\w*\b", STRONG)],
        "de": [(r"\b(durchsuche?|suche? in) (der )?(doku|dokumentation|wissensdatenbank|notizen)\w*\b", STRONG),
               (r"\bwissensdatenbank\b", STRONG), (r"\bwo ist .{1,40} (definiert|dokumentiert)\b", STRONG)],
    },
    "STATUS_REPORT": {
        "en": [(r"\b(project|roadmap|progress) (status )?report\b", STRONG), (r"\bhow far (are we|is the project)\b",
                                                                            STRONG)],
        "pl": [(r"\braport (z )?(postepu|postepow|projektu|roadmap\w*)\b", STRONG)],
        "de": [(r"\b(fortschritts|projekt|status)bericht\b", STRONG)],
    },
}

PATTERNS: tuple[Pattern, ...] = tuple(
    Pattern(intent, language, re.compile(regex), weight)
    for intent, by_language in _RAW.items()
    for language, rows in by_language.items()
    for regex, weight in rows
)

# Intents that run a tool: the tie-break between two close candidates prefers them (reference §3.1).
TOOL_INTENTS = frozenset({
    "TIME_REQUEST", "INFRA_STATUS", "VERSION_CONTROL", "DOCUMENTATION", "E2E_TESTING", "RELEASE_PROJECT",
    "RESEARCH", "FILE_OPERATION", "STATUS_REPORT", "CODE_GENERATION", "KNOWLEDGE_SEARCH",
})

_PL_MARKERS = re.compile(r"[ąćęłńóśźż]")
_DE_MARKERS = re.compile(r"[äöüß]")
_PL_WORDS = frozenset(str.split(
    "jest czy nie jak co mi prosze pokaz jaki jaka ktora ktore plik przeczytaj "
    "sie dla moje moj zrob napisz znajdz ostatni wszystkie gdzie dzien czesc dzieki"
))
_DE_WORDS = frozenset(str.split(
    "ist nicht und der die das bitte zeige wie was mir ich "
    "ein eine welche welcher heute schreib erstelle finde gibt es danke hallo im nach fur mit auf den dem"
))


def detect_language(raw: str, norm: str) -> str:
    """pl / de / en from diacritics and function words: cheap and good enough to pick patterns."""
    lowered = raw.lower()
    if _PL_MARKERS.search(lowered):
        return "pl"
    if _DE_MARKERS.search(lowered):
        return "de"
    words = set(norm.split())
    pl, de = len(words & _PL_WORDS), len(words & _DE_WORDS)
    if pl > de:
        return "pl"
    if de > pl:
        return "de"
    return "en"
