"""Architect (COMPLEX_PLANNING): a plan as structured output, then its steps as real sub-tasks.

The plan is constrained JSON, so even a tiny model yields a valid plan. Each step is submitted
to the queue as its own task (`parent_task_id` links it back) and the Architect follows it
through the event bus: `PLAN_STEP_STARTED` when it is submitted, `PLAN_STEP_COMPLETED` with its
final status. It also drafts roadmap milestones for the Strategy screen.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from venom_core.agents.base import LINE, AgentRun, Llm
from venom_core.agents.spec import STRONG, WEAK, AgentDeps, AgentSpec, Register
from venom_core.core.fanout import InProcessBus
from venom_core.core.models import TERMINAL_EVENTS, Event, EventType, Task
from venom_core.core.task_service import TaskService
from venom_core.runtimes.base import ChatMessage

# Small schemas on purpose: every field costs grammar-constrained tokens on a small local model.
_STEPS = {"type": "array", "items": LINE, "minItems": 2, "maxItems": 3}
PLAN_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"steps": _STEPS}, "required": ["steps"]}
ROADMAP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "milestones": {"type": "array", "minItems": 2, "maxItems": 3, "items": {
            "type": "object",
            "properties": {"title": LINE,
                           "tasks": {"type": "array", "items": LINE, "minItems": 1, "maxItems": 2}},
            "required": ["title", "tasks"]}},
    },
    "required": ["milestones"],
}


async def draft_roadmap(llm: Llm, vision: str) -> list[dict[str, Any]]:
    """Milestones with tasks for a vision (`POST /api/v1/roadmap/create`)."""
    out = await llm.json(None, [
        ChatMessage("system", "You are Venom's Architect. Break the vision into 2-3 milestones, each with 1-2 "
                              "concrete tasks. Titles are short (3-6 words). Return JSON like "
                              '{"milestones": [{"title": "Prototype", "tasks": ["Set up the repository"]}]}.'),
        ChatMessage("user", f"Vision: {vision}"),
    ], ROADMAP_SCHEMA, timeout=180, max_tokens=300)
    milestones = out.get("milestones") or []
    return [{"title": _title(m.get("title"), f"Milestone {i + 1}"), "description": "",
             "tasks": [{"title": _title(t, "Task")} for t in m.get("tasks") or []]}
            for i, m in enumerate(milestones)]


def _title(value: Any, default: str) -> str:
    text = " ".join(str(value or "").split())[:300]
    return text or default


class ArchitectAgent:
    name: ClassVar[str] = "Architect"
    tool: ClassVar[str | None] = None

    def __init__(self, llm: Llm, tasks: TaskService, bus: InProcessBus, run_steps: bool, step_timeout: float):
        self.llm = llm
        self.tasks = tasks  # the steps are submitted as sub-tasks of the same queue
        self.bus = bus
        self.run_steps = run_steps
        self.step_timeout = step_timeout

    async def run(self, run: AgentRun) -> str:
        plan = await self.llm.json(run, [
            ChatMessage("system", "You are Venom's Architect. Plan the user's goal as 2-3 short, concrete steps "
                                  "(one short sentence each). Return JSON like "
                                  '{"steps": ["Set up the project", "Build the first page"]}.'),
            ChatMessage("user", run.question),
        ], PLAN_SCHEMA, max_tokens=200)
        steps = [{"title": _title(s, f"Step {i + 1}"), "description": ""}
                 for i, s in enumerate(plan.get("steps") or [])]
        goal = run.question[:200]
        run.ctx.emit(EventType.PLAN_CREATED, f"Plan with {len(steps)} steps", agent=self.name, goal=goal,
                     steps=steps)
        header = f"## Plan: {goal}\n" + "\n".join(f"{i + 1}. {s['title']}" for i, s in enumerate(steps)) + "\n"
        run.ctx.stream(header)
        if not self.run_steps:
            return header
        results = await self.execute(run, steps)
        body = "\n## Results\n" + "\n".join(
            f"{i + 1}. {s['title']} — {r['status']} (task `{r['task_id']}`)" + (f": {r['preview']}" if r["preview"]
                                                                               else "")
            for i, (s, r) in enumerate(zip(steps, results, strict=True))) + "\n"
        run.ctx.stream(body)
        return header + body

    async def execute(self, run: AgentRun, steps: list[dict[str, str]]) -> list[dict[str, Any]]:
        """Submit every step as a sub-task, then follow each to its end through the event bus."""
        subs: list[Task] = []
        done: dict[str, Event] = {}
        ids: set[str] = set()
        sub = self.bus.subscribe(lambda e: e.type in TERMINAL_EVENTS and e.task_id in ids)
        try:
            for i, step in enumerate(steps):
                request = {"forced_intent": "GENERAL_CHAT", "parent_task_id": run.ctx.task_id, "plan_step": i + 1}
                # An allowed-once plan's grant goes with its steps (they are the same task's work).
                for key in ("generation_params", "preferred_language", "autonomy_grant"):
                    if run.ctx.request.get(key):
                        request[key] = run.ctx.request[key]
                task = await self.tasks.submit(step["title"], request)
                ids.add(task.id)
                subs.append(task)
                run.ctx.emit(EventType.PLAN_STEP_STARTED, f"Step {i + 1}: {step['title']}", agent=self.name,
                             step=i + 1, title=step["title"], sub_task_id=task.id)

            async def collect() -> None:
                while len(done) < len(ids):
                    event = await sub.queue.get()
                    if event is None:
                        return
                    done[str(event.task_id)] = event

            # A step may already have finished before we started listening.
            for task in subs:
                live = self.tasks.live_task(task.id)
                if live is not None and live.terminal:
                    done.setdefault(task.id, Event(0, task.id, 0, "", live.updated_at))
            # With a single worker slot (held by this task) the steps cannot start before the plan
            # returns: waiting would only deadlock until the timeout, so report them as queued.
            timeout = self.step_timeout if self.tasks.limit > 1 else 0.0
            try:
                await asyncio.wait_for(collect(), timeout)
            except TimeoutError:
                run.ctx.trace("Architect", "steps_timeout", status="warning", waiting=len(ids) - len(done))
        finally:
            self.bus.unsubscribe(sub)
        results: list[dict[str, Any]] = []
        for i, task in enumerate(subs):
            final = await self.tasks.get(task.id)
            preview = final.result.strip().replace("\n", " ")[:160]
            results.append({"task_id": task.id, "status": final.status.value, "preview": preview})
            if final.terminal:
                run.ctx.emit(EventType.PLAN_STEP_COMPLETED, f"Step {i + 1}: {final.status.value}", agent=self.name,
                             step=i + 1, sub_task_id=task.id, status=final.status.value)
        return results


PATTERNS: dict[str, list[tuple[str, float]]] = {
    "en": [(r"\b(make|create|draft|write|prepare|give me) (me )?(a |an )?(\w+ ){0,2}(plan|roadmap)\b", STRONG),
           (r"\bplan (the |a |an |our |my )?(\w+ ){0,3}(migration|project|release|architecture|launch|rollout)\b",
            STRONG),
           (r"\bstep by step plan\b", STRONG), (r"\bbreak (it |this )?down into steps\b", STRONG),
           (r"\bdesign (an? |the )?(architecture|system)\b", STRONG), (r"\bplan\b", WEAK), (r"\bsteps\b", WEAK)],
    "pl": [(r"\bzaplanuj\b", STRONG),
           (r"\b(przygotuj|stworz|napisz|rozpisz) (mi )?(\w+ ){0,2}(plan|harmonogram)\w*\b", STRONG),
           (r"\bzaprojektuj\b", STRONG), (r"\bplan(u|ie|y|ow|em|ami|ach)?\b", WEAK), (r"\bkroki\b", WEAK)],
    "de": [(r"\bplane\b", STRONG), (r"\b(erstell|entwirf|mach)\w* (mir )?(einen |eine )?(\w+ ){0,2}"
            r"(plan|roadmap|fahrplan)\b", STRONG),
           (r"\bentwirf\b", STRONG), (r"\bplanung\b", WEAK), (r"\bschritte\b", WEAK)],
}


def _architect(d: AgentDeps) -> ArchitectAgent:
    return ArchitectAgent(d.llm, d.tasks, d.bus, d.settings.VENOM_ARCHITECT_RUN_STEPS,
                          d.settings.VENOM_PLAN_STEP_TIMEOUT_SECONDS)


def register_agents(register: Register) -> None:
    register(AgentSpec(
        intent="COMPLEX_PLANNING", description="make a multi-step plan", rank=60, factory=_architect,
        aliases=("parallel", "complexity"), patterns=PATTERNS, lessons=True,
    ))
