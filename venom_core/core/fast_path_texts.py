"""The words of the no-LLM answers (help, time, system status) in English, Polish and German.

The Polish help keeps the original's wording ("Jasne, pomogę", "Oto co mogę dla Ciebie zrobić"),
which the original's tests look for.
"""

from __future__ import annotations

from venom_core.core.language import Language

HELP: dict[Language, str] = {
    "en": """# Venom — what I can do

I route every task to an agent, stream the work back live and record each decision in the trace.

**Agents**
- **Chat** — conversation with session history and memory recall.
- **Architect** — plans a complex task as steps (`/parallel`, or Complex mode).
- **Git** — read-only answers about the workspace repository (`/git`).
- **Librarian** — lists, reads and searches files in the workspace (`/file`).
- **Researcher** — web search where the network allows (`/web`).
- **Coder + Critic** — writes files in the workspace when autonomy allows (`/compose`).
- **System status, Time, Help** — instant answers, no model needed.

**Slash commands**
- Tools: {commands}
- `/clear` — start a new session. `/gpt`, `/gem`, `@gpt`, `@gem` — use a cloud model (needs a key and paid mode).

**Examples**
- `what time is it`
- `/git what changed in the last commit?`
- `/file find TODO in the workspace`
- `Plan a migration of our API to FastAPI` (Complex mode)
""",
    "pl": """# Venom — w czym mogę pomóc

Jasne, pomogę. Oto co mogę dla Ciebie zrobić: każde zadanie kieruję do właściwego agenta, na bieżąco
przesyłam postęp pracy i zapisuję każdą decyzję w śladzie zadania.

**Agenci**
- **Chat** — rozmowa z historią sesji i przypominaniem z pamięci.
- **Architekt** — planuje złożone zadanie krok po kroku (`/parallel` albo tryb złożony).
- **Git** — odpowiedzi o repozytorium w przestrzeni roboczej, tylko do odczytu (`/git`).
- **Bibliotekarz** — wyświetla, czyta i przeszukuje pliki w przestrzeni roboczej (`/file`).
- **Badacz** — wyszukiwanie w sieci, gdy sieć jest dostępna (`/web`).
- **Koder + Krytyk** — zapisuje pliki w przestrzeni roboczej, gdy pozwala na to poziom autonomii (`/compose`).
- **Status systemu, Czas, Pomoc** — odpowiedzi od razu, bez modelu językowego.

**Polecenia z ukośnikiem**
- Narzędzia: {commands}
- `/clear` — nowa sesja. `/gpt`, `/gem`, `@gpt`, `@gem` — model w chmurze (wymaga klucza i trybu płatnego).

**Przykłady**
- `która godzina`
- `/git co się zmieniło w ostatnim commicie?`
- `/file znajdź TODO w przestrzeni roboczej`
- `Zaplanuj migrację naszego API do FastAPI` (tryb złożony)
""",
    "de": """# Venom — was ich kann

Gern helfe ich. Ich leite jede Aufgabe an den passenden Agenten weiter, übertrage die Arbeit live und
halte jede Entscheidung im Verlauf der Aufgabe fest.

**Agenten**
- **Chat** — Unterhaltung mit Sitzungsverlauf und Erinnerungen aus dem Gedächtnis.
- **Architekt** — plant eine komplexe Aufgabe in Schritten (`/parallel` oder der Komplex-Modus).
- **Git** — Antworten zum Repository im Arbeitsbereich, nur lesend (`/git`).
- **Bibliothekar** — listet, liest und durchsucht Dateien im Arbeitsbereich (`/file`).
- **Rechercheur** — Websuche, wo das Netz es erlaubt (`/web`).
- **Programmierer + Kritiker** — schreibt Dateien im Arbeitsbereich, wenn die Autonomie es erlaubt (`/compose`).
- **Systemstatus, Uhrzeit, Hilfe** — sofortige Antworten, ohne Sprachmodell.

**Befehle mit Schrägstrich**
- Werkzeuge: {commands}
- `/clear` — neue Sitzung. `/gpt`, `/gem`, `@gpt`, `@gem` — ein Cloud-Modell (mit Schlüssel und Bezahlmodus).

**Beispiele**
- `wie spät ist es`
- `/git was hat sich im letzten Commit geändert?`
- `/file finde TODO im Arbeitsbereich`
- `Plane eine Migration unserer API auf FastAPI` (Komplex-Modus)
""",
}

WEEKDAYS: dict[Language, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
}
MONTHS: dict[Language, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
           "października", "listopada", "grudnia"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}
# {time}, {weekday}, {day}, {month}, {year}, {zone}
TIME: dict[Language, str] = {
    "en": "It is {time} on {weekday}, {day} {month} {year} ({zone}).",
    "pl": "Jest {time}, {weekday}, {day} {month} {year} ({zone}).",
    "de": "Es ist {time} Uhr am {weekday}, {day}. {month} {year} ({zone}).",
}
LOCAL_TIME: dict[Language, str] = {"en": "local time", "pl": "czas lokalny", "de": "Ortszeit"}

INFRA: dict[Language, dict[str, str]] = {
    "en": {"title": "System status", "host": "Host", "status": "Status", "uptime_seconds": "Uptime seconds",
           "memory_usage_mb": "Memory usage mb", "cpu_percent": "Cpu percent", "queue": "Queue",
           "queue_line": "{active} active / {limit} limit, {pending} pending", "paused": " (paused)",
           "runtime": "LLM runtime"},
    "pl": {"title": "Status systemu", "host": "Host", "status": "Stan", "uptime_seconds": "Czas działania (s)",
           "memory_usage_mb": "Zajęta pamięć (MB)", "cpu_percent": "Procesor (%)", "queue": "Kolejka",
           "queue_line": "{active} aktywnych / limit {limit}, {pending} oczekujących", "paused": " (wstrzymana)",
           "runtime": "Środowisko LLM"},
    "de": {"title": "Systemstatus", "host": "Host", "status": "Status", "uptime_seconds": "Laufzeit (s)",
           "memory_usage_mb": "Belegter Speicher (MB)", "cpu_percent": "CPU (%)", "queue": "Warteschlange",
           "queue_line": "{active} aktiv / Limit {limit}, {pending} wartend", "paused": " (pausiert)",
           "runtime": "LLM-Laufzeit"},
}
