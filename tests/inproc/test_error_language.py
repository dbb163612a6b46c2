"""Error sentences in the client's language (pl, de) and a task's errors in the task's language.

The code and the details of an error never change with the language; only the sentence does, and
only where there is a translation for it."""

from __future__ import annotations

import re

import httpx
import pytest

from venom_core.core.error_texts import TEXTS, localise
from venom_core.core.task_runner import CANCEL_ERRORS
from venom_core.documents.errors import DocumentError
from venom_core.documents.formats import check_name, kind_of
from venom_core.orchestrator.autonomy import AutonomyDenied

SLOT = re.compile(r"\{(\w+)\}")


def test_every_translation_keeps_the_english_slots() -> None:
    for code, texts in TEXTS.items():
        for text in texts:
            slots = set(SLOT.findall(text.en))
            assert set(SLOT.findall(text.pl)) == slots == set(SLOT.findall(text.de)), (code, text.en)
            assert text.pl != text.en and text.de != text.en, (code, text.en)


def _raised(call: object, *args: object) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        call(*args)  # type: ignore[operator]
    return info.value


@pytest.mark.parametrize("error", [
    _raised(check_name, "a/b.txt"),
    _raised(check_name, "two\nlines.txt"),
    _raised(check_name, ""),
    _raised(kind_of, "setup.exe"),
], ids=lambda e: e.code)
def test_sentences_the_code_raises_match_their_templates(error: DocumentError) -> None:
    # The templates follow the English the code produces: a changed sentence fails here.
    for lang in ("pl", "de"):
        assert localise(error.code, error.message, lang) != error.message, (lang, error.message)


def test_refusals_and_cancellations_are_translated() -> None:
    denied = AutonomyDenied("network", 0, "Researcher")
    polish = localise(denied.code, denied.message, "pl")
    assert polish.startswith("Researcher potrzebuje uprawnienia 'network'") and "poziomu autonomii 10" in polish
    for error in CANCEL_ERRORS.values():
        assert localise(error.code, error.message, "de") != error.message, error.code


def test_unknown_sentences_and_english_stay_as_they_are() -> None:
    assert localise("task_not_found", "Something else entirely.", "pl") == "Something else entirely."
    assert localise("no_such_code", "There is no task with id x.", "de") == "There is no task with id x."
    assert localise("task_not_found", "There is no task with id x.", "en") == "There is no task with id x."
    assert localise("task_not_found", "There is no task with id x.", None) == "There is no task with id x."


@pytest.mark.parametrize(("header", "expected"), [
    ("pl", "Nie ma zadania o identyfikatorze nope."),
    ("de-DE,de;q=0.9,en;q=0.5", "Es gibt keine Aufgabe mit der ID nope."),
    ("fr, en;q=0.5", "There is no task with id nope."),
    (None, "There is no task with id nope."),
])
def test_the_api_answers_in_the_language_the_client_asks_for(client: httpx.Client, header: str | None,
                                                            expected: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    r = client.get("/api/v1/tasks/nope", headers=headers)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "task_not_found" and r.json()["error"]["message"] == expected


def test_framework_errors_are_translated_too(client: httpx.Client) -> None:
    bad_json = client.post("/api/v1/tasks", content=b"{nope", headers={"Accept-Language": "de",
                                                                        "Content-Type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "invalid_json"
    assert bad_json.json()["error"]["message"] == "Der Anfragetext ist kein gültiges JSON (UTF-8)."
    invalid = client.post("/api/v1/tasks", json={}, headers={"Accept-Language": "pl"})
    assert invalid.status_code == 422 and invalid.json()["error"]["message"].startswith("Żądanie jest nieprawidłowe: ")
    assert invalid.json()["error"]["details"][0]["loc"] == ["body", "content"]  # details stay as they are
    missing = client.get("/api/v1/no-such-route", headers={"Accept-Language": "de"})
    assert missing.json()["error"]["message"] == "Diesen API-Endpunkt gibt es nicht."


def test_a_tasks_error_is_written_in_the_tasks_language(client: httpx.Client) -> None:
    client.post("/api/v1/queue/pause")
    polish = client.post("/api/v1/tasks", json={"content": "help", "preferred_language": "pl"}).json()["task_id"]
    plain = client.post("/api/v1/tasks", json={"content": "help"}).json()["task_id"]
    client.post("/api/v1/queue/purge")
    client.post("/api/v1/queue/resume")
    error = client.get(f"/api/v1/tasks/{polish}").json()["error"]
    assert (error["code"], error["message"], error["stage"]) == (
        "purged", "Zadanie zostało usunięte z kolejki przez czyszczenie.", "cancelled")
    assert client.get(f"/api/v1/tasks/{plain}").json()["error"]["message"] == CANCEL_ERRORS["purged"].message
