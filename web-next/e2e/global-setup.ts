import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, killGroup, readState, startBackend, startUi, writeState, type StackState } from "./stack";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "venom-e2e-"));
  process.env.VENOM_E2E_STATE = path.join(dir, "state.json");
  const state: StackState = { dir, apiPort: await freePort(), uiPort: await freePort(), apiPid: null, uiPid: null };
  writeState(state);
  state.apiPid = await startBackend(state);
  writeState(state);
  state.uiPid = await startUi(state);
  writeState(state);
  console.log(`e2e stack: api :${state.apiPort}, ui :${state.uiPort}, logs in ${dir}`);
  return async () => {
    const s = readState();
    await killGroup(s.uiPid);
    await killGroup(s.apiPid);
  };
}
