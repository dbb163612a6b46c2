import path from "node:path";
import { expect, fitsPhones, shot, test } from "./fixtures";
import { REPO_ROOT } from "./stack";

// The real MCP test server (built with the SDK), run by the python the backend runs on.
const PYTHON = process.env.VENOM_PYTHON ?? path.join(REPO_ROOT, ".venv", "bin", "python");
const DEMO = path.join(REPO_ROOT, "tests", "tools", "servers", "demo_server.py");
const STARTED_MS = 60_000;

interface Servers { mcpServers: Record<string, unknown>; servers: { name: string; status: string }[] }
interface Tools { tools: { id: string; source: string; function_name: string; policy: string; policy_source: string }[] }

test.describe("Tools", () => {
  // The policy test puts back the default even when it fails midway, so later specs see the defaults.
  test.afterEach(async ({ api }) => {
    expect((await api.put(`/api/v1/tools/${encodeURIComponent("builtin:workspace_list")}/policy`, { data: { policy: null } })).ok()).toBe(true);
  });

  test("an MCP server added by its JSON gets ready with its tools, restarts and is removed; bad JSON shows an error", async ({ page, api }) => {
    test.setTimeout(180_000);
    await page.goto("/tools");
    await expect(page.locator("main h1")).toHaveText("Tools");
    await expect(page.getByTestId("tools-builtin").getByTestId("tool-row").first()).toBeVisible();
    const field = page.getByLabel("Server JSON");

    // Not JSON at all: refused in the page, nothing is sent.
    await field.fill('{"mcpServers": {"demo": ');
    await page.getByTestId("mcp-save").click();
    await expect(page.getByTestId("mcp-json-error")).toContainText("The JSON is not valid");
    // JSON that the API's validation refuses: its sentence is shown and the config is unchanged.
    await field.fill(JSON.stringify({ mcpServers: { broken: { args: ["x"] } } }));
    await page.getByTestId("mcp-save").click();
    await expect(page.getByTestId("mcp-json-error")).toHaveCount(0);
    await expect(page.getByTestId("mcp-add").getByTestId("error-state")).toContainText("either 'command'");
    expect(((await (await api.get("/api/v1/mcp/servers")).json()) as Servers).mcpServers).not.toHaveProperty("broken");

    // The real server, pasted as other MCP clients write it, saved with the keyboard.
    await field.fill(JSON.stringify({ mcpServers: { demo: { command: PYTHON, args: [DEMO] } } }, null, 2));
    await page.keyboard.press("Tab");
    await expect(page.getByTestId("mcp-save")).toBeFocused();
    await page.keyboard.press("Enter");
    const card = page.locator("[data-testid=mcp-server][data-name=demo]");
    await expect(card).toHaveAttribute("data-status", "ready", { timeout: STARTED_MS });
    await expect(card.getByTestId("mcp-server-status")).toHaveText("Ready");
    await expect(card.getByTestId("tool-name").filter({ hasText: /^demo__echo$/ })).toBeVisible();
    const listed = ((await (await api.get("/api/v1/tools")).json()) as Tools).tools.filter((x) => x.source === "mcp:demo");
    expect(listed.length).toBeGreaterThan(0);
    await expect(card.getByTestId("tool-row")).toHaveCount(listed.length);
    await shot(page, "tools");

    // A server that cannot start shows its status and the reason.
    await field.fill(JSON.stringify({ nowhere: { command: "/nonexistent/venom-mcp-server" } }));
    await page.getByTestId("mcp-save").click();
    const broken = page.locator("[data-testid=mcp-server][data-name=nowhere]");
    await expect(broken).toHaveAttribute("data-status", "error", { timeout: STARTED_MS });
    await expect(broken.getByTestId("mcp-server-error")).not.toBeEmpty();
    await expect(card).toHaveAttribute("data-status", "ready");
    await fitsPhones(page, "mobile-tools-servers");

    await card.getByTestId("mcp-restart").click();
    await expect(card).toHaveAttribute("data-status", "ready", { timeout: STARTED_MS });

    for (const name of ["nowhere", "demo"]) {
      await page.locator(`[data-testid=mcp-server][data-name=${name}]`).getByTestId("mcp-remove").click();
      await page.getByTestId("confirm-dialog").filter({ visible: true }).getByTestId("confirm-ok").click();
      await expect(page.locator(`[data-testid=mcp-server][data-name=${name}]`)).toHaveCount(0);
    }
    const after = (await (await api.get("/api/v1/mcp/servers")).json()) as Servers;
    expect(Object.keys(after.mcpServers)).toEqual([]);
    await expect.poll(async () => ((await (await api.get("/api/v1/tools")).json()) as Tools).tools.filter((x) => x.source === "mcp:demo").length).toBe(0);
    await expect(page.getByTestId("tool-name").filter({ hasText: /^demo__/ })).toHaveCount(0);
  });

  test("a tool's policy is set from its row, shown as set, reset to the default, and refused inline when not admin", async ({ page, api, browser, baseURL }) => {
    const ID = "builtin:workspace_list"; // a read tool: allowed by default at every level
    const policyOf = async () => {
      const tool = ((await (await api.get("/api/v1/tools")).json()) as Tools).tools.find((x) => x.id === ID);
      return { policy: tool?.policy, source: tool?.policy_source };
    };
    expect(await policyOf()).toEqual({ policy: "allow", source: "default" });
    await page.goto("/tools");
    const row = page.locator(`[data-testid=tool-row][data-tool-id="${ID}"]`);
    const control = row.getByTestId("tool-policy");
    const select = row.getByRole("combobox", { name: "Approval policy of workspace_list" });
    await expect(control).toHaveAttribute("data-source", "default");
    await expect(select).toHaveValue("default");
    await expect(select.locator("option[value=default]")).toHaveText("Default (Allow)");
    await expect(row.getByTestId("tool-policy-source")).toHaveText("default");

    await select.selectOption("deny");
    await expect(control).toHaveAttribute("data-source", "set");
    await expect(control).toHaveAttribute("data-policy", "deny");
    await expect(row.getByTestId("tool-policy-value")).toHaveText("Deny");
    await expect(row.getByTestId("tool-policy-source")).toHaveText("set here");
    expect(await policyOf()).toEqual({ policy: "deny", source: "set" });
    // Kept by the server: a reload shows the set policy.
    await page.reload();
    await expect(select).toHaveValue("deny");
    await shot(page, "tools-policy");

    // With the keyboard: focus the select and move to "ask" (the option after "allow").
    await select.focus();
    await expect(select).toBeFocused();
    await select.press("ArrowUp");
    await expect(control).toHaveAttribute("data-policy", "ask");
    expect(await policyOf()).toEqual({ policy: "ask", source: "set" });

    // Back to the default: null goes to the API, the source says default again.
    await select.selectOption("default");
    await expect(control).toHaveAttribute("data-source", "default");
    await expect(control).toHaveAttribute("data-policy", "allow");
    expect(await policyOf()).toEqual({ policy: "allow", source: "default" });

    // A LAN client (behind a proxy on this machine) is not admin: the API's 403 shows under the control.
    const remote = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 }, extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.10" } });
    try {
      const other = await remote.newPage();
      await other.goto("/tools");
      const theirs = other.locator(`[data-testid=tool-row][data-tool-id="${ID}"]`);
      await theirs.getByTestId("tool-policy-select").selectOption("deny");
      const refusal = theirs.getByTestId("error-state");
      await expect(refusal).toContainText("Refused by the API");
      await expect(theirs.getByTestId("tool-policy")).toHaveAttribute("data-source", "default");
      await expect(theirs.getByTestId("tool-policy-select")).toHaveValue("default");
    } finally {
      await remote.close();
    }
    expect(await policyOf()).toEqual({ policy: "allow", source: "default" });
  });
});
