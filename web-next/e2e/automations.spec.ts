import { expect, shot, test } from "./fixtures";

// Against the real backend: a schedule is added through the form, its next runs come from the API,
// a bad cron shows the API's own sentence, "Run now" submits a real task, and the row toggles and goes.
test.describe("Automations", () => {
  test("add a schedule, preview its runs, run it now, disable it and delete it", async ({ page, api }) => {
    const name = `Weekday help ${Date.now()}`;
    await page.goto("/automations");
    await expect(page.locator("main h1")).toHaveText("Automations");
    const form = page.getByTestId("schedule-form");
    // The browser's own zone is the default.
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    await expect(form.getByLabel("Time zone")).toHaveValue(zone);

    // A cron the API refuses: its 422 sentence shows inline, nothing is saved.
    const refused = await api.post("/api/v1/schedules", { data: { cron: "61 * * * *", timezone: "UTC", content: "/help" } });
    expect(refused.status()).toBe(422);
    const sentence = ((await refused.json()) as { error: { message: string } }).error.message;
    await form.getByLabel("Prompt").fill("/help");
    await form.getByLabel(/^Cron/).fill("61 * * * *");
    await form.getByTestId("schedule-save").click();
    await expect(form.getByTestId("error-state")).toContainText(sentence);
    await expect(form.getByTestId("schedule-preview")).toHaveCount(0);

    // A preset fills the cron field; the form is labelled and saves on Enter.
    await form.getByLabel("Preset").selectOption({ label: "Weekdays at 9:00" });
    await expect(form.getByLabel(/^Cron/)).toHaveValue("0 9 * * 1-5");
    await form.getByLabel("Time zone").fill("Europe/Warsaw");
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("Name", { exact: true }).press("Enter");
    await expect(form.getByTestId("error-state")).toHaveCount(0);
    const preview = form.getByTestId("preview-run");
    await expect(preview).toHaveCount(3);
    for (const iso of await preview.evaluateAll((els) => els.map((e) => e.getAttribute("data-iso") ?? ""))) {
      expect(iso).toMatch(/T09:00:00\+0[12]:00$/);
      expect([1, 2, 3, 4, 5]).toContain(new Date(iso.slice(0, 10) + "T12:00:00Z").getUTCDay());
    }
    await expect(preview.first()).toContainText("09:00");

    const row = page.getByTestId("schedule-row").filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId("schedule-cron-text")).toHaveText("0 9 * * 1-5");
    await expect(row).toContainText("Europe/Warsaw");
    await expect(row.getByTestId("schedule-next").locator("time")).toHaveAttribute("datetime", /T09:00:00\+0[12]:00$/);
    await expect(row.getByTestId("schedule-last")).toContainText("never run");
    const id = (await row.getAttribute("data-id")) ?? "";
    await shot(page, "automations");

    // Edit: the form takes the schedule, a new preset saves with PATCH and previews the new times.
    await row.getByTestId("schedule-edit").click();
    await expect(page.getByTestId("schedule-editor")).toContainText("Edit schedule");
    await expect(form.getByLabel("Name", { exact: true })).toHaveValue(name);
    await form.getByLabel("Preset").selectOption({ label: "Daily at 8:00" });
    await form.getByTestId("schedule-save").click();
    await expect(form.getByTestId("preview-run").first()).toHaveAttribute("data-iso", /T08:00:00\+0[12]:00$/);
    await expect(row.getByTestId("schedule-cron-text")).toHaveText("0 8 * * *");
    await form.getByTestId("schedule-cancel").click();
    await expect(page.getByTestId("schedule-editor")).toContainText("New schedule");

    // Run now: the history shows a manual, submitted run whose task opens in the Inspector.
    await row.getByTestId("schedule-run").click();
    const run = page.getByTestId("run-history").getByTestId("run-row").first();
    await expect(run).toHaveAttribute("data-status", "submitted");
    await expect(run).toHaveAttribute("data-trigger", "manual");
    const runs = ((await (await api.get(`/api/v1/schedules/${id}/runs`)).json()) as { runs: { task_id: string | null }[] }).runs;
    const taskId = runs[0]?.task_id ?? "";
    expect(taskId).not.toBe("");
    await expect(run.getByTestId("run-task")).toHaveAttribute("href", `/inspector?id=${taskId}`);
    await expect(row.getByTestId("schedule-last-task")).toHaveAttribute("href", `/inspector?id=${taskId}`);
    await shot(page, "automations-history");
    await run.getByTestId("run-task").click();
    await expect(page).toHaveURL(new RegExp(`/inspector\\?id=${taskId}`));
    await page.goBack();

    // Disable: the switch writes through the API.
    const again = page.getByTestId("schedule-row").filter({ hasText: name });
    await again.getByTestId("schedule-toggle").uncheck();
    await expect(again).toHaveAttribute("data-enabled", "false");
    expect(((await (await api.get(`/api/v1/schedules/${id}`)).json()) as { enabled: boolean }).enabled).toBe(false);

    // Delete asks first; then the row and the schedule are gone.
    await again.getByTestId("schedule-delete").click();
    await expect(page.getByTestId("confirm-dialog")).toContainText(name);
    await page.getByTestId("confirm-ok").click();
    await expect(page.getByTestId("schedule-row").filter({ hasText: name })).toHaveCount(0);
    expect((await api.get(`/api/v1/schedules/${id}`)).status()).toBe(404);
  });

  test("a schedule and its history fit a phone and work from the keyboard", async ({ page, api }) => {
    const name = `A rather long schedule name that must wrap or be cut on a phone ${Date.now()}`;
    const made = await api.post("/api/v1/schedules", { data: { cron: "0 8 * * *", timezone: "America/Argentina/Buenos_Aires", content: "/help", name } });
    expect(made.status()).toBe(201);
    const id = ((await made.json()) as { id: string }).id;
    expect((await api.post(`/api/v1/schedules/${id}/run`)).status()).toBe(202);
    for (const width of [360, 430]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto("/automations");
      const row = page.locator(`[data-testid=schedule-row][data-id="${id}"]`);
      await row.getByTestId("schedule-select").focus();
      await page.keyboard.press("Enter");
      await expect(page.getByTestId("run-history").getByTestId("run-row").first()).toHaveAttribute("data-status", "submitted");
      const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(scroll, `at ${width} px the page is wider than the viewport`).toBeLessThanOrEqual(inner);
    }
    // A run started elsewhere (here: the API) shows up live, from its task's TASK_CREATED event.
    expect((await api.post(`/api/v1/schedules/${id}/run`)).status()).toBe(202);
    await expect(page.getByTestId("run-history").getByTestId("run-row")).toHaveCount(2);
    await expect(page.getByTestId("run-history").getByTestId("run-row").first()).toHaveAttribute("data-status", "submitted");
    // The switch is a checkbox: Space flips it and the API follows.
    const toggle = page.locator(`[data-testid=schedule-row][data-id="${id}"]`).getByTestId("schedule-toggle");
    await toggle.focus();
    await page.keyboard.press("Space");
    await expect(page.locator(`[data-testid=schedule-row][data-id="${id}"]`)).toHaveAttribute("data-enabled", "false");
    expect((await api.delete(`/api/v1/schedules/${id}`)).status()).toBe(200);
  });
});
