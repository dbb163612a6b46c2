"""Routing tables: en/pl/de lexicon, slash commands and forced fields (the pure, local classifier).

These are unit tests of `venom_core.orchestrator.routing.classify`, which does no I/O; the
end-to-end tests check that the orchestrator really routes through it.
"""

from __future__ import annotations

import pytest

from venom_core.core.intents import TOOL_ALIASES
from venom_core.orchestrator.routing import classify, parse_slash

LEXICON: list[tuple[str, str, str]] = [
    # (message, expected intent, expected language)
    ("show me the last commits", "VERSION_CONTROL", "en"),
    ("which branches exist in the repo?", "VERSION_CONTROL", "en"),
    ("pokaż ostatnie commity", "VERSION_CONTROL", "pl"),
    ("jakie są gałęzie w repozytorium?", "VERSION_CONTROL", "pl"),
    ("Zeige mir die letzten Commits", "VERSION_CONTROL", "de"),
    ("Welche Zweige gibt es?", "VERSION_CONTROL", "de"),
    ("list the files in the workspace", "FILE_OPERATION", "en"),
    ("read notes.txt", "FILE_OPERATION", "en"),
    ("pokaż pliki w katalogu docs", "FILE_OPERATION", "pl"),
    ("przeczytaj plik notes.txt", "FILE_OPERATION", "pl"),
    ("Zeige mir alle Dateien", "FILE_OPERATION", "de"),
    ("write a python function that adds two numbers", "CODE_GENERATION", "en"),
    ("write hello.py that prints hello", "CODE_GENERATION", "en"),
    ("napisz funkcję w pythonie, która dodaje liczby", "CODE_GENERATION", "pl"),
    ("Schreib mir eine Python Funktion", "CODE_GENERATION", "de"),
    ("search the web for llama.cpp news", "RESEARCH", "en"),
    ("wyszukaj w internecie wiadomości o AI", "RESEARCH", "pl"),
    ("Suche im Internet nach Nachrichten über KI", "RESEARCH", "de"),
    ("make a plan for migrating our API", "COMPLEX_PLANNING", "en"),
    ("zaplanuj migrację bazy danych", "COMPLEX_PLANNING", "pl"),
    ("Erstelle einen Plan für die Migration", "COMPLEX_PLANNING", "de"),
    ("code review of app.py", "CODE_REVIEW", "en"),
    ("przejrzyj mój kod", "CODE_REVIEW", "pl"),
    ("project status report", "STATUS_REPORT", "en"),
    ("what time is it", "TIME_REQUEST", "en"),
    ("Która godzina?", "TIME_REQUEST", "pl"),
    ("Wie spät ist es?", "TIME_REQUEST", "de"),
    ("help", "HELP_REQUEST", "en"),
    ("co potrafisz", "HELP_REQUEST", "pl"),
    ("Hilfe", "HELP_REQUEST", "de"),
    ("system status", "INFRA_STATUS", "en"),
    ("status usług", "INFRA_STATUS", "pl"),
    ("Status der Dienste", "INFRA_STATUS", "de"),
]


@pytest.mark.parametrize(("message", "intent", "language"), LEXICON)
def test_lexicon_routes_each_language(message: str, intent: str, language: str) -> None:
    route = classify(message)
    assert route.intent == intent, route.debug()
    assert not route.ambiguous
    if route.source == "lexicon":
        assert route.language == language


@pytest.mark.parametrize("message", ["KTÓRA GODZINA", "ktora godzina", "która  godzina?!"])
def test_diacritics_and_case_do_not_matter(message: str) -> None:
    assert classify(message).intent == "TIME_REQUEST"


PLAIN_CHAT = [
    "Hello, how are you?", "What is the capital of France?", "Tell me a joke about cats",
    "Cześć, jak się masz?", "Opowiedz mi o historii Krakowa", "Wie geht es dir heute?",
    "Erkläre mir Photosynthese", "I like python", "Why is the sky blue?", "@john hi there",
    "What does HTTP stand for?", "Name a planet in our solar system.", "Give me one tip for writing clean code.",
]


@pytest.mark.parametrize("message", PLAIN_CHAT)
def test_plain_chat_never_needs_the_classifier(message: str) -> None:
    """A plain chat message is decided locally: GENERAL_CHAT, not ambiguous, no candidates."""
    route = classify(message)
    assert route.intent == "GENERAL_CHAT"
    assert route.ambiguous is False
    assert route.candidates == ()


def test_weak_keyword_stays_chat_but_is_traced() -> None:
    route = classify("Tell me about files")
    assert route.intent == "GENERAL_CHAT" and not route.ambiguous
    assert route.top2[0][0] == "FILE_OPERATION"  # visible in DecisionGate/intent_debug


def test_two_strong_intents_are_ambiguous() -> None:
    route = classify("show me the last commits and list the files in the workspace")
    assert route.ambiguous
    assert set(route.candidates) == {"VERSION_CONTROL", "FILE_OPERATION"}


@pytest.mark.parametrize(("alias", "intent"), sorted(TOOL_ALIASES.items()))
def test_every_tool_slash_command(alias: str, intent: str) -> None:
    route = classify(f"/{alias} do the thing")
    assert route.intent == intent
    assert route.forced_tool == alias
    assert route.source == "slash"
    assert route.content == "do the thing"


@pytest.mark.parametrize(("command", "provider"), [("/gpt", "openai"), ("/gem", "google"), ("@gpt", "openai"),
                                                   ("@gem", "google"), ("/GPT", "openai")])
def test_provider_commands_force_a_provider(command: str, provider: str) -> None:
    route = classify(f"{command} hello there")
    assert route.forced_provider == provider
    assert route.content == "hello there"
    assert route.intent == "GENERAL_CHAT"
    assert route.forced


@pytest.mark.parametrize("command", ["/clear", "/cler", "  /clear", "/clear now"])
def test_clear_resets_the_session(command: str) -> None:
    assert classify(command).clear_session


def test_help_slash_and_unknown_slash() -> None:
    assert classify("/help").intent == "HELP_REQUEST"
    unknown = classify("/frobnicate tell me a story")
    assert unknown.content == "tell me a story" and unknown.forced_tool is None and unknown.intent == "GENERAL_CHAT"


def test_slash_is_ignored_when_the_client_forces_a_tool() -> None:
    route = classify("/web something", {"forced_tool": "git"})
    assert route.intent == "VERSION_CONTROL" and route.source == "forced_tool"
    assert route.content == "/web something"


def test_forced_intent_overrides_everything() -> None:
    assert classify("what time is it", {"forced_intent": "GENERAL_CHAT"}).intent == "GENERAL_CHAT"
    assert classify("/git log", {"forced_intent": "HELP_REQUEST"}).intent == "HELP_REQUEST"
    assert classify("hello", {"forced_tool": "file"}).intent == "FILE_OPERATION"


def test_preferred_language_wins_over_detection() -> None:
    assert classify("show me the last commits", {"preferred_language": "pl"}).language == "pl"


def test_parse_slash_keeps_non_commands() -> None:
    assert parse_slash("no command here").command is None
    assert parse_slash("@someone hi").content == "@someone hi"
    assert parse_slash("/git: status").content == "status"
