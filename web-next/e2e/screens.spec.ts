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
});
