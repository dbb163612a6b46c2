"""An agent's answer is the model's summary followed by what a tool returned. The summary is free
model text and may open a code fence it never closes; the tool's part must still render as its own
block, whole, when the answer is parsed as CommonMark (as the UI parses it)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from markdown_it import MarkdownIt

from tests.inproc.conftest import AppFactory, run_task
from tests.inproc.fake_provider import FakeProvider
from venom_core.agents.markdown import fence_closer
from venom_core.runtimes.base import ChatMessage, GenerationParams

FILE_TEXT = 'def greet(name: str) -> str:\n    """Say hello."""\n    return f"hello {name}"\n'


@pytest.mark.parametrize(("text", "closer"), [
    ("plain words", ""),
    ("```python\nx = 1\n```\n", ""),
    ("see:\n```python\nx = 1", "\n```"),
    ("````\nA ``` line inside\n", "\n````"),
    ("~~~\ncode", "\n~~~"),
    ("``` not `a` fence\n", ""),  # a backtick in a backtick fence's info string: not a fence
    ("```\nclosed by a longer run\n`````\n", ""),
    ("```\n``` with text does not close\n", "\n```"),
])
def test_fence_closer(text: str, closer: str) -> None:
    assert fence_closer(text) == closer
    assert fence_closer(text + closer) == ""


def fences(markdown: str) -> list[str]:
    return [t.content for t in MarkdownIt("commonmark").parse(markdown) if t.type == "fence"]


async def test_a_summary_with_an_open_fence_leaves_the_file_block_whole(
        make_client: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = FakeProvider._answer

    def summary_with_open_fence(self: FakeProvider, messages: list[ChatMessage], params: GenerationParams) -> str:
        answer(self, messages, params)
        return "It defines greet:\n```python\nfrom greet import greet" if params.json_schema is None \
            else answer(self, messages, params)

    monkeypatch.setattr(FakeProvider, "_answer", summary_with_open_fence)
    client: httpx.AsyncClient = await make_client()
    workspace = tmp_path / "app0" / "workspace"
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / "greet.py").write_text(FILE_TEXT, encoding="utf-8")
    task = await run_task(client, {"content": "/file read greet.py"})
    blocks = fences(task["result"])
    assert blocks[0] == "from greet import greet\n"  # the model's block, closed where its text ends
    assert blocks[-1] == FILE_TEXT  # the file, whole, in its own block
