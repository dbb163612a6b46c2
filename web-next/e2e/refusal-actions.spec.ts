import { expect, lastAnswer, send, test } from "./fixtures";

// A web request at autonomy level 0 is refused by the gate before any model call, so this needs no
// language model. "Allow once" re-runs it as a new task with level 10 for that task only; offline the
// Researcher then fails for the network, which is past the gate (what is asserted), never for autonomy.
test.describe("Refusal actions", () => {
  test("a refused answer offers Allow once (a re-run with the level, the global level unchanged) and Open setting", async ({ page, api }) => {
    test.setTimeout(240_000);
    const set = await api.post("/api/v1/system/autonomy", { data: { level: 0 } });
    expect(set.ok(), await set.text()).toBeTruthy();
    await page.goto("/");
    await expect(page.getByTestId("ws-state")).toHaveText(/live/i);

    await send(page, "/web latest llama.cpp release");
    const last = lastAnswer(page);
    await expect(last).toHaveAttribute("data-status", "FAILED", { timeout: 60_000 });
    const refusedId = (await last.getAttribute("data-task-id")) ?? "";
    expect(refusedId).not.toBe("");
    // Held by its task id: the re-run's answer becomes the last one.
    const refused = page.locator(`[data-testid=bubble-assistant][data-task-id="${refusedId}"]`);
    await expect(refused.getByTestId("answer-error")).toHaveAttribute("data-code", "autonomy_denied");
    const actions = refused.getByTestId("refusal-actions");
    await expect(actions).toHaveAttribute("data-required-level", "10");
    await expect(actions).toContainText("level 10 (CONNECTED)");
    await expect(actions.getByTestId("refusal-allow-once")).toHaveText("Allow once");
    await expect(actions.getByTestId("refusal-open-setting")).toHaveText("Open setting");

    await actions.getByTestId("refusal-allow-once").click();
    await expect(actions.getByTestId("refusal-allow-once")).toHaveAttribute("data-state", "done");
    await expect(actions.getByTestId("refusal-allow-once")).toBeDisabled();
    const rerun = lastAnswer(page);
    await expect(rerun).not.toHaveAttribute("data-task-id", refusedId);
    await expect(rerun).toHaveAttribute("data-task-id", /.+/);
    await expect(rerun).toHaveAttribute("data-status", /^(COMPLETED|FAILED)$/, { timeout: 180_000 });
    const rerunId = (await rerun.getAttribute("data-task-id")) ?? "";
    const task = (await (await api.get(`/api/v1/tasks/${rerunId}`)).json()) as { allow_once_of: string | null; refusal: unknown; error: { code: string } | null };
    expect(task.allow_once_of).toBe(refusedId);
    expect(task.refusal).toBeNull();
    expect(task.error?.code).not.toBe("autonomy_denied");
    await expect(rerun.getByTestId("refusal-actions")).toHaveCount(0);
    const level = (await (await api.get("/api/v1/system/autonomy")).json()) as { current_level: number };
    expect(level.current_level).toBe(0);

    // Open setting: the Config screen with the autonomy control focused and the level it needs.
    await refused.getByTestId("refusal-open-setting").click();
    await expect(page).toHaveURL(/\/config\?focus=autonomy&level=10$/);
    await expect(page.getByTestId("autonomy-needed")).toContainText("level 10 (CONNECTED)");
    await expect(page.getByTestId("autonomy-select")).toBeFocused();
  });

  test("in Polish and German the actions are translated", async ({ page, api }) => {
    await api.post("/api/v1/system/autonomy", { data: { level: 0 } });
    await page.goto("/");
    await page.evaluate(() => localStorage.setItem("venom-language", "pl"));
    await page.reload();
    await send(page, "/web wydanie llama.cpp");
    const refused = lastAnswer(page);
    await expect(refused).toHaveAttribute("data-status", "FAILED", { timeout: 60_000 });
    await expect(refused.getByTestId("refusal-allow-once")).toHaveText("Zezwól raz");
    await expect(refused.getByTestId("refusal-open-setting")).toHaveText("Otwórz ustawienie");
    await page.evaluate(() => localStorage.setItem("venom-language", "de"));
    await page.reload();
    await expect(lastAnswer(page).getByTestId("refusal-allow-once")).toHaveText("Einmal erlauben");
    await expect(lastAnswer(page).getByTestId("refusal-open-setting")).toHaveText("Einstellung öffnen");
    await page.evaluate(() => localStorage.setItem("venom-language", "en"));
  });
});
