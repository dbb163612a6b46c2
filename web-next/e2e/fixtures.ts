import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import path from "node:path";
import { REPO_ROOT, apiBase, readState, uiBase } from "./stack";

export const SCREENSHOTS = path.join(REPO_ROOT, "docs", "screenshots");

interface Fixtures {
  api: APIRequestContext;
  apiUrl: string;
}

/** `baseURL` is the built UI; `api` talks to the same real backend the UI uses. */
export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => {
    await use(uiBase(readState()));
  },
  apiUrl: async ({}, use) => {
    await use(apiBase(readState()));
  },
  api: async ({ playwright }, use) => {
    const ctx = await playwright.request.newContext({ baseURL: apiBase(readState()) });
    await use(ctx);
    await ctx.dispose();
  },
});

export { expect };

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId("prompt-input").fill(text);
  await page.getByTestId("send-button").click();
}

export const lastAnswer = (page: Page) => page.getByTestId("bubble-assistant").last();

export async function llmReady(api: APIRequestContext): Promise<boolean> {
  const status = (await (await api.get("/api/v1/system/status")).json()) as { llm_runtime?: { status?: string; model?: string | null } };
  return !!status.llm_runtime?.model && status.llm_runtime.status !== "unavailable";
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Text without Markdown markers and with single spaces, for comparing a rendered prefix with the
 *  rendered whole: markers of an element still being written render literally until it is complete. */
export function plainWords(text: string): string {
  return text.replace(/[*_`#>|~[\]()\\]/g, "").replace(/\s+/g, " ").trim();
}

export async function renderedText(locator: import("@playwright/test").Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, " ").trim();
}

/** At each phone width (a screenshot at 390 px when named) the page is no wider than the viewport (no sideways scroll); then back to the desktop size. */
export async function fitsPhones(page: Page, shotName?: string, widths: readonly number[] = [360, 390, 430]): Promise<void> {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), { message: `${page.url()} at ${width} px` }).toBeLessThanOrEqual(0);
    if (shotName && width === 390) await shot(page, shotName);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}
