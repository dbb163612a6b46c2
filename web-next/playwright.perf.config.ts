import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS } from "./playwright.config";

/** Chat latency in the real browser against the real backend with the embedded model. */
export default defineConfig({
  testDir: "./perf",
  globalSetup: "./e2e/global-setup.ts",
  workers: 1,
  retries: 0,
  timeout: 600_000,
  expect: { timeout: 120_000 },
  reporter: [["list"]],
  outputDir: "test-results/perf",
  use: {
    browserName: "chromium",
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS },
  },
});
