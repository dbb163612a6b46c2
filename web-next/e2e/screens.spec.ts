import { expect, lastAnswer, send, shot, test } from "./fixtures";

test.describe("Inspector and Config", () => {
  test("Inspector shows the steps of a finished task and copies them as JSON", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto("/");
    await send(page, "/chrono what time is it");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
    const taskId = (await lastAnswer(page).getAttribute("data-task-id")) ?? "";
    await lastAnswer(page).getByRole("link", { name: /Details/ }).click();
    await expect(page).toHaveURL(new RegExp(`/inspector\\?id=${taskId}`));
    await expect(page.getByTestId("trace-status")).toHaveText(/completed/i);
    const steps = page.getByTestId("trace-step");
    await expect(steps.first()).toContainText("submit_request");
    expect(await steps.count()).toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId("trace-steps")).toContainText("complete");
    await page.getByTestId("copy-json").click();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { request_id: string; steps: unknown[] };
    expect(copied.request_id).toBe(taskId);
    expect(copied.steps.length).toBeGreaterThanOrEqual(3);
    await shot(page, "inspector");
  });

  test("Config shows services, masked parameters and the runtime profile", async ({ page }) => {
    await page.goto("/config");
    const tiles = page.getByTestId("service-tile");
    await expect(tiles.filter({ hasText: "database" })).toHaveAttribute("data-status", "online");
    await expect(tiles.filter({ hasText: "work_queue" })).toBeVisible();
    await expect(page.getByTestId("parameters")).toContainText("VENOM_RUNTIME_PROFILE");
    await expect(page.getByTestId("profile-light")).toHaveAttribute("aria-checked", "true");
    await shot(page, "config");
  });

  test("Config saves a setting through the API and shows it after a reload", async ({ page, api }) => {
    type Cfg = { pending: Record<string, unknown>; config: Record<string, unknown> };
    const cfg = async () => (await (await api.get("/api/v1/config/runtime")).json()) as Cfg;
    await page.goto("/config");
    await page.getByTestId("ollama-profile").selectOption("low-vram-8-12gb");
    await expect(page.getByTestId("pending-row").filter({ hasText: "VENOM_OLLAMA_PROFILE" })).toContainText("low-vram-8-12gb");
    // A value the settings model refuses shows the API's sentence and saves nothing.
    const row = page.locator("[data-testid=param-row][data-key=VENOM_SESSION_HISTORY_TURNS]");
    await row.getByTestId("param-edit").click();
    await row.getByTestId("param-input").fill("999");
    await row.getByTestId("param-save").click();
    await expect(row.getByTestId("error-state")).toContainText("less than or equal to 200");
    await row.getByTestId("param-input").fill("12");
    await row.getByTestId("param-save").click();
    await expect(page.getByTestId("pending-row").filter({ hasText: "VENOM_SESSION_HISTORY_TURNS" })).toContainText("12");
    await page.reload();
    await expect(page.getByTestId("ollama-profile")).toHaveValue("low-vram-8-12gb");
    await expect(page.getByTestId("pending-changes")).toContainText("VENOM_SESSION_HISTORY_TURNS");
    await shot(page, "config-pending");
    const saved = await cfg();
    expect(saved.pending).toEqual({ VENOM_OLLAMA_PROFILE: "low-vram-8-12gb", VENOM_SESSION_HISTORY_TURNS: 12 });
    expect(saved.config.VENOM_SESSION_HISTORY_TURNS).toBe("20");
    // The second write backed up the file as the first left it; restoring it (the newest backup, listed
    // first) drops the second change. Earlier specs (config.spec) may have left older backups.
    await expect(page.getByTestId("config-backup").first()).toBeVisible();
    await page.getByTestId("config-restore").first().click();
    await page.getByTestId("config-backups").getByTestId("confirm-ok").click();
    await expect(page.getByTestId("pending-row")).toHaveCount(1);
    await expect(page.getByTestId("pending-row")).toContainText("VENOM_OLLAMA_PROFILE");
    expect((await cfg()).pending).toEqual({ VENOM_OLLAMA_PROFILE: "low-vram-8-12gb" });
    // Back to the defaults, so a later backend restart in this run starts as before.
    const reset = await api.post("/api/v1/config/runtime", { data: { updates: { VENOM_OLLAMA_PROFILE: null, VENOM_SESSION_HISTORY_TURNS: null } } });
    expect(reset.ok()).toBe(true);
    expect((await cfg()).pending).toEqual({});
  });

  test("Config shows the API's refusal to a client that is not admin", async ({ browser, api, baseURL }) => {
    // A LAN client behind a reverse proxy on this machine: uvicorn trusts X-Forwarded-For from loopback.
    const remote = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.10" } });
    try {
      const page = await remote.newPage();
      await page.goto("/config");
      await page.getByTestId("profile-full").click();
      const refusal = page.getByTestId("runtime-profile").getByTestId("error-state");
      await expect(refusal).toContainText("Refused by the API");
      await expect(refusal).toContainText("only allowed from the local machine");
      await expect(page.getByTestId("profile-light")).toHaveAttribute("aria-checked", "true");
    } finally {
      await remote.close();
    }
    expect(((await (await api.get("/api/v1/config/runtime")).json()) as { pending: object }).pending).toEqual({});
  });
});
