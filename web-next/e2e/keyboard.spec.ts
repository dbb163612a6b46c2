import { expect, lastAnswer, send, test } from "./fixtures";

test.describe("Keyboard", () => {
  test("skip link first, then the navigation; the skip link lands on the content", async ({ page }) => {
    await page.goto("/");
    await page.keyboard.press("Tab");
    await expect(page.getByTestId("skip-link")).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByTestId("nav-cockpit")).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByTestId("nav-brain")).toBeFocused();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await expect(page.getByTestId("skip-link")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.locator("#content")).toBeFocused();
  });

  test("/ focuses the composer unless typing in a field", async ({ page }) => {
    await page.goto("/");
    await page.locator("main h1").first().click();
    await page.keyboard.press("/");
    const prompt = page.getByTestId("prompt-input");
    await expect(prompt).toBeFocused();
    await expect(prompt).toHaveValue("");
    // In a field the slash is just a character.
    await page.getByTestId("events-filter").fill("");
    await page.getByTestId("events-filter").press("/");
    await expect(page.getByTestId("events-filter")).toHaveValue("/");
    await expect(prompt).not.toBeFocused();
  });

  test("Enter sends a complete slash command; an incomplete one is completed", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("new-chat").click();
    const prompt = page.getByTestId("prompt-input");
    await prompt.fill("/gi");
    await expect(page.getByTestId("suggestions")).toBeVisible();
    await prompt.press("Enter");
    await expect(prompt).toHaveValue("/git ");

    // `/git` is complete although `/github` starts with it: Enter sends (a bare command asks for content).
    await prompt.fill("/git");
    await expect(page.getByTestId("suggestions")).toBeVisible();
    await prompt.press("Enter");
    await expect(prompt).not.toHaveValue("/github ");
    await expect(page.getByTestId("toasts").locator(".toast--error")).toBeVisible();

    // Text that no command starts with is sent as it is.
    await prompt.fill("/help");
    await prompt.press("Enter");
    await expect(page.getByTestId("bubble-user").last()).toContainText("/help");
    await expect(prompt).toHaveValue("");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
  });

  test("Purge and Emergency stop sit behind a menu and ask first", async ({ page, api }) => {
    await page.goto("/");
    await expect(page.getByTestId("queue-purge")).toHaveCount(0);
    await page.getByTestId("queue-more").click();
    await expect(page.getByTestId("queue-menu")).toBeVisible();
    await expect(page.getByTestId("queue-purge")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("queue-menu")).toHaveCount(0);
    await expect(page.getByTestId("queue-more")).toBeFocused();

    await page.getByTestId("queue-more").click();
    await page.getByTestId("queue-emergency-stop").click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByTestId("confirm-cancel").click();
    await expect(dialog).toHaveCount(0);
    const queue = (await (await api.get("/api/v1/queue/status")).json()) as { paused: boolean };
    expect(queue.paused).toBe(false);
  });

  test("the live feed shows the important events by default, the rest under All", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("new-chat").click();
    await send(page, "/help");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
    await expect(page.getByTestId("events-important")).toHaveAttribute("aria-pressed", "true");
    const list = page.getByTestId("events-list");
    await expect(list.locator("[data-type=TASK_COMPLETED]").first()).toBeVisible();
    const important = await list.locator("[data-type]").evaluateAll((els) => els.map((e) => e.getAttribute("data-type") ?? ""));
    for (const type of important) expect(type).toMatch(/^(TASK_(CREATED|STARTED|COMPLETED|FAILED|ABORTED|REQUEUED)|TOOL_USAGE|TOOL_CALL_\w+|QUEUE_\w+|EMERGENCY_STOP)$|FAIL|ERROR/);
    await expect(page.getByTestId("events-hidden")).toBeVisible();
    await page.getByTestId("events-hidden").click();
    await expect(page.getByTestId("events-all")).toHaveAttribute("aria-pressed", "true");
    expect(await list.locator("[data-type]").count()).toBeGreaterThan(important.length);
  });
});
