"""`venom schedule`: automations on a cron timetable (the `/api/v1/schedules` routes).

Schedule ids may be given in full or as the short form `venom schedule ls` shows.
"""

from __future__ import annotations

import json

import click

from venom_core.cli_api import Api, resolve_prefix
from venom_core.cli_format import one_line, table, when

HEADERS = ("ID", "NAME", "CRON", "ZONE", "ON", "NEXT RUN", "LAST RUN", "PROMPT")


def resolve_schedule(api: Api, given: str) -> str:
    ids = [str(s["id"]) for s in api.request("GET", "/api/v1/schedules")]
    return resolve_prefix(given, ids, "schedule", 32)


@click.group()
def schedule() -> None:
    """Automations: prompts run as tasks on a cron timetable (add, ls, run, runs, rm)."""


@schedule.command("add")
@click.argument("cron")
@click.argument("prompt", nargs=-1, required=True)
@click.option("--tz", "timezone", default="UTC", show_default=True, help="IANA time zone, e.g. Europe/Warsaw.")
@click.option("--name", default="", help="A name to tell it apart.")
@click.option("--session", "session_id", default=None, help="Runs continue this conversation.")
@click.option("--catch-up", type=click.Choice(["once", "skip"]), default="once", show_default=True,
              help="Runs missed while Venom was down: run the newest once, or skip them.")
@click.option("--disabled", is_flag=True, help="Save it switched off.")
@click.pass_obj
def add(api: Api, cron: str, prompt: tuple[str, ...], timezone: str, name: str, session_id: str | None,
        catch_up: str, disabled: bool) -> None:
    """Run PROMPT on the CRON timetable, e.g. `venom schedule add "0 9 * * 1-5" summarise my inbox`."""
    body = {"cron": cron, "content": " ".join(prompt), "timezone": timezone, "name": name,
            "session_id": session_id, "catch_up": catch_up, "enabled": not disabled}
    s = api.request("POST", "/api/v1/schedules", json=body)
    nxt = f", next run {s['next_runs'][0]}" if s["next_runs"] else " (disabled)"
    click.echo(f"{s['id'][:8]}  {s['cron']} {s['timezone']}{nxt}")


@schedule.command("ls")
@click.option("--json", "as_json", is_flag=True, help="Print the raw JSON.")
@click.pass_obj
def ls(api: Api, as_json: bool) -> None:
    """List schedules with their next and last run."""
    listed = api.request("GET", "/api/v1/schedules")
    if as_json:
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    if not listed:
        click.echo('No schedules. Add one with `venom schedule add "0 9 * * *" PROMPT`.')
        return
    rows = [[s["id"][:8], one_line(s["name"] or "-", 20), s["cron"], s["timezone"], "yes" if s["enabled"] else "no",
             when(s["next_run_at"]), f"{when(s['last_run']['fired_at'])} {s['last_run']['status']}"
             if s["last_run"] else "-", one_line(s["content"], 40)] for s in listed]
    click.echo(table(HEADERS, rows))


@schedule.command("run")
@click.argument("schedule_id")
@click.pass_obj
def run(api: Api, schedule_id: str) -> None:
    """Run a schedule now, outside its timetable; prints the task id."""
    found = api.request("POST", f"/api/v1/schedules/{resolve_schedule(api, schedule_id)}/run")
    click.echo(f"{found['status']}: task {found['task_id'] or '-'}{' ' + found['error'] if found['error'] else ''}")


@schedule.command("runs")
@click.argument("schedule_id")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.pass_obj
def runs(api: Api, schedule_id: str, limit: int) -> None:
    """The history of a schedule's runs, newest first."""
    sid = resolve_schedule(api, schedule_id)
    listed = api.request("GET", f"/api/v1/schedules/{sid}/runs", params={"limit": limit})["runs"]
    rows = [[when(r["fired_at"]), when(r["due_at"]), r["trigger"], r["status"], r["task_id"] or "-",
             one_line(r["error"] or "", 40)] for r in listed]
    click.echo(table(("FIRED", "DUE", "TRIGGER", "STATUS", "TASK", "ERROR"), rows) if rows else "No runs yet.")


@schedule.command("rm")
@click.argument("schedule_ids", nargs=-1, required=True)
@click.pass_obj
def rm(api: Api, schedule_ids: tuple[str, ...]) -> None:
    """Remove schedules and their run history (the tasks they ran stay)."""
    for given in schedule_ids:
        sid = resolve_schedule(api, given)
        api.request("DELETE", f"/api/v1/schedules/{sid}")
        click.echo(f"removed {sid[:8]}")
