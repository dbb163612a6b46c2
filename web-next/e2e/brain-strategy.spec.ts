import type { APIRequestContext, Page } from "@playwright/test";
import { expect, shot, test } from "./fixtures";

/** Memory loads its embedding model in the background after boot; wait until it answers. */
async function memoryReady(api: APIRequestContext): Promise<boolean> {
  for (let i = 0; i < 120; i++) {
    const res = await api.post("/api/v1/memory/search", { data: { query: "ping", limit: 1 } });
    if (res.ok()) return true;
    if (res.status() === 404) return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

/** Where the graph node whose label contains `text` is drawn (cytoscape registers its instance on the container). */
function nodeOnScreen(el: Element, text: string): { id: string; x: number; y: number } | null {
  const cy = (el as HTMLElement & { _cyreg?: { cy?: import("cytoscape").Core } })._cyreg?.cy;
  const node = cy?.nodes().toArray().find((n) => String(n.data("label") ?? "").includes(text)) as import("cytoscape").NodeSingular | undefined;
  if (!node) return null;
  const p = node.renderedPosition();
  return { id: node.id(), x: p.x, y: p.y };
}

/** Click, with the real mouse, the graph node whose label contains `label`; answers its id. */
async function clickGraphNode(page: Page, label: string): Promise<string> {
  const graph = page.getByTestId("graph-container");
  await expect.poll(() => graph.evaluate(nodeOnScreen, label), { timeout: 20_000 }).not.toBeNull();
  const found = await graph.evaluate(nodeOnScreen, label);
  const box = await graph.boundingBox();
  if (!found || !box) throw new Error("the node is not on screen");
  await page.mouse.click(box.x + found.x, box.y + found.y);
  return found.id;
}

test.describe("Brain and Strategy", () => {
  test("Brain shows nodes after a memory is ingested, and finds it by search", async ({ page, api }) => {
    test.setTimeout(240_000);
    expect(await memoryReady(api), "the memory subsystem did not become ready").toBe(true);
    await page.goto("/brain");
    const fact = "The Venom lighthouse project uses blue lamps.";
    await page.getByTestId("memory-ingest-text").fill(fact);
    await page.getByTestId("memory-ingest").click();
    await expect(page.getByTestId("graph-container")).toBeVisible({ timeout: 30_000 });
    await expect.poll(async () => Number(await page.getByTestId("graph-container").getAttribute("data-nodes"))).toBeGreaterThan(0);
    await page.getByTestId("brain-type").selectOption("memory");
    await expect(page.getByTestId("graph-stats")).not.toContainText(/^0 nodes/);
    await page.getByTestId("memory-query").fill("blue lamps lighthouse");
    await page.getByTestId("memory-query").press("Enter");
    await expect(page.getByTestId("memory-results")).toContainText("blue lamps");
    await shot(page, "brain");
    // Clicking the fact's node on the graph canvas opens the node panel; pin it, then delete it.
    await page.getByTestId("brain-type").selectOption("memory");
    const nodeId = await clickGraphNode(page, "lighthouse project");
    const details = page.getByTestId("node-details");
    await expect(details).toContainText(nodeId);
    expect(nodeId.startsWith("mem:")).toBe(true);
    await page.getByTestId("node-pin").click();
    await expect(page.getByTestId("node-pin")).toHaveText(/unpin/i);
    await expect(page.getByTestId("brain-pinned")).toBeVisible();
    await page.getByTestId("brain-pinned").check();
    await expect(page.getByTestId("graph-container")).toHaveAttribute("data-nodes", /[1-9]/);
    await page.getByTestId("brain-pinned").uncheck();
    // The node panel shows the memory behind the node, with its origin; deleting asks first.
    await expect(details.getByTestId("memory-origin")).toHaveAttribute("data-origin", "manual");
    await details.getByTestId("memory-delete").click();
    await page.getByTestId("confirm-ok").click();
    await expect(details).toContainText(/select a node/i);
    expect((await api.get(`/api/v1/memory/entry/${nodeId.slice(4)}`)).status()).toBe(404);
    await expect(page.getByTestId("hygiene-tab")).toBeVisible();
  });

  test("Brain memory hygiene: see where a memory came from, correct it, reload, delete it", async ({ page, api }) => {
    test.setTimeout(240_000);
    expect(await memoryReady(api), "the memory subsystem did not become ready").toBe(true);
    const session = `e2e-hygiene-${Date.now()}`;
    const ingested = await api.post("/api/v1/memory/ingest", { data: { text: "The Venom greenhouse waters the tomatoes at six.", session_id: session } });
    expect(ingested.ok()).toBe(true);
    const id = ((await ingested.json()) as { ids: string[] }).ids[0] ?? "";
    await page.goto("/brain");
    const card = page.getByTestId("memory-entries").locator(`[data-entry-id="${id}"]`);
    await expect(card).toBeVisible({ timeout: 30_000 });
    await expect(card.getByTestId("memory-origin")).toHaveAttribute("data-origin", "manual");
    await expect(card.getByTestId("memory-origin-session")).toHaveText(session);
    await expect(card.getByTestId("memory-edited")).toHaveCount(0);

    // Correct it inline; Cancel first leaves it as it was.
    await card.getByTestId("memory-edit").click();
    await card.getByTestId("memory-edit-text").fill("Something else entirely.");
    await card.getByTestId("memory-edit-cancel").click();
    await expect(card.getByTestId("memory-entry-text")).toHaveText("The Venom greenhouse waters the tomatoes at six.");
    await card.getByTestId("memory-edit").click();
    await card.getByTestId("memory-edit-text").fill("The Venom greenhouse waters the tomatoes at seven.");
    await card.getByTestId("memory-edit-save").click();
    await expect(card.getByTestId("memory-entry-text")).toHaveText("The Venom greenhouse waters the tomatoes at seven.");
    await expect(card.getByTestId("memory-edited")).toBeVisible();
    const stored = (await (await api.get(`/api/v1/memory/entry/${id}`)).json()) as { text: string; edited: boolean; session_id: string };
    expect(stored).toMatchObject({ text: "The Venom greenhouse waters the tomatoes at seven.", edited: true, session_id: session });
    await shot(page, "brain-hygiene");

    // The correction is the server's: a reload shows it.
    await page.reload();
    await expect(card.getByTestId("memory-entry-text")).toHaveText("The Venom greenhouse waters the tomatoes at seven.", { timeout: 30_000 });
    await expect(card.getByTestId("memory-edited")).toBeVisible();
    // Delete asks first; Cancel keeps it, Confirm removes it.
    await card.getByTestId("memory-delete").click();
    await page.getByTestId("confirm-cancel").click();
    await expect(card).toBeVisible();
    await card.getByTestId("memory-delete").click();
    await page.getByTestId("confirm-ok").click();
    await expect(card).toHaveCount(0);
    expect((await api.get(`/api/v1/memory/entry/${id}`)).status()).toBe(404);
  });

  test("Strategy: create a roadmap from a vision, send a task, see it complete", async ({ page, api }) => {
    test.setTimeout(420_000);
    await page.goto("/strategy");
    await page.getByTestId("vision-input").fill("Ship a tiny command-line todo app");
    await page.getByTestId("roadmap-create").click();
    await expect(page.getByTestId("vision-title")).toContainText("todo", { timeout: 240_000 });
    const tasks = page.getByTestId("roadmap-task");
    await expect(tasks.first()).toBeVisible();
    const first = tasks.first();
    await first.getByTestId("roadmap-run").click();
    await expect(first).toHaveAttribute("data-status", "IN_PROGRESS");
    await shot(page, "strategy");
    await expect(first).toHaveAttribute("data-status", /COMPLETED|BLOCKED/, { timeout: 170_000 });
    await expect(page.getByTestId("kpis")).toBeVisible();
    // Edit another task's status by hand; the API stores it and the page shows it after a reload.
    const other = page.locator("[data-testid=roadmap-task]:has([data-testid=roadmap-status]:enabled)").first();
    const itemId = (await other.getAttribute("data-item-id")) ?? "";
    await other.getByTestId("roadmap-status").selectOption("BLOCKED");
    await expect(page.locator(`[data-testid=roadmap-task][data-item-id="${itemId}"]`)).toHaveAttribute("data-status", "BLOCKED");
    const road = (await (await api.get("/api/v1/roadmap")).json()) as { milestones: { tasks?: { id: string; status: string }[] }[] };
    expect(road.milestones.flatMap((m) => m.tasks ?? []).find((x) => x.id === itemId)?.status).toBe("BLOCKED");
    await page.reload();
    await expect(page.locator(`[data-testid=roadmap-task][data-item-id="${itemId}"]`)).toHaveAttribute("data-status", "BLOCKED");
  });
});
