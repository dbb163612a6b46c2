import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, lastAnswer, send, shot, test } from "./fixtures";
import { readState } from "./stack";

const SCREENS = ["/", "/brain", "/documents", "/tools", "/strategy", "/inspector", "/config", "/automations", "/models"] as const;

async function fits(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `page ${page.url()} is wider than the viewport`).toBeLessThanOrEqual(inner);
}

test("the Strategy screen with a roadmap fits a phone", async ({ page, api }) => {
  test.setTimeout(360_000);
  // brain-strategy.spec drafts a roadmap first; run alone, this drafts one (the model writes it).
  const road = (await (await api.get("/api/v1/roadmap")).json()) as { vision: unknown };
  if (!road.vision) {
    const made = await api.post("/api/v1/roadmap/create", { data: { vision: "Ship a tiny command-line todo app" }, timeout: 300_000 });
    expect(made.status()).toBe(201);
  }
  // The longest titles the API takes: words that wrap and one that cannot.
  const milestone = await api.post("/api/v1/roadmap/milestones", { data: { title: "Implement a REST API for managing todos in a single web server ".repeat(4).trim() } });
  expect(milestone.status()).toBe(201);
  const { item } = (await milestone.json()) as { item: { id: string } };
  const task = await api.post(`/api/v1/roadmap/milestones/${item.id}/tasks`, { data: { title: "mongoDbMongoClient".repeat(12) } });
  expect(task.status()).toBe(201);
  for (const width of [360, 390, 430]) {
    await page.setViewportSize({ width, height: 844 });
    await page.goto("/strategy");
    await expect(page.getByTestId("roadmap-task").first()).toBeVisible();
    await fits(page);
    if (width === 390) await shot(page, "mobile-strategy");
  }
});

test.describe("Phones", () => {
  for (const width of [390, 360, 430]) {
    test(`at ${width} px no screen scrolls sideways and the composer is in view`, async ({ page }) => {
      await page.setViewportSize({ width, height: 844 });
      for (const screen of SCREENS) {
        await page.goto(screen);
        await expect(page.locator("main h1").first()).toBeVisible();
        await fits(page);
        if (width === 390) await shot(page, `mobile-${screen === "/" ? "cockpit" : screen.slice(1)}`);
      }
      await page.goto("/");
      await expect(page.getByTestId("prompt-input")).toBeInViewport();
      await expect(page.getByTestId("send-button")).toBeInViewport();
    });
  }

  test("navigation is a drawer at 390 px", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    await expect(page.getByTestId("nav-brain")).toBeHidden();
    await page.getByTestId("nav-menu").click();
    await expect(page.getByTestId("nav-menu")).toHaveAttribute("aria-expanded", "true");
    await expect(page.getByTestId("nav-brain")).toBeVisible();
    await fits(page);
    await shot(page, "mobile-nav-drawer");
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("nav-brain")).toBeHidden();
    await expect(page.getByTestId("nav-menu")).toBeFocused();
    await page.getByTestId("nav-menu").click();
    await page.getByTestId("nav-inspector").click();
    await expect(page).toHaveURL(/\/inspector/);
    await expect(page.getByTestId("nav-inspector")).toBeHidden();
    await fits(page);
  });

  test("long questions, answers and code never widen the page", async ({ page }) => {
    test.setTimeout(180_000);
    const wide = `# ${"x".repeat(30)}\n${"value = '" + "abcdefghij".repeat(40) + "'"}\n`;
    writeFileSync(path.join(readState().dir, "workspace", "wide.py"), wide);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    await page.getByTestId("new-chat").click();
    await send(page, `/help ${"unbroken".repeat(60)}`);
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED");
    await fits(page);
    await send(page, "/file read wide.py");
    await expect(lastAnswer(page)).toHaveAttribute("data-status", "COMPLETED", { timeout: 150_000 });
    await expect(lastAnswer(page).getByTestId("code-block").last()).toBeVisible();
    await fits(page);
    await expect(page.getByTestId("prompt-input")).toBeVisible();
    const taskId = (await lastAnswer(page).getAttribute("data-task-id")) ?? "";
    await page.goto(`/inspector?id=${taskId}`);
    await expect(page.locator("main h1").first()).toBeVisible();
    await fits(page);
  });
});
