"""The help and static fast paths answer in the request's language (en, pl, de), as the original's
perf tests expect for a Polish help request. These answers are Venom's own text, not a model's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.compat.compat_live import live, run_task

# The stems the original's `test_fast_path_execution` accepts in the lower-cased help answer.
POLISH_STEMS = ("pomoc", "pomog", "umiejetn", "umiejętn", "mozliw", "możliw", "potraf", "mogę", "moge")
PL_WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")
DE_WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    root: Path = tmp_path_factory.mktemp("compat-help")
    with live(root, VENOM_MEMORY_ENABLED="false") as (_, client):
        yield client


def help_answer(client: httpx.Client, content: str, headers: dict[str, str] | None = None, **extra: str) -> str:
    done = run_task(client, headers=headers, content=content, store_knowledge=False,
                    forced_intent="HELP_REQUEST", **extra)
    assert done["status"] == "COMPLETED"
    assert isinstance(done["result"], str)
    return str(done["result"])


def test_polish_help_request_as_the_perf_test_sends_it(api: httpx.Client) -> None:
    # test_fast_path_e2e: content "Pomoc", forced HELP_REQUEST, no preferred_language.
    text = help_answer(api, "Pomoc").lower()
    assert any(stem in text for stem in POLISH_STEMS), text[:300]
    assert "slash commands" not in text


def test_german_help_request(api: httpx.Client) -> None:
    text = help_answer(api, "Hilfe, was kannst du?")
    assert "Agenten" in text and "Beispiele" in text, text[:300]
    assert not any(stem in text.lower() for stem in ("pomog", "mogę"))


def test_english_help_request(api: httpx.Client) -> None:
    text = help_answer(api, "help")
    assert "Slash commands" in text and "Agents" in text


def test_the_explicit_language_wins_over_the_text(api: httpx.Client) -> None:
    text = help_answer(api, "Hilfe", preferred_language="pl")
    assert any(stem in text.lower() for stem in POLISH_STEMS)


def test_accept_language_decides_when_the_text_says_nothing(api: httpx.Client) -> None:
    text = help_answer(api, "Smoke latency test 42", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert "Agenten" in text
    plain = help_answer(api, "Smoke latency test 42")
    assert "Agents" in plain, "English without any hint"


def test_unforced_help_phrases_are_answered_in_their_language(api: httpx.Client) -> None:
    for content, marker in (("pomoc", "Agenci"), ("hilfe", "Agenten"), ("what can you do", "Agents")):
        done = run_task(api, content=content, store_knowledge=False)
        assert done["status"] == "COMPLETED" and marker in done["result"], (content, done["result"][:200])


def test_time_answer_in_polish_and_german(api: httpx.Client) -> None:
    pl = run_task(api, content="która godzina", store_knowledge=False)["result"]
    assert any(day in pl for day in PL_WEEKDAYS), pl
    de = run_task(api, content="wie spät ist es", store_knowledge=False)["result"]
    assert any(day in de for day in DE_WEEKDAYS), de
