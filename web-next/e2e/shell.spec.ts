import { stopBackend, restartBackend } from "./stack";
import { expect, lastAnswer, send, shot, test } from "./fixtures";

test.describe("Shell", () => {
  test("language switch: en is the default, pl and de persist across reloads and reach the API", async ({ page, api }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByTestId("nav-cockpit")).toHaveText(/Cockpit/);
    await page.getByTestId("language-select").selectOption("pl");
    await expect(page.getByTestId("nav-brain")).toHaveText(/Mózg/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kokpit");
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("lang", "pl");
    await expect(page.getByTestId("nav-brain")).toHaveText(/Mózg/);
    // The chosen language is sent as preferred_language.
    await send(page, "pomoc");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
    const taskId = (await lastAnswer(page).getAttribute("data-task-id")) ?? "";
    const task = (await (await api.get(`/api/v1/tasks/${taskId}`)).json()) as { request: { preferred_language?: string } };
    expect(task.request.preferred_language).toBe("pl");
    await expect(lastAnswer(page).getByTestId("status-badge")).toHaveText("Ukończone");
    // The API's refusals come in the UI's language too (the client sends it as Accept-Language).
    await page.goto("/documents");
    await page.getByTestId("folder-path").fill("../outside");
    await page.getByTestId("folder-path").press("Enter");
    await expect(page.getByTestId("folders").getByTestId("error-state")).toContainText("leży poza obszarem roboczym");
    await page.goto("/");
    await page.getByTestId("language-select").selectOption("de");
    await expect(page.getByTestId("nav-brain")).toHaveText(/Gehirn/);
    await expect(page.getByTestId("send-button")).toHaveText("Senden");
    await page.getByTestId("language-select").selectOption("en");
    await expect(page.getByTestId("nav-brain")).toHaveText(/Brain/);
  });

  test("theme persists in localStorage across reloads", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("data-theme", "venom-dark");
    await page.getByTestId("theme-toggle").click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "venom-light");
    expect(await page.evaluate(() => localStorage.getItem("venom-theme"))).toBe("venom-light");
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "venom-light");
    await send(page, "what time is it");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
    await shot(page, "cockpit-light");
    await page.getByTestId("theme-toggle").click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "venom-dark");
  });

  test("API down: a clear offline state, then recovery without a reload", async ({ page, api }) => {
    test.setTimeout(150_000);
    await page.goto("/");
    await expect(page.getByTestId("pill-connection")).toHaveAttribute("data-state", "online");
    await send(page, "what time is it");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
    const sid = (await page.getByTestId("session-id").innerText()).trim();
    const answered = (await lastAnswer(page).getAttribute("data-task-id")) ?? "";
    await stopBackend();
    try {
      await expect(page.getByTestId("offline-banner")).toBeVisible();
      await expect(page.getByTestId("offline-banner")).toContainText("cannot be reached");
      await expect(page.getByTestId("pill-connection")).toHaveAttribute("data-state", "offline");
      await expect(page.getByTestId("pill-queue")).toContainText("—");
      // Sending while offline shows the reason, not a blank bubble.
      await send(page, "help");
      await expect(lastAnswer(page).getByTestId("answer-error")).toContainText("cannot be reached");
      await shot(page, "offline");
    } finally {
      await restartBackend();
    }
    // The page may already have found the API again on its own; otherwise ask it to try now.
    const retry = page.getByTestId("offline-retry");
    if (await retry.isVisible()) await retry.click({ timeout: 2000 }).catch(() => undefined);
    await expect(page.getByTestId("offline-banner")).toBeHidden({ timeout: 30_000 });
    await expect(page.getByTestId("pill-connection")).toHaveAttribute("data-state", "online");
    await expect(page.getByTestId("ws-state")).toHaveText(/live/i, { timeout: 20_000 });
    // A new backend process (new boot_id) that still has the session: the conversation stays.
    const boot = ((await (await api.get("/api/v1/system/status")).json()) as { boot_id: string }).boot_id;
    await expect.poll(() => page.evaluate(() => localStorage.getItem("venom-boot-id"))).toBe(boot);
    await expect(page.getByTestId("session-id")).toHaveText(sid);
    await expect(page.locator(`[data-testid=bubble-assistant][data-task-id="${answered}"]`)).toHaveAttribute("data-status", "COMPLETED");
    await send(page, "help");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
    await expect(page.getByTestId("session-id")).toHaveText(sid);
  });
});
