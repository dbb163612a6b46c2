import { expect, fitsPhones, shot, test } from "./fixtures";

type Cfg = { config: Record<string, string>; pending: Record<string, unknown> };

test.describe("Config settings", () => {
  test("settings are grouped by area with a description, filtered by text and area; a saved change says to restart", async ({ page, api }) => {
    const cfg = async () => (await (await api.get("/api/v1/config/runtime")).json()) as Cfg;
    const all = Object.keys((await cfg()).config);
    await page.goto("/config");
    const params = page.getByTestId("parameters");
    const group = (id: string) => params.locator(`[data-testid=config-group][data-group=${id}]`);

    // Every setting the API answers is on the screen, each under one area with its description.
    await expect(params.getByTestId("param-row")).toHaveCount(all.length);
    expect(await params.locator("[data-testid=config-group] [data-testid=param-row]").count()).toBe(all.length);
    await expect(group("server").getByRole("heading", { name: "Server and security" })).toBeVisible();
    await expect(group("server").getByTestId("config-group-desc")).toContainText("Where the API listens");
    await expect(group("server").locator("[data-testid=param-row][data-key=VENOM_PORT]")).toBeVisible();
    // ...and each setting with its own one-line description, from the settings' field descriptions.
    const described = (await (await api.get("/api/v1/config/runtime")).json()) as { descriptions: Record<string, string> };
    await expect(group("server").locator("[data-testid=param-row][data-key=VENOM_PORT] [data-testid=param-desc]"))
      .toHaveText(described.descriptions.VENOM_PORT ?? "API port");
    expect(all.every((k) => (described.descriptions[k] ?? "").length > 0)).toBe(true);
    await expect(group("ollama").locator("[data-testid=param-row][data-key=VENOM_OLLAMA_PROFILE]")).toBeVisible();
    await expect(group("memory").locator("[data-testid=param-row][data-key=VENOM_MEMORY_ENABLED]")).toBeVisible();
    await expect(group("tools").locator("[data-testid=param-row][data-key=VENOM_APPROVAL_TIMEOUT_S]")).toBeVisible();
    // The grouping table covers every setting the API has today: nothing falls through to "other".
    await expect(group("other")).toHaveCount(0);
    await shot(page, "config-groups");

    // The filter matches names (and values), and an area's title or description.
    const filter = params.getByTestId("param-filter");
    await filter.fill("venom_port");
    await expect(params.getByTestId("param-row")).toHaveCount(1);
    await expect(params.getByTestId("config-group")).toHaveCount(1);
    await expect(group("server").getByTestId("param-row")).toHaveAttribute("data-key", "VENOM_PORT");
    await filter.fill("long-term memory");
    await expect(params.getByTestId("config-group")).toHaveCount(1);
    await expect(group("memory").getByTestId("param-row")).toHaveCount(all.filter((k) => k.startsWith("VENOM_MEMORY_")).length);
    await filter.fill("no-such-setting-anywhere");
    await expect(params.getByTestId("param-no-match")).toBeVisible();
    await expect(params.getByTestId("param-row")).toHaveCount(0);
    await filter.fill("");
    await params.getByTestId("param-area").selectOption("documents");
    await expect(params.getByTestId("config-group")).toHaveCount(1);
    await expect(group("documents").getByTestId("param-row")).toHaveCount(all.filter((k) => k.startsWith("VENOM_DOCUMENT_")).length);
    await params.getByTestId("param-area").selectOption("");

    // A secret's editor never shows the value and takes a new one as a password.
    const key = group("models").locator("[data-testid=param-row][data-key=OPENAI_API_KEY]");
    await key.getByRole("button", { name: "Edit OPENAI_API_KEY" }).click();
    await expect(key.getByTestId("param-input")).toHaveAttribute("type", "password");
    await expect(key.getByTestId("param-input")).toHaveValue("");
    await key.getByRole("button", { name: "Cancel" }).click();

    // A saved change applies at the next start: the screen says so, on its area and how to restart.
    await expect(page.getByTestId("restart-note")).toHaveCount(0);
    const saved = await api.post("/api/v1/config/runtime", { data: { updates: { VENOM_SESSION_HISTORY_TURNS: "12" } } });
    expect(saved.ok()).toBe(true);
    try {
      await page.reload();
      await expect(page.getByTestId("restart-note")).toContainText("restart Venom to apply");
      await expect(group("agents").getByTestId("group-restart")).toHaveText("1 after restart");
      await expect(page.getByTestId("pending-restart")).toContainText("Restart Venom to apply");
      await shot(page, "config-restart");
      await fitsPhones(page, "mobile-config-groups", [360, 430]);
    } finally {
      const reset = await api.post("/api/v1/config/runtime", { data: { updates: { VENOM_SESSION_HISTORY_TURNS: null } } });
      expect(reset.ok()).toBe(true);
    }
    expect((await cfg()).pending).toEqual({});
    await page.reload();
    await expect(page.getByTestId("restart-note")).toHaveCount(0);
  });
});
