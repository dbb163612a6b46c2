import { writeFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, shot, test } from "./fixtures";
import { readState } from "./stack";

interface Task { status: string }

/** Submit a task through the API and wait for its end (the model answers on this machine's CPU). */
async function runTask(api: APIRequestContext, content: string): Promise<string> {
  const created = await api.post("/api/v1/tasks", { data: { content, generation_params: { max_tokens: 16 } } });
  expect(created.status()).toBe(201);
  const { task_id } = (await created.json()) as { task_id: string };
  await expect.poll(async () => ((await (await api.get(`/api/v1/tasks/${task_id}`)).json()) as Task).status,
    { timeout: 240_000, intervals: [500] }).toBe("COMPLETED");
  return task_id;
}

async function fits(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `page ${page.url()} is wider than the viewport`).toBeLessThanOrEqual(inner);
}

/** Every bar sits inside its track, and none is wider than the task's own bar. */
async function barsScaled(page: Page): Promise<void> {
  const boxes = await page.getByTestId("timeline-span").evaluateAll((rows) => rows.map((row) => {
    const bar = row.querySelector("[data-testid=timeline-bar]")!.getBoundingClientRect();
    const track = row.querySelector(".waterfall__track")!.getBoundingClientRect();
    return { kind: row.getAttribute("data-kind"), width: bar.width, left: bar.left - track.left, track: track.width };
  }));
  const task = boxes.find((b) => b.kind === "task")!;
  expect(task.width).toBeGreaterThan(task.track * 0.9);
  for (const b of boxes) {
    expect(b.width).toBeGreaterThan(0);
    expect(b.width).toBeLessThanOrEqual(task.width + 0.5);
    expect(b.left).toBeGreaterThanOrEqual(-0.5);
  }
}

/** "raw" is one switch for the whole Inspector: set it, whatever it was. */
async function setRaw(scope: Locator, on: boolean): Promise<void> {
  const toggle = scope.getByTestId("span-raw-toggle");
  if ((await toggle.getAttribute("aria-pressed")) !== String(on)) await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", String(on));
}

test.describe("Inspector timeline", () => {
  test("a task with a tool call and a plan with sub-tasks render as waterfalls with a details drawer", async ({ page, api }) => {
    test.setTimeout(600_000);
    // A file name with no space to wrap at (dots keep it from looking like a credential, which is masked).
    writeFileSync(path.join(readState().dir, "workspace", `${"wide.".repeat(40)}txt`), "hello\n");
    const toolTask = await runTask(api, "/file list the files");
    const planTask = await runTask(api, "/parallel plan a tiny personal website");

    // The tool call: a bar under the agent, its details in a drawer, its JSON only with "raw" on.
    await page.goto(`/inspector?id=${toolTask}`);
    const rows = page.getByTestId("timeline-span");
    await expect(rows.first()).toHaveAttribute("data-kind", "task");
    for (const kind of ["queue", "routing", "context", "agent", "tool_call"]) await expect(rows.and(page.locator(`[data-kind=${kind}]`)).first()).toBeVisible();
    const tool = rows.and(page.locator("[data-kind=tool_call]")).first();
    await expect(tool).toHaveAttribute("data-parent-id", "agent");
    await expect(tool).toHaveAttribute("data-depth", "2");
    await barsScaled(page);
    await tool.getByRole("button").click();
    const drawer = page.getByTestId("span-drawer");
    await expect(drawer).toBeVisible();
    await expect(drawer.getByTestId("span-status")).toHaveText("ok");
    await expect(drawer.getByTestId("span-details")).toContainText("tool_id");
    await expect(drawer.getByTestId("span-details")).toContainText("wide.wide.wide.");
    await expect(drawer.getByTestId("span-raw")).toHaveCount(0);
    await drawer.getByTestId("span-raw-toggle").click();
    await expect(drawer.getByTestId("span-raw-toggle")).toHaveAttribute("aria-pressed", "true");
    const raw = JSON.parse(await drawer.getByTestId("span-raw").innerText()) as { kind: string; details: { tool_id: string } };
    expect(raw.kind).toBe("tool_call");
    expect(raw.details.tool_id).toMatch(/^builtin:/);
    await expect(drawer.getByTestId("span-details")).toHaveCount(0);
    await drawer.getByTestId("span-raw-toggle").click();
    await expect(drawer.getByTestId("span-details")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(drawer).toBeHidden();

    // A model call shows its time to first token in the drawer.
    const model = rows.and(page.locator("[data-kind=model_call][data-status=ok]")).first();
    if (await model.count()) {
      await model.getByRole("button").click();
      await expect(drawer.getByTestId("span-ttft")).toBeVisible();
      await page.keyboard.press("Escape");
    }
    await shot(page, "inspector-timeline");

    // The plan: each step is a sub-task span with the sub-task's own spans nested under it.
    await page.goto(`/inspector?id=${planTask}`);
    const steps = rows.and(page.locator("[data-kind=subtask]"));
    await expect(steps.first()).toBeVisible();
    expect(await steps.count()).toBeGreaterThanOrEqual(2);
    const stepId = (await steps.first().getAttribute("data-span-id")) ?? "";
    const inner = rows.and(page.locator(`[data-parent-id="${stepId}"]`));
    await expect(inner.first()).toBeVisible();
    expect(Number(await inner.first().getAttribute("data-depth"))).toBeGreaterThanOrEqual(3);
    await barsScaled(page);
    await shot(page, "inspector-timeline-subtasks");

    // A phone: no page is wider than the viewport, with the drawer open, raw on or off.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const id of [toolTask, planTask]) {
      await page.goto(`/inspector?id=${id}`);
      await expect(rows.first()).toBeVisible();
      await fits(page);
      if (id === toolTask) await shot(page, "mobile-inspector-timeline");
      await rows.last().getByRole("button").click();
      await expect(drawer).toBeVisible();
      await fits(page);
      await setRaw(drawer, true);
      await expect(drawer.getByTestId("span-raw")).toBeVisible();
      await fits(page);
      await page.keyboard.press("Escape");
      await fits(page); // the steps' JSON is on too now
    }
    await page.goto(`/inspector?id=${toolTask}`);
    await tool.getByRole("button").click();
    await setRaw(drawer, false);
    await expect(drawer.getByTestId("span-details")).toBeVisible();
    await fits(page);
    await shot(page, "mobile-inspector-span-drawer");
  });
});
