/**
 * The real stack for browser tests: the Venom backend (`python -m venom_core`, embedded model,
 * temp data dir, free port) and the BUILT standalone UI. The state lives in a JSON file so a test
 * can stop and restart the backend (API-down scenario) and the teardown can clean up.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export const WEB_ROOT = path.resolve(__dirname, "..");
export const REPO_ROOT = path.resolve(WEB_ROOT, "..");

export interface StackState {
  dir: string;
  apiPort: number;
  uiPort: number;
  apiPid: number | null;
  uiPid: number | null;
}

export const apiBase = (s: StackState) => `http://127.0.0.1:${s.apiPort}`;
export const uiBase = (s: StackState) => `http://127.0.0.1:${s.uiPort}`;

export function statePath(): string {
  const p = process.env.VENOM_E2E_STATE;
  if (!p) throw new Error("VENOM_E2E_STATE is not set (global setup did not run)");
  return p;
}
export const readState = (): StackState => JSON.parse(readFileSync(statePath(), "utf8")) as StackState;
export const writeState = (s: StackState) => writeFileSync(statePath(), JSON.stringify(s, null, 2));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs} ms (${last})`);
}

export async function startBackend(s: StackState): Promise<number> {
  const py = process.env.VENOM_PYTHON ?? path.join(REPO_ROOT, ".venv", "bin", "python");
  mkdirSync(path.join(s.dir, "workspace"), { recursive: true });
  const log = openSync(path.join(s.dir, "backend.log"), "a");
  const child = spawn(py, ["-m", "venom_core"], {
    cwd: s.dir,
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      ENV_FILE: path.join(s.dir, "none.env"),
      PYTHONPATH: REPO_ROOT,
      VENOM_HOST: "127.0.0.1",
      VENOM_PORT: String(s.apiPort),
      VENOM_DATA_DIR: path.join(s.dir, "data"),
      VENOM_LOG_DIR: path.join(s.dir, "logs"),
      VENOM_WORKSPACE: path.join(s.dir, "workspace"),
      VENOM_RATE_LIMIT_ENABLED: "false",
      VENOM_UI_ORIGINS: uiBase(s),
      HF_HUB_OFFLINE: "1",
    },
  });
  child.unref();
  await waitFor(`${apiBase(s)}/healthz`, 90_000, "the Venom backend");
  return child.pid ?? 0;
}

export async function startUi(s: StackState): Promise<number> {
  const log = openSync(path.join(s.dir, "ui.log"), "a");
  const child = spawn(process.execPath, [path.join(WEB_ROOT, ".next", "standalone", "server.js")], {
    cwd: WEB_ROOT,
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      PORT: String(s.uiPort),
      HOSTNAME: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_PUBLIC_API_BASE: apiBase(s),
      NEXT_PUBLIC_WS_BASE: `ws://127.0.0.1:${s.apiPort}/ws/events`,
    },
  });
  child.unref();
  await waitFor(uiBase(s), 60_000, "the standalone UI (run `npm run build` first)");
  return child.pid ?? 0;
}

/** Kill a whole process group (uvicorn/next may have children) and wait until it is gone. */
export async function killGroup(pid: number | null): Promise<void> {
  if (!pid) return;
  for (const sig of ["SIGTERM", "SIGKILL"] as const) {
    try {
      process.kill(-pid, sig);
    } catch {
      return;
    }
    for (let i = 0; i < 40; i++) {
      try {
        process.kill(-pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function stopBackend(): Promise<void> {
  const s = readState();
  await killGroup(s.apiPid);
  writeState({ ...s, apiPid: null });
}

export async function restartBackend(): Promise<void> {
  const s = readState();
  const pid = await startBackend(s);
  writeState({ ...s, apiPid: pid });
}
