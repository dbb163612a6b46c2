"""`venom ask` answers a task's tool approvals: when the stream says a call waits for one, the CLI
reads the task's pending requests and asks the person at the terminal (or applies `--approvals`)."""

from __future__ import annotations

import json
from typing import Literal

import click

from venom_core.cli_api import Api

Mode = Literal["ask", "approve", "deny"]
WAITING = "waits for an approval"  # the APPROVAL_REQUESTED event's log line
CHOICES = {"y": ("approve", False), "n": ("deny", False), "always": ("approve", True), "never": ("deny", True)}


def needs_answer(logs: list[str]) -> bool:
    return any(WAITING in line for line in logs)


def answer_pending(api: Api, task_id: str, seen: set[str], mode: Mode) -> None:
    """Decide every pending request of the task not seen yet."""
    body = api.request("GET", f"/api/v1/tasks/{task_id}/approvals")
    for req in body.get("approvals") or []:
        call_id = str(req["call_id"])
        if call_id in seen:
            continue
        seen.add(call_id)
        args = json.dumps(req.get("arguments"), ensure_ascii=False)[:500]
        if mode == "ask":
            try:
                choice = click.prompt(f"\nAllow the tool {req['function_name']} ({req['tool_id']}) with {args}? "
                                      "y = once, always = remember, n = deny, never = always deny",
                                      type=click.Choice(list(CHOICES)), default="n", err=True)
            except click.Abort:  # no terminal input (end of input): the safe answer
                choice = "n"
            decision, remember = CHOICES[choice]
        else:
            decision, remember = mode, False
            click.echo(f"\n{decision} {req['function_name']} {args} (--approvals {mode})", err=True)
        api.request("POST", f"/api/v1/tasks/{task_id}/approvals/{call_id}",
                    json={"decision": decision, "remember": remember})
