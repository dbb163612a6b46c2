"""`venom chat`: an interactive conversation in the terminal.

Every line is a task in one session, so the server keeps the history and each answer sees the
ones before it; the answer streams as `venom ask` streams it. Line editing and the history of
what was typed come from `readline` where the platform has it. Ctrl-C while an answer streams
stops that task on the server and returns to the prompt; Ctrl-C at the prompt clears the line;
Ctrl-D or `/exit` ends the chat. Slash commands other than the chat's own (`/new`, `/exit`) go
to Venom as they are (`/help`, `/clear`, `/git`...).
"""

from __future__ import annotations

import contextlib
import sys
import uuid

import click

from venom_core.cli_api import Api
from venom_core.cli_approvals import Mode
from venom_core.cli_format import short_id
from venom_core.cli_stream import Spinner, abort_on_server, ending, follow, print_sources

PROMPT = "you> "
EXIT = ("/exit", "/quit")


def _line_editing() -> None:
    with contextlib.suppress(ImportError):  # not on every platform; input() works without it
        import readline  # noqa: F401  (imported for its effect on input())


def read_line() -> str | None:
    """The next line typed, None at the end of input; Ctrl-C gives an empty line."""
    try:
        return input(PROMPT)
    except EOFError:
        click.echo()
        return None
    except KeyboardInterrupt:
        click.echo()
        return ""


@click.command()
@click.option("--session", "session_id", help="Continue this session (default: a new one).")
@click.option("--spinner/--no-spinner", default=None, help="Show a spinner (default: when stderr is a terminal).")
@click.option("--approvals", type=click.Choice(["ask", "approve", "deny"]), default="ask", show_default=True,
              help="Tool calls that wait for an approval: ask at the terminal, or approve / deny them all.")
@click.pass_obj
def chat(api: Api, session_id: str | None, spinner: bool | None, approvals: Mode) -> None:
    """Talk with Venom in one session; /new starts another, /exit or Ctrl-D ends."""
    if sys.stdin.isatty():
        _line_editing()
    session = session_id or f"cli-{uuid.uuid4().hex[:12]}"
    click.echo(f"session {session}: /new starts a new one, /exit or Ctrl-D ends.", err=True)
    while True:
        line = read_line()
        if line is None or line.strip() in EXIT:
            return
        text = line.strip()
        if not text:
            continue
        if text == "/new":
            session = f"cli-{uuid.uuid4().hex[:12]}"
            click.echo(f"session {session}", err=True)
            continue
        created = api.request("POST", "/api/v1/tasks", json={"content": text, "session_id": session})
        task_id = str(created["task_id"])
        try:
            followed = follow(api, created, Spinner(sys.stderr.isatty() if spinner is None else spinner), approvals)
        except KeyboardInterrupt:
            click.echo(f"(stopped) {abort_on_server(api, task_id)}", err=True)
            continue
        problem = ending(followed, task_id)
        if problem:
            click.echo(f"venom: {problem}", err=True)
        print_sources(followed.final)
        if not followed.printed and not problem:
            click.echo(f"(task {short_id(task_id)} answered with no text)", err=True)
