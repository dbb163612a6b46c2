import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import path from "node:path";
import { expect, llmReady, shot, test } from "./fixtures";
import { REPO_ROOT, freePort, killGroup, readState, restartBackend, stopBackend } from "./stack";

// Against the real backend and the embedded model; the pull runs against the Ollama protocol
// test double (below), the one part that cannot run here for real.
test.describe("Models", () => {
  test.beforeEach(async ({ api }) => {
    await expect.poll(() => llmReady(api), { timeout: 90_000 }).toBe(true);
  });

  test("the embedded model is listed as active, with its size and quantisation", async ({ page, api }) => {
    const status = (await (await api.get("/api/v1/system/status")).json()) as { llm_runtime: { model: string } };
    await page.goto("/models");
    await expect(page.locator("main h1")).toHaveText("Models");
    const row = page.locator(`[data-testid="model-row"][data-provider="embedded"][data-model="${status.llm_runtime.model}"]`);
    await expect(row).toHaveAttribute("data-active", "true");
    await expect(row.getByTestId("model-active")).toBeVisible();
    await expect(row).toContainText("MB");
    await expect(row).toContainText("loaded");
    await shot(page, "models");
  });

  test("a per-model default is saved and shown after a reload", async ({ page, api }) => {
    const status = (await (await api.get("/api/v1/system/status")).json()) as { llm_runtime: { model: string } };
    const path = `/api/v1/models/defaults/embedded/${status.llm_runtime.model}`;
    try {
      await page.goto("/models");
      const editor = page.getByTestId("models-defaults");
      await expect(editor.getByTestId("defaults-model")).toHaveValue(`embedded|${status.llm_runtime.model}`);
      await editor.getByTestId("defaults-temperature").fill("0.3");
      await editor.getByTestId("defaults-top_p").fill("0.9");
      await editor.getByTestId("defaults-save").click();
      await expect(editor.getByTestId("defaults-state")).toHaveText("Defaults are set for this model.");
      await page.reload();
      await expect(editor.getByTestId("defaults-temperature")).toHaveValue("0.3");
      await expect(editor.getByTestId("defaults-top_p")).toHaveValue("0.9");
      await expect(editor.getByTestId("defaults-max_tokens")).toHaveValue("");
      const stored = (await (await api.get(path)).json()) as { temperature: number; top_p: number; is_set: boolean };
      expect(stored).toMatchObject({ temperature: 0.3, top_p: 0.9, is_set: true });
    } finally {
      await api.delete(path); // the other specs' answers use the runtime's own defaults
    }
  });

  test("a benchmark of the embedded model runs and shows a row and a bar", async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto("/models");
    await page.getByTestId("models-tab-benchmark").click();
    const picks = page.getByTestId("bench-pick");
    await expect(picks.first()).toBeVisible();
    await expect(page.locator('[data-testid="bench-pick"]:checked')).toHaveCount(1); // the active model
    await page.getByTestId("bench-set").selectOption("quick");
    await page.getByTestId("bench-run").click();
    const result = page.getByTestId("bench-result");
    await expect(result.getByTestId("bench-status")).toHaveText("completed", { timeout: 150_000 });
    await expect(result.locator('[data-testid="bench-row"][data-status="ok"]')).toHaveCount(1);
    const bar = result.getByTestId("bench-chart-tps").getByTestId("chart-bar");
    await expect(bar).toHaveCount(1);
    expect(Number(await bar.getAttribute("data-value"))).toBeGreaterThan(0);
    await shot(page, "models-benchmark");
  });
});

// The Ollama protocol test double (tests/runtimes/protocol_double.py) stands in for an Ollama
// server: the backend is restarted pointed at it, and back to the default afterwards.
test.describe("Models with the Ollama test double", () => {
  let double: ChildProcess | null = null;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const py = process.env.VENOM_PYTHON ?? path.join(REPO_ROOT, ".venv", "bin", "python");
    const gguf = execFileSync(py, ["-c", "from venom_core.runtimes.embedded import default_model_path as d; print(d())"], { cwd: REPO_ROOT, env: { ...process.env, PYTHONPATH: REPO_ROOT } }).toString().trim();
    const port = await freePort();
    const log = openSync(path.join(readState().dir, "double.log"), "a");
    double = spawn(py, ["-m", "tests.runtimes.protocol_double", "--port", String(port), "--model", gguf], { cwd: REPO_ROOT, detached: true, stdio: ["ignore", log, log], env: { ...process.env, PYTHONPATH: REPO_ROOT } });
    const url = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${url}/api/tags`).catch(() => null))?.ok ?? false, { timeout: 120_000 }).toBe(true);
    await stopBackend();
    process.env.VENOM_OLLAMA_ENDPOINT = url;
    await restartBackend();
  });

  test.afterAll(async () => {
    test.setTimeout(180_000);
    await stopBackend();
    delete process.env.VENOM_OLLAMA_ENDPOINT;
    await restartBackend();
    await killGroup(double?.pid ?? null);
  });

  test("a pull shows its progress, is listed after a reload, and the model appears", async ({ page }) => {
    const name = `tinyllama-${Date.now() % 100000}:1b`;
    await page.goto("/models");
    await expect(page.getByTestId("models-runtime-ollama")).toBeVisible();
    await page.getByTestId("pull-name").fill(name);
    await page.getByTestId("pull-start").click();
    const op = page.getByTestId("model-operation").filter({ hasText: name });
    await expect(op).toHaveAttribute("data-status", "completed");
    await expect(op.getByTestId("pull-progress")).toHaveAttribute("data-value", "100");
    await expect(page.locator(`[data-testid="model-row"][data-provider="ollama"][data-model="${name}"]`)).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("model-operation").filter({ hasText: name })).toHaveAttribute("data-status", "completed");
  });
});
