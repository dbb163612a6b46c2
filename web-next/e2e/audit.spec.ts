import { expect, test } from "./fixtures";

test.describe("Audit trail", () => {
  test("Config lists admin actions with who and from where, live", async ({ page, api }) => {
    expect((await api.post("/api/v1/queue/pause")).ok()).toBe(true);
    try {
      await page.goto("/config");
      await expect(page.getByTestId("pill-connection")).toHaveAttribute("data-state", "online");
      const pause = page.getByTestId("audit-row").and(page.locator("[data-action='queue.pause']")).first();
      await expect(pause).toHaveAttribute("data-outcome", "success");
      await expect(pause.getByTestId("audit-who")).toContainText("local owner");
      await expect(pause.getByTestId("audit-who")).toContainText("127.0.0.1");
    } finally {
      expect((await api.post("/api/v1/queue/resume")).ok()).toBe(true);
    }
    // The resume arrives as an AUDIT_ACTION event on /ws/events: the panel shows it without a reload.
    await expect(page.getByTestId("audit-row").first()).toHaveAttribute("data-action", "queue.resume");
  });

  test("a client that is not admin sees the API's refusal instead of the trail", async ({ browser, baseURL }) => {
    // A LAN client behind a reverse proxy on this machine: uvicorn trusts X-Forwarded-For from loopback.
    const remote = await browser.newContext({ baseURL, extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.10" } });
    try {
      const page = await remote.newPage();
      await page.goto("/config");
      await expect(page.getByTestId("audit").getByTestId("error-state")).toContainText("Refused by the API");
      await expect(page.getByTestId("audit-row")).toHaveCount(0);
    } finally {
      await remote.close();
    }
  });
});
