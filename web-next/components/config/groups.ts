/** Which area a setting belongs to, by its name. `GET /api/v1/config/runtime` answers names and
 *  values only (no group, no description), so the grouping lives here, keyed by name prefix; the
 *  longest matching prefix wins (`VENOM_OLLAMA_` is Ollama, not the generic `VENOM_`). A setting no
 *  prefix claims lands in "other", so a new setting is never hidden. The order here is the order on
 *  the screen. Titles and one-line descriptions are in the locale files under `cfgGroups`. */
export const GROUPS = [
  { id: "server", prefixes: ["VENOM_HOST", "VENOM_PORT", "VENOM_API_TOKEN", "VENOM_UI_ORIGINS", "VENOM_RATE_LIMIT_", "VENOM_MAX_BODY_BYTES", "VENOM_TRUSTED_PROXIES", "VENOM_ALLOWED_HOSTS", "VENOM_WS_MAX_", "VENOM_SSE_MAX_"] },
  { id: "models", prefixes: ["LLM_", "AI_MODE", "PAID_MODE", "SENSITIVE_DATA", "OPENAI_", "GOOGLE_", "ANTHROPIC_", "VENOM_EMBEDDED_", "VENOM_ONNX_", "VENOM_LLM_", "VENOM_OPENAI_COMPATIBLE_", "VENOM_CLOUD_", "VENOM_HYBRID_", "VENOM_PROVIDER_", "VENOM_MODEL_PRICES", "VENOM_RUNTIME_PROFILE"] },
  { id: "ollama", prefixes: ["OLLAMA_", "VENOM_OLLAMA_"] },
  { id: "agents", prefixes: ["VENOM_AUTONOMY_", "INTENT_", "VENOM_SESSION_", "VENOM_MAX_CONTEXT", "VENOM_SEARCH_", "VENOM_WEB_", "VENOM_ARCHITECT_", "VENOM_PLAN_"] },
  { id: "tools", prefixes: ["VENOM_MCP_", "VENOM_TOOL_", "VENOM_APPROVAL_"] },
  { id: "outbound", prefixes: ["VENOM_OUTBOUND_"] },
  { id: "memory", prefixes: ["VENOM_MEMORY_"] },
  { id: "documents", prefixes: ["VENOM_DOCUMENT_"] },
  { id: "retrieval", prefixes: ["VENOM_CHAT_RETRIEVAL", "VENOM_RETRIEVAL_", "VENOM_CHAT_MEMORY_"] },
  { id: "pipeline", prefixes: ["MAX_CONCURRENT_TASKS", "VENOM_SSE_HEARTBEAT_", "VENOM_TASK_", "VENOM_WATCHDOG_", "VENOM_WS_QUEUE_"] },
  { id: "storage", prefixes: ["VENOM_DATA_DIR", "VENOM_DATABASE_", "VENOM_LOG_DIR", "VENOM_WORKSPACE", "VENOM_SQLITE_"] },
  { id: "scale", prefixes: ["VENOM_QUEUE", "VENOM_ROLE", "VENOM_REDIS_", "VENOM_STREAM_"] },
  { id: "web", prefixes: ["NEXT_", "API_PROXY_"] },
  { id: "other", prefixes: [] },
] as const satisfies readonly { id: string; prefixes: readonly string[] }[];

export type GroupId = (typeof GROUPS)[number]["id"];

/** The group of one setting name. */
export function groupOf(name: string): GroupId {
  let best: GroupId = "other";
  let length = 0;
  for (const g of GROUPS) {
    for (const p of g.prefixes as readonly string[]) {
      if (name.startsWith(p) && p.length > length) {
        best = g.id;
        length = p.length;
      }
    }
  }
  return best;
}

/** Setting names by group, in the table's order, each group's names sorted; empty groups left out. */
export function grouped(names: Iterable<string>): [GroupId, string[]][] {
  const by = new Map<GroupId, string[]>();
  for (const name of names) {
    const id = groupOf(name);
    by.set(id, [...(by.get(id) ?? []), name]);
  }
  return GROUPS.filter((g) => by.has(g.id)).map((g) => [g.id, (by.get(g.id) ?? []).sort()]);
}
