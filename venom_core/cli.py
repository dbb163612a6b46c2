"""`venom`: the terminal client of the Venom API (ask, tasks, status, logs, abort, docs, mcp).

It talks only HTTP/SSE to a running server, never imports the server's internals, so it works
against any deployment. The token comes from VENOM_API_TOKEN and the address from VENOM_API_URL
(default http://127.0.0.1:8000). Task ids may be given in full or as the short id the UI and
`venom tasks` show (any unique prefix, with or without the leading "#"). Exit codes: 0 done,
1 the task or the API reported an error, 2 the API could not be reached or the usage was wrong
(an ambiguous short id too), 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import json
import os
import select
import sys
from typing import Any, NoReturn
from urllib.parse import quote

import click

from venom_core.cli_api import Api, fail
from venom_core.cli_approvals import Mode
from venom_core.cli_chat import chat
from venom_core.cli_docs import docs
from venom_core.cli_format import TASK_HEADERS, pairs, short_id, status_rows, table, task_rows
from venom_core.cli_schedule import schedule
from venom_core.cli_stream import Spinner, abort_on_server, ending, follow, print_sources

DEFAULT_URL = "http://127.0.0.1:8000"
INTERRUPTED = 130  # the shell's code for a command stopped by SIGINT
PREFIX_PAGE = 500  # the tasks list's largest page


def resolve_task(api: Api, given: str) -> str:
    """The full id of the task `given` names: its full id, or a unique prefix of it ("#3f2a9c1b")."""
    wanted = given.strip().lstrip("#").strip()
    if not wanted:
        fail(f"'{given}' is not a task id; `venom tasks` lists them.", code=2)
    if api.find(f"/api/v1/tasks/{quote(wanted, safe='')}") is not None:
        return wanted
    matches: list[str] = []
    items, following = api.page("/api/v1/tasks", params={"limit": PREFIX_PAGE})
    while True:  # newest first, so a recent task is found on the first page
        matches += [str(t["task_id"]) for t in items if str(t["task_id"]).lower().startswith(wanted.lower())]
        if following is None or len(matches) > 1:
            break
        items, following = api.page(following)
    if not matches:
        fail(f"[task_not_found] No task has the id, or an id starting with, '{wanted}'. "
             "`venom tasks` lists the recent ones.")
    if len(matches) > 1:
        shown = ", ".join(matches[:5])
        fail(f"[ambiguous_task_id] '{wanted}' is the start of more than one task id ({shown}); "
             "give more characters.", code=2)
    return matches[0]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", envvar="VENOM_API_URL", default=DEFAULT_URL, show_default=True,
              help="Base URL of the Venom API (env VENOM_API_URL).")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for each API call.")
@click.pass_context
def cli(ctx: click.Context, url: str, timeout: float) -> None:
    """Venom in the terminal. The token, if the server needs one, is read from VENOM_API_TOKEN."""
    ctx.obj = Api(url, os.environ.get("VENOM_API_TOKEN") or None, timeout)


@cli.command()
@click.argument("prompt", nargs=-1, required=True)
@click.option("--session", "session_id", help="Session id, to keep a conversation together.")
@click.option("--intent", "forced_intent", help="Force an intent, e.g. HELP_REQUEST.")
@click.option("--tool", "forced_tool", help="Force a tool: an agent alias (time) or a tool id (builtin:time_now).")
@click.option("--spinner/--no-spinner", default=None, help="Show a spinner (default: when stderr is a terminal).")
@click.option("--detach", is_flag=True, help="On Ctrl-C, leave the task running on the server (default: abort it).")
@click.option("--approvals", type=click.Choice(["ask", "approve", "deny"]), default="ask", show_default=True,
              help="Tool calls that wait for an approval: ask at the terminal, or approve / deny them all.")
@click.option("--doc", "document_ids", multiple=True, help="Answer from this document only (its id; repeatable).")
@click.pass_obj
def ask(api: Api, prompt: tuple[str, ...], session_id: str | None, forced_intent: str | None,
        forced_tool: str | None, spinner: bool | None, detach: bool, approvals: Mode,
        document_ids: tuple[str, ...]) -> None:
    """Submit PROMPT as a task and stream the answer as it is generated.

    Ctrl-C stops the task on the server too (in a terminal, after a confirm; a second Ctrl-C
    confirms), unless --detach is given: then the task keeps running and `venom logs --follow`
    shows it."""
    body: dict[str, Any] = {"content": " ".join(prompt)}
    for key, value in (("session_id", session_id), ("forced_intent", forced_intent), ("forced_tool", forced_tool)):
        if value:
            body[key] = value
    if document_ids:
        body["document_ids"] = list(document_ids)
    created = api.request("POST", "/api/v1/tasks", json=body)
    try:
        followed = follow(api, created, Spinner(sys.stderr.isatty() if spinner is None else spinner), approvals)
    except KeyboardInterrupt:
        interrupted(api, str(created["task_id"]), detach)
    problem = ending(followed, str(created["task_id"]))
    if problem:
        fail(problem)
    print_sources(followed.final)


def confirm_abort(short: str) -> bool:
    """Ask whether to abort; Enter, `y`, a second Ctrl-C or the end of input mean yes.

    The answer is awaited with `select` in short steps rather than a blocking `input()`: a Ctrl-C
    that lands between the prompt and the start of a blocking read would only be noticed after
    Enter, so the second Ctrl-C would seem to do nothing."""
    try:
        click.echo(f"Abort task {short} on the server? [Y/n]: ", nl=False, err=True)
        while not select.select([sys.stdin], [], [], 0.2)[0]:
            pass
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        click.echo(err=True)
        return True
    return answer.strip().lower() not in ("n", "no")


def interrupted(api: Api, task_id: str, detach: bool) -> NoReturn:
    """Ctrl-C during `ask`: abort the task on the server, or leave it running when asked to."""
    short = short_id(task_id)
    if not detach and sys.stdin.isatty():
        detach = not confirm_abort(short)
    if detach:
        fail(f"left task {short} running on the server. Follow it with `venom logs --follow {short}`, "
             f"stop it with `venom abort {short}`.", code=INTERRUPTED)
    fail(abort_on_server(api, task_id), code=INTERRUPTED)


@cli.command()
@click.option("--status", "status_filter", help="Only tasks in this status (PENDING, COMPLETED, ...).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="Print the raw JSON.")
@click.pass_obj
def tasks(api: Api, status_filter: str | None, limit: int, as_json: bool) -> None:
    """List recent tasks, newest first."""
    params: dict[str, Any] = {"limit": limit}
    if status_filter:
        params["status"] = status_filter.upper()
    items, _ = api.page("/api/v1/tasks", params=params)
    if as_json:
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("No tasks.")
        return
    click.echo(table(TASK_HEADERS, task_rows(items)))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the raw JSON.")
@click.pass_obj
def status(api: Api, as_json: bool) -> None:
    """Show the server's readiness, queue and LLM runtime."""
    st = api.request("GET", "/api/v1/system/status")
    if as_json:
        click.echo(json.dumps(st, indent=2, ensure_ascii=False))
        return
    click.echo(f"Venom at {api.url}: {st.get('status', '?')}")
    click.echo(pairs(status_rows(st)))


@cli.command()
@click.argument("task_id")
@click.option("--follow", "-f", is_flag=True, help="Keep streaming new log lines until the task finishes.")
@click.pass_obj
def logs(api: Api, task_id: str, follow: bool) -> None:
    """Print the log lines of TASK_ID (the full id or its short form, e.g. 3f2a9c1b)."""
    task_id = resolve_task(api, task_id)
    if not follow:
        task = api.request("GET", f"/api/v1/tasks/{task_id}")
        for line in task.get("logs", []):
            click.echo(line)
        click.echo(f"-- {task['status']}", err=True)
        return
    for name, data in api.events(f"/api/v1/tasks/{task_id}/stream"):
        if name == "task_missing":
            fail(f"there is no task with id {task_id}")
        for line in data.get("logs", []) if name == "task_update" else []:
            click.echo(line)
        if name == "task_finished":
            click.echo(f"-- {data.get('status')}", err=True)


@cli.command()
@click.argument("task_id")
@click.pass_obj
def abort(api: Api, task_id: str) -> None:
    """Stop TASK_ID on the server (the full id or its short form)."""
    task_id = resolve_task(api, task_id)
    task = api.request("POST", f"/api/v1/tasks/{task_id}/abort")
    click.echo(f"Task {short_id(task_id)}: {task.get('status')}")


cli.add_command(chat)
cli.add_command(docs)
cli.add_command(schedule)


@cli.command("mcp")
@click.pass_obj
def mcp_server(api: Api) -> None:
    """Serve Venom's MCP tools on stdio (for a desktop assistant or an editor), calling this API.

    Tools: submit_task, get_task, search_memory, list_recent_tasks. stdout is the protocol; logs
    go to stderr."""
    from venom_core.mcp_server.stdio import run  # the SDK loads only for this command

    run(api.url, api.token, float(api.http.timeout.read or 30.0))


@cli.command("worker")
def worker_command() -> None:
    """Run tasks from the shared queue (VENOM_QUEUE=postgres), as its own process, until stopped.

    Reads the same settings as the server (environment, .env); no HTTP server is started."""
    from venom_core import worker  # the services load only for this command

    sys.exit(worker.main())


def main() -> None:
    """Console-script entry point (`venom = "venom_core.cli:main"`)."""
    cli(prog_name="venom")


if __name__ == "__main__":
    main()
