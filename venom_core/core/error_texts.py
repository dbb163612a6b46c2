"""The API's error sentences in Polish and German.

Errors are raised with an English sentence, wherever they arise. When a client asks for pl or de
(the cockpit sends its own language as `Accept-Language`), the answer carries the sentence in that
language instead: each entry below is the English sentence as a template, `{slot}` marking the
parts that vary (a name, an id, a limit), with its two translations using the same slots. The
English sentence is matched against the template and the slots carry over, so the raising code
stays as it is. A sentence that matches no template is answered in English, and so is every
error when the client asks for English or nothing: the code and the details never change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from venom_core.core.language import Language


@dataclass(frozen=True)
class Text:
    en: str
    pl: str
    de: str

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts = re.split(r"\{(\w+)\}", self.en)
        # Even indexes are literal text, odd ones slot names.
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        return re.compile(regex, re.DOTALL)


def _t(en: str, pl: str, de: str) -> Text:
    return Text(en, pl, de)


TEXTS: dict[str, tuple[Text, ...]] = {
    "internal_error": (
        _t("Venom hit an unexpected error. The details are in the server log.",
           "Venom napotkał nieoczekiwany błąd. Szczegóły są w dzienniku serwera.",
           "Venom ist auf einen unerwarteten Fehler gestoßen. Die Einzelheiten stehen im Serverprotokoll."),
        _t("Venom hit an unexpected error while running this task.",
           "Venom napotkał nieoczekiwany błąd podczas wykonywania tego zadania.",
           "Venom ist bei der Ausführung dieser Aufgabe auf einen unerwarteten Fehler gestoßen."),
    ),
    "invalid_json": (
        _t("The request body is not valid JSON (UTF-8).",
           "Treść żądania nie jest poprawnym JSON-em (UTF-8).",
           "Der Anfragetext ist kein gültiges JSON (UTF-8)."),
    ),
    "validation_error": (
        _t("The request is invalid: {problems}.",
           "Żądanie jest nieprawidłowe: {problems}.",
           "Die Anfrage ist ungültig: {problems}."),
    ),
    "not_found": (
        _t("No such endpoint.", "Nie ma takiego punktu końcowego API.", "Diesen API-Endpunkt gibt es nicht."),
        _t("No such documentation asset.", "Nie ma takiego pliku dokumentacji.",
           "Diese Dokumentationsdatei gibt es nicht."),
    ),
    "method_not_allowed": (
        _t("Method Not Allowed", "Ta metoda HTTP nie jest dozwolona dla tego adresu.",
           "Diese HTTP-Methode ist für diese Adresse nicht erlaubt."),
    ),
    "payload_too_large": (
        _t("The request body is larger than the limit of {limit} bytes.",
           "Treść żądania przekracza limit {limit} bajtów.",
           "Der Anfragetext ist größer als die Grenze von {limit} Bytes."),
    ),
    "task_not_found": (
        _t("There is no task with id {id}.", "Nie ma zadania o identyfikatorze {id}.",
           "Es gibt keine Aufgabe mit der ID {id}."),
    ),
    "task_not_finished": (
        _t("The task is still running; give feedback once it has finished.",
           "Zadanie wciąż trwa; oceń je, gdy się zakończy.",
           "Die Aufgabe läuft noch; gib Feedback, wenn sie beendet ist."),
    ),
    "session_not_found": (
        _t("There is no conversation with the id '{id}'.", "Nie ma rozmowy o identyfikatorze '{id}'.",
           "Es gibt kein Gespräch mit der ID '{id}'."),
    ),
    "request_not_found": (
        _t("There is no request with id {id}.", "Nie ma żądania o identyfikatorze {id}.",
           "Es gibt keine Anfrage mit der ID {id}."),
    ),
    "invalid_cursor": (
        _t("The cursor is not one this API returned; start again without it.",
           "Ten kursor nie pochodzi z tego API; zacznij od nowa bez niego.",
           "Dieser Cursor stammt nicht von dieser API; beginne ohne ihn von vorn."),
        _t("The cursor is not one this API returned.", "Ten kursor nie pochodzi z tego API.",
           "Dieser Cursor stammt nicht von dieser API."),
    ),
    "unknown_forced_tool": (
        _t("There is no tool '{name}'. GET /api/v1/tools lists the tools (an MCP server's tools appear once "
           "it is ready).",
           "Nie ma narzędzia '{name}'. GET /api/v1/tools wyświetla narzędzia (narzędzia serwera MCP pojawiają "
           "się, gdy jest gotowy).",
           "Es gibt kein Werkzeug '{name}'. GET /api/v1/tools listet die Werkzeuge auf (die Werkzeuge eines "
           "MCP-Servers erscheinen, sobald er bereit ist)."),
    ),
    "unknown_provider": (
        _t("There is no runtime named {name}; known: {known}.",
           "Nie ma środowiska uruchomieniowego o nazwie {name}; dostępne: {known}.",
           "Es gibt keine Laufzeit namens {name}; bekannt: {known}."),
        _t("There is no LLM server named {name}; known: {known}.",
           "Nie ma serwera LLM o nazwie {name}; dostępne: {known}.",
           "Es gibt keinen LLM-Server namens {name}; bekannt: {known}."),
    ),
    "unknown_prompt_set": (
        _t("There is no prompt set named {name}; known: {known}.",
           "Nie ma zestawu promptów o nazwie {name}; dostępne: {known}.",
           "Es gibt keinen Prompt-Satz namens {name}; bekannt: {known}."),
    ),
    "benchmark_not_found": (
        _t("There is no benchmark with id {id}.", "Nie ma testu wydajności o identyfikatorze {id}.",
           "Es gibt keinen Benchmark mit der ID {id}."),
    ),
    "benchmark_running": (
        _t("Another benchmark is running; wait for it to finish (GET /api/v1/benchmark/list shows it).",
           "Trwa inny test wydajności; poczekaj, aż się zakończy (pokazuje go GET /api/v1/benchmark/list).",
           "Ein anderer Benchmark läuft; warte, bis er fertig ist (GET /api/v1/benchmark/list zeigt ihn)."),
    ),
    "memory_entry_not_found": (
        _t("There is no memory entry with id {id}.", "Nie ma wpisu pamięci o identyfikatorze {id}.",
           "Es gibt keinen Gedächtniseintrag mit der ID {id}."),
    ),
    "graph_node_not_found": (
        _t("There is no node {id} in this graph.", "W tym grafie nie ma węzła {id}.",
           "In diesem Graphen gibt es keinen Knoten {id}."),
    ),
    "mcp_server_not_found": (
        _t("There is no running MCP server named '{name}'.", "Nie działa serwer MCP o nazwie '{name}'.",
           "Es läuft kein MCP-Server namens '{name}'."),
    ),
    "roadmap_missing": (
        _t("There is no roadmap yet; create one with POST /api/v1/roadmap/create.",
           "Nie ma jeszcze planu; utwórz go przez POST /api/v1/roadmap/create.",
           "Es gibt noch keine Roadmap; lege eine mit POST /api/v1/roadmap/create an."),
    ),
    "roadmap_item_not_found": (
        _t("There is no roadmap item with id {id}.", "Nie ma elementu planu o identyfikatorze {id}.",
           "Es gibt keinen Roadmap-Eintrag mit der ID {id}."),
    ),
    "backup_not_found": (
        _t("There is no config backup named {name}.", "Nie ma kopii zapasowej konfiguracji o nazwie {name}.",
           "Es gibt keine Konfigurationssicherung namens {name}."),
    ),
    "empty_update": (
        _t("No settings to change: `updates` is empty.", "Brak ustawień do zmiany: `updates` jest puste.",
           "Keine Einstellungen zu ändern: `updates` ist leer."),
    ),
    "document_not_found": (
        _t("No document with id {id}.", "Nie ma dokumentu o identyfikatorze {id}.",
           "Es gibt kein Dokument mit der ID {id}."),
    ),
    "document_file_missing": (
        _t("The original file of {name} is missing.", "Brakuje oryginalnego pliku dokumentu {name}.",
           "Die Originaldatei von {name} fehlt."),
    ),
    "document_too_large": (
        _t("{name} is larger than the limit of {limit} bytes.", "{name} przekracza limit {limit} bajtów.",
           "{name} ist größer als die Grenze von {limit} Bytes."),
    ),
    "document_empty": (
        _t("{name} is empty (0 bytes).", "{name} jest pusty (0 bajtów).", "{name} ist leer (0 Bytes)."),
    ),
    "document_no_text": (
        _t("{name} contains no text that can be extracted.", "{name} nie zawiera tekstu, który da się odczytać.",
           "{name} enthält keinen Text, der sich auslesen lässt."),
    ),
    "document_encrypted": (
        _t("{name} is protected by a password; remove the protection and upload it again.",
           "{name} jest chroniony hasłem; usuń zabezpieczenie i wyślij plik ponownie.",
           "{name} ist durch ein Passwort geschützt; entferne den Schutz und lade die Datei erneut hoch."),
        _t("The PDF is protected by a password; remove the protection and upload it again.",
           "Ten PDF jest chroniony hasłem; usuń zabezpieczenie i wyślij go ponownie.",
           "Das PDF ist durch ein Passwort geschützt; entferne den Schutz und lade es erneut hoch."),
    ),
    "document_content_mismatch": (
        _t("The content of {name} does not match its extension: it is not {kind}.",
           "Zawartość pliku {name} nie pasuje do jego rozszerzenia: to nie jest {kind}.",
           "Der Inhalt von {name} passt nicht zu seiner Endung: es ist kein {kind}."),
        _t("The file is not UTF-8 text, although its extension says it is text.",
           "Plik nie jest tekstem UTF-8, choć jego rozszerzenie wskazuje na tekst.",
           "Die Datei ist kein UTF-8-Text, obwohl ihre Endung Text angibt."),
    ),
    "document_zip_bomb": (
        _t("{name} would expand to {expanded} bytes from {size}: refused as a possible zip bomb.",
           "{name} rozpakowałby się z {size} do {expanded} bajtów: odrzucony jako możliwa bomba ZIP.",
           "{name} würde sich von {size} auf {expanded} Bytes entpacken: als mögliche ZIP-Bombe abgelehnt."),
    ),
    "unsupported_document_type": (
        _t("Files of type {suffix} are not supported ({known} and source code are).",
           "Pliki typu {suffix} nie są obsługiwane (obsługiwane są {known} oraz kod źródłowy).",
           "Dateien vom Typ {suffix} werden nicht unterstützt ({known} und Quellcode schon)."),
    ),
    "invalid_filename": (
        _t("A file name must have 1 to {limit} characters.", "Nazwa pliku musi mieć od 1 do {limit} znaków.",
           "Ein Dateiname muss 1 bis {limit} Zeichen haben."),
        _t("The file name contains a line break or another control character.",
           "Nazwa pliku zawiera znak nowej linii lub inny znak sterujący.",
           "Der Dateiname enthält einen Zeilenumbruch oder ein anderes Steuerzeichen."),
        _t("The file name {name} contains a path; send the file's own name only.",
           "Nazwa pliku {name} zawiera ścieżkę; wyślij samą nazwę pliku.",
           "Der Dateiname {name} enthält einen Pfad; sende nur den Namen der Datei."),
    ),
    "multipart_required": (
        _t("Send the files as multipart/form-data, one part named `file` per file.",
           "Wyślij pliki jako multipart/form-data, po jednej części o nazwie `file` na plik.",
           "Sende die Dateien als multipart/form-data, je Datei ein Teil namens `file`."),
    ),
    "invalid_multipart": (
        _t("The multipart body could not be parsed.", "Nie udało się odczytać treści multipart.",
           "Der Multipart-Inhalt konnte nicht gelesen werden."),
    ),
    "no_files": (
        _t("The request has no part named `file`.", "Żądanie nie ma części o nazwie `file`.",
           "Die Anfrage hat keinen Teil namens `file`."),
    ),
    "too_many_files": (
        _t("Send at most {limit} files at once.", "Wyślij naraz najwyżej {limit} plików.",
           "Sende höchstens {limit} Dateien auf einmal."),
    ),
    "folder_not_found": (
        _t("No indexed folder with id {id}.", "Nie ma zindeksowanego folderu o identyfikatorze {id}.",
           "Es gibt keinen indizierten Ordner mit der ID {id}."),
        _t("There is no folder {path} in the workspace.", "W obszarze roboczym nie ma folderu {path}.",
           "Im Arbeitsbereich gibt es keinen Ordner {path}."),
    ),
    "folder_outside_workspace": (
        _t("{path} is outside the workspace ({root}); only folders inside it can be indexed.",
           "{path} leży poza obszarem roboczym ({root}); indeksować można tylko foldery w nim.",
           "{path} liegt außerhalb des Arbeitsbereichs ({root}); nur Ordner darin können indiziert werden."),
    ),
    "folder_exists": (
        _t("The folder {path} is indexed already (id {id}).", "Folder {path} jest już zindeksowany (id {id}).",
           "Der Ordner {path} ist bereits indiziert (ID {id})."),
    ),
    "not_a_folder": (
        _t("{path} is a file, not a folder; upload files instead.",
           "{path} to plik, a nie folder; wyślij go jako plik.",
           "{path} ist eine Datei, kein Ordner; lade Dateien stattdessen hoch."),
    ),
    "invalid_folder_path": (
        _t("Give the folder's path inside the workspace, on one line.",
           "Podaj ścieżkę folderu w obszarze roboczym, w jednej linii.",
           "Gib den Pfad des Ordners im Arbeitsbereich an, in einer Zeile."),
        _t("{path} is a symlink loop.", "{path} to pętla dowiązań symbolicznych.",
           "{path} ist eine Schleife symbolischer Links."),
    ),
    "memory_unavailable": (
        _t("Memory is not configured: documents cannot be indexed.",
           "Pamięć nie jest skonfigurowana: nie można indeksować dokumentów.",
           "Das Gedächtnis ist nicht eingerichtet: Dokumente können nicht indiziert werden."),
    ),
    "rate_limit_exceeded": (
        _t("Too many requests. Try again in {seconds} s.", "Zbyt wiele żądań. Spróbuj ponownie za {seconds} s.",
           "Zu viele Anfragen. Versuche es in {seconds} s erneut."),
    ),
    "aborted": (
        _t("The task was stopped by the user.", "Zadanie zostało zatrzymane przez użytkownika.",
           "Die Aufgabe wurde vom Benutzer gestoppt."),
    ),
    "purged": (
        _t("The task was removed from the queue by a purge.", "Zadanie zostało usunięte z kolejki przez czyszczenie.",
           "Die Aufgabe wurde beim Leeren der Warteschlange entfernt."),
    ),
    "emergency_stop": (
        _t("The task was cancelled by an emergency stop.", "Zadanie zostało anulowane przez zatrzymanie awaryjne.",
           "Die Aufgabe wurde durch einen Notstopp abgebrochen."),
    ),
    "too_many_streams": (
        _t("This client already has {limit} open event streams, the limit. Close one and retry.",
           "Ten klient ma już otwartych {limit} strumieni zdarzeń, czyli limit. Zamknij jeden i spróbuj ponownie.",
           "Dieser Client hat bereits {limit} offene Ereignisströme, die Grenze. Schließe einen und versuche es "
           "erneut."),
    ),
    "storage_unavailable": (
        _t("The task was not run: Venom could not save it when it was submitted.",
           "Zadanie nie zostało wykonane: Venom nie mógł go zapisać przy przyjęciu.",
           "Die Aufgabe wurde nicht ausgeführt: Venom konnte sie beim Annehmen nicht speichern."),
    ),
    "task_timeout": (
        _t("The task made no progress for too long and was stopped by the watchdog.",
           "Zadanie zbyt długo nie robiło postępów i zostało zatrzymane przez strażnika.",
           "Die Aufgabe kam zu lange nicht voran und wurde vom Watchdog gestoppt."),
    ),
    "autonomy_denied": (
        _t("{actor} needs permission for '{permission}', which requires autonomy level {need} ({need_name}); "
           "the current level is {level} ({level_name}). An admin can raise it in the Config screen or with "
           "POST /api/v1/system/autonomy.",
           "{actor} potrzebuje uprawnienia '{permission}', które wymaga poziomu autonomii {need} ({need_name}); "
           "obecny poziom to {level} ({level_name}). Administrator może go podnieść na ekranie Konfiguracja lub "
           "przez POST /api/v1/system/autonomy.",
           "{actor} braucht die Berechtigung '{permission}', die Autonomiestufe {need} ({need_name}) erfordert; "
           "die aktuelle Stufe ist {level} ({level_name}). Ein Admin kann sie im Bildschirm Konfiguration oder mit "
           "POST /api/v1/system/autonomy anheben."),
    ),
    "workspace_missing": (
        _t("The workspace folder {path} does not exist.", "Folder obszaru roboczego {path} nie istnieje.",
           "Der Arbeitsbereichsordner {path} existiert nicht."),
    ),
    "file_not_found": (
        _t("There is no '{name}' in the workspace.", "W obszarze roboczym nie ma '{name}'.",
           "Im Arbeitsbereich gibt es kein '{name}'."),
    ),
    "path_outside_workspace": (
        _t("The path '{path}' leads outside the workspace ({root}); Venom only reads and writes files inside the "
           "workspace.",
           "Ścieżka '{path}' prowadzi poza obszar roboczy ({root}); Venom czyta i zapisuje pliki tylko w obszarze "
           "roboczym.",
           "Der Pfad '{path}' führt aus dem Arbeitsbereich ({root}) hinaus; Venom liest und schreibt Dateien nur "
           "im Arbeitsbereich."),
    ),
    "not_a_git_repository": (
        _t("The workspace ({path}) is not a git repository.", "Obszar roboczy ({path}) nie jest repozytorium git.",
           "Der Arbeitsbereich ({path}) ist kein Git-Repository."),
    ),
    "tool_unavailable": (
        _t("The git program is not installed on this machine.", "Program git nie jest zainstalowany na tym komputerze.",
           "Das Programm git ist auf diesem Rechner nicht installiert."),
    ),
    "nothing_to_review": (
        _t("Give me a file name from the workspace or paste the code.",
           "Podaj nazwę pliku z obszaru roboczego albo wklej kod.",
           "Nenne mir einen Dateinamen aus dem Arbeitsbereich oder füge den Code ein."),
    ),
}


def localise(code: str, message: str, lang: Language | None) -> str:
    """`message` (an English sentence raised with `code`) in `lang`, or as it is when there is no
    translation for it."""
    if lang is None or lang == "en":
        return message
    for text in TEXTS.get(code, ()):
        match = text.pattern.fullmatch(message)
        if match:
            template: str = text.pl if lang == "pl" else text.de
            return template.format_map(match.groupdict())
    return message
