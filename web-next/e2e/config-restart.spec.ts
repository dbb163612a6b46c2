import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";

type Cfg = { values: Record<string, unknown>; pending: Record<string, unknown> };
const KEY = "VENOM_SESSION_HISTORY_TURNS";

async function bootId(api: APIRequestContext): Promise<string | null> {
  try {
    const r = await api.get("/api/v1/system/status", { timeout: 5_000 });
    return r.ok() ? ((await r.json()) as { boot_id: string }).boot_id : null;
  } catch {
    return null; // down while it restarts
  }
}

test.describe("Config restart", () => {
  test("saved changes offer a Restart; after it the backend answers again with them active", async ({ page, api }) => {
    test.setTimeout(300_000);
    const cfg = async () => (await (await api.get("/api/v1/config/runtime")).json()) as Cfg;
    const target = (await cfg()).values[KEY] === 19 ? 18 : 19;
    const oldBoot = await bootId(api);
    await page.goto("/config");
    await expect(page.getByTestId("parameters")).toBeVisible();
    await expect(page.getByTestId("restart-button")).toHaveCount(0);
    const saved = await api.post("/api/v1/config/runtime", { data: { updates: { [KEY]: String(target) } } });
    expect(saved.ok(), await saved.text()).toBe(true);
    try {
      await page.reload();
      const pending = page.getByTestId("pending-changes");
      await expect(pending.locator(`[data-testid=pending-row][data-key=${KEY}]`)).toBeVisible();
      const control = pending.getByTestId("restart-control");
      await control.getByTestId("restart-button").click();
      // A confirm first; cancelling changes nothing.
      await expect(control.getByTestId("confirm-dialog")).toBeVisible();
      await control.getByTestId("confirm-cancel").click();
      expect(await bootId(api)).toBe(oldBoot);
      await control.getByTestId("restart-button").click();
      await control.getByTestId("confirm-ok").click();
      // The screen waits for the new process, then reads the config again: nothing is pending.
      await expect(page.getByTestId("pending-changes")).toHaveCount(0, { timeout: 180_000 });
      const newBoot = await bootId(api);
      expect(newBoot).not.toBeNull();
      expect(newBoot).not.toBe(oldBoot);
      const after = await cfg();
      expect(after.values[KEY]).toBe(target);
      expect(after.pending).toEqual({});
      await expect(page.locator(`[data-testid=param-row][data-key=${KEY}]`)).toContainText(String(target));
      await expect(page.getByTestId("offline-banner")).toHaveCount(0);
      // The live feed is back too.
      await page.goto("/");
      await expect(page.getByTestId("ws-state")).toHaveText(/live/i, { timeout: 60_000 });
    } finally {
      // Back to the default for the specs that follow: remove the key, restart once more.
      await api.post("/api/v1/config/runtime", { data: { updates: { [KEY]: null } } });
      const before = await bootId(api);
      const r = await api.post("/api/v1/system/restart", { data: { confirm: true } });
      if (r.status() === 202) await expect.poll(() => bootId(api), { timeout: 180_000, intervals: [500] }).not.toBe(before);
      await expect.poll(() => bootId(api), { timeout: 60_000 }).not.toBeNull();
    }
  });
});
