/** The `mcpServers` JSON between the API's view and a PUT, and the JSON a person pastes. */
import type { McpConfig, McpServerConfig, McpServersView } from "@/lib/api/types";

type Servers = NonNullable<McpConfig["mcpServers"]>;

/** One server's entry as the API will validate it. Only `disabled` needs a value here (the body
 *  type requires it; the API's default is false); every other field goes as given. */
function entry(raw: Record<string, unknown>): McpServerConfig | null {
  if (raw.disabled !== undefined && typeof raw.disabled !== "boolean") return null;
  return { ...raw, disabled: raw.disabled === true };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The config as shown (secrets masked: a masked value sent back keeps the stored one). */
export function configOf(view: McpServersView | null): Servers {
  const out: Servers = {};
  for (const [name, raw] of Object.entries(view?.mcpServers ?? {})) {
    const e = entry(raw);
    if (e) out[name] = e;
  }
  return out;
}

export type Parsed =
  | { ok: true; servers: Servers }
  | { ok: false; error: "invalid"; reason: string }
  | { ok: false; error: "notObject" | "noServers" | "badDisabled" };

/** Pasted text: `{"mcpServers": {...}}` as other MCP clients write it, or just `{name: {...}}`. */
export function parseServers(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: "invalid", reason: err instanceof Error ? err.message : String(err) };
  }
  if (!isObject(value)) return { ok: false, error: "notObject" };
  const map = "mcpServers" in value ? value.mcpServers : value;
  if (!isObject(map)) return { ok: false, error: "notObject" };
  const servers: Servers = {};
  for (const [name, raw] of Object.entries(map)) {
    if (!isObject(raw)) return { ok: false, error: "notObject" };
    const e = entry(raw);
    if (!e) return { ok: false, error: "badDisabled" };
    servers[name] = e;
  }
  if (Object.keys(servers).length === 0) return { ok: false, error: "noServers" };
  return { ok: true, servers };
}
