"""`venom schedule` against a real server: add, ls, run (a real task), runs, rm by short id,
and bad input (an invalid cron, an unknown id)."""

from __future__ import annotations

import subprocess

from tests.conftest import LiveServer
from tests.ops.conftest import run_cli


def venom(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(server.url, *args, timeout=120)


def test_add_ls_run_runs_rm(server: LiveServer) -> None:
    added = venom(server, "schedule", "add", "0 9 * * 1-5", "/help", "--tz", "Europe/Warsaw", "--name", "mornings")
    assert added.returncode == 0, added.stderr
    short = added.stdout.split()[0]
    assert "next run" in added.stdout and "T09:00:00" in added.stdout

    listed = venom(server, "schedule", "ls")
    assert listed.returncode == 0 and listed.stdout.splitlines()[0].split()[:3] == ["ID", "NAME", "CRON"]
    assert short in listed.stdout and "mornings" in listed.stdout

    ran = venom(server, "schedule", "run", short)
    assert ran.returncode == 0 and ran.stdout.startswith("submitted: task "), ran.stdout + ran.stderr
    task_id = ran.stdout.split()[-1]
    history = venom(server, "schedule", "runs", short)
    assert history.returncode == 0 and task_id in history.stdout and "manual" in history.stdout

    removed = venom(server, "schedule", "rm", short)
    assert removed.returncode == 0 and removed.stdout.strip() == f"removed {short}"
    assert "No schedules" in venom(server, "schedule", "ls").stdout


def test_bad_input_exits_with_a_reason(server: LiveServer) -> None:
    bad = venom(server, "schedule", "add", "61 * * * *", "hello")
    assert bad.returncode == 1 and "not a valid cron expression" in bad.stderr
    zone = venom(server, "schedule", "add", "* * * * *", "hello", "--tz", "Mars/Olympus")
    assert zone.returncode == 1 and "unknown time zone" in zone.stderr
    unknown = venom(server, "schedule", "rm", "ffffffff")
    assert unknown.returncode == 1 and "no schedule with id ffffffff" in unknown.stderr
