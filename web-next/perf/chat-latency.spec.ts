/**
 * Click-to-first-token and click-to-final-answer, measured in the page with performance.now():
 * t0 is the send button's click event, "first token" is the first time the new assistant bubble
 * holds rendered answer text (a MutationObserver, so not an empty placeholder), "final" is when it
 * turns COMPLETED. Median of 10 runs after one warm-up, for Normal and Direct mode. The numbers are
 * written into docs/PERFORMANCE.md between the web-ui-perf markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, llmReady, test } from "../e2e/fixtures";
import { REPO_ROOT } from "../e2e/stack";

const RUNS = Number(process.env.PERF_RUNS ?? 10);
const BUDGET_MS = Number(process.env.PERF_FIRST_TOKEN_BUDGET_MS ?? 400);
const PROMPT = "What is the capital of France? Answer in one sentence.";

/** serverFirst: the backend's own share (task created → first token), from the task's timings. */
interface Sample { firstToken: number; final: number; chunks: number; serverFirst: number | null }

declare global {
  interface Window { __perf?: { t0: number; first: number | null; final: number | null; before: number } }
}

async function arm(page: Page): Promise<void> {
  await page.evaluate(() => {
    const before = document.querySelectorAll("[data-testid=bubble-assistant]").length;
    const state = { t0: 0, first: null as number | null, final: null as number | null, before };
    window.__perf = state;
    document.querySelector("[data-testid=send-button]")?.addEventListener("click", () => { state.t0 = performance.now(); }, { once: true, capture: true });
    const check = () => {
      const bubbles = document.querySelectorAll("[data-testid=bubble-assistant]");
      if (bubbles.length <= state.before) return;
      const b = bubbles[bubbles.length - 1]!;
      const text = b.querySelector("[data-testid=answer-text]")?.textContent ?? "";
      if (state.first === null && text.trim().length > 0) state.first = performance.now();
      if (state.final === null && b.getAttribute("data-status") === "COMPLETED") state.final = performance.now();
      if (state.final !== null) obs.disconnect();
    };
    const obs = new MutationObserver(check);
    obs.observe(document.querySelector("[data-testid=messages]")!, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

async function once(page: Page, api: APIRequestContext): Promise<Sample> {
  await page.getByTestId("prompt-input").fill(PROMPT);
  await arm(page);
  await page.getByTestId("send-button").click();
  const last = page.getByTestId("bubble-assistant").last();
  await expect(last).toHaveAttribute("data-status", /COMPLETED|FAILED/);
  await expect(last).toHaveAttribute("data-status", "COMPLETED");
  const s = await page.evaluate(() => window.__perf!);
  const taskId = await last.getAttribute("data-task-id");
  let serverFirst: number | null = null;
  if (taskId) {
    const task = (await (await api.get(`/api/v1/tasks/${taskId}`)).json()) as { timings: Record<string, number | null> };
    const { queue_ms: q, first_token_ms: f } = task.timings;
    serverFirst = typeof q === "number" && typeof f === "number" ? q + f : null;
  }
  return { firstToken: (s.first ?? NaN) - s.t0, final: (s.final ?? NaN) - s.t0, chunks: Number(await last.getAttribute("data-chunks")), serverFirst };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r = (x: number) => Math.round(x);

const results: Record<string, Sample[]> = {};

for (const mode of ["normal", "direct"] as const) {
  test(`chat latency, ${mode} mode (median of ${RUNS})`, async ({ page, api }) => {
    expect(await llmReady(api), "the embedded model is not available").toBe(true);
    await page.goto("/");
    await expect(page.getByTestId("ws-state")).toHaveText(/live/i);
    await page.getByTestId(`mode-${mode}`).click();
    await once(page, api); // warm-up: model load and first compile
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.getByTestId("new-chat").click();
      samples.push(await once(page, api));
    }
    results[mode] = samples;
    const first = samples.map((s) => s.firstToken);
    const final = samples.map((s) => s.final);
    console.log(`${mode}: first token median ${r(median(first))} ms (min ${r(Math.min(...first))}, max ${r(Math.max(...first))}); final median ${r(median(final))} ms`);
    test.info().annotations.push({ type: "latency", description: `${mode}: first token ${r(median(first))} ms, final ${r(median(final))} ms` });
  });
}

test.afterAll(() => {
  const rows = Object.entries(results).map(([mode, samples]) => {
    const first = samples.map((s) => s.firstToken);
    const final = samples.map((s) => s.final);
    const server = samples.map((s) => s.serverFirst).filter((x): x is number => x !== null);
    return `| ${mode === "normal" ? "Normal (task + SSE)" : "Direct (/llm/simple/stream)"} | ${samples.length} | **${r(median(first))}** | ${r(Math.min(...first))}–${r(Math.max(...first))} | ${r(median(final))} | ${r(Math.min(...final))}–${r(Math.max(...final))} | ${server.length ? r(median(server)) : "n/a"} | ${first.every((x) => x <= BUDGET_MS) ? "yes" : median(first) <= BUDGET_MS ? "median yes" : "no"} |`;
  });
  if (rows.length === 0) return;
  const table = [
    `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm --prefix web-next run test:perf\` (Chromium, built UI, real backend, embedded SmolLM2-135M, prompt "${PROMPT}").`,
    "",
    `| Mode | Runs | First token, median ms | First token, range | Final answer, median ms | Final, range | of which backend (task created → first token), median ms | ≤ ${BUDGET_MS} ms |`,
    "|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  const file = path.join(REPO_ROOT, "docs", "PERFORMANCE.md");
  const doc = readFileSync(file, "utf8");
  const start = "<!-- web-ui-perf:start -->";
  const end = "<!-- web-ui-perf:end -->";
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) {
    console.warn(`docs/PERFORMANCE.md has no ${start} … ${end} block; results not written:\n${table}`);
    return;
  }
  writeFileSync(file, `${doc.slice(0, a + start.length)}\n${table}\n${doc.slice(b)}`);
});
