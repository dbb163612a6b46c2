/**
 * Slash commands and provider mentions typed in the composer. The command token is stripped and
 * turned into `forced_tool` / `forced_provider`; the badge shows the literal token.
 * Tool names mirror the backend's TOOL_ALIASES (venom_core/core/intents.py).
 */
export const TOOL_COMMANDS = [
  "assistant", "browser", "chrono", "complexity", "compose", "core", "docs", "file", "gcal", "git",
  "github", "hf", "input", "media", "parallel", "platform", "render", "research", "shell", "test", "web",
] as const;

export const PROVIDER_MENTIONS = { gpt: "gpt", gem: "gem" } as const;

export interface Suggestion {
  token: string;
  /** The dictionary key of its one-line hint (`slash.*`), so the hint follows the UI language. */
  hint: SlashHint;
}

export type SlashHint = "clear" | "git" | "file" | "web" | "docs" | "compose" | "plan" | "chrono" | "core" | "test" | "tool" | "gpt" | "gem";

const TOOL_HINTS: Partial<Record<(typeof TOOL_COMMANDS)[number], SlashHint>> = {
  git: "git",
  file: "file",
  web: "web",
  research: "web",
  docs: "docs",
  compose: "compose",
  parallel: "plan",
  complexity: "plan",
  chrono: "chrono",
  core: "core",
  test: "test",
};

export const ALL_SUGGESTIONS: Suggestion[] = [
  { token: "/clear", hint: "clear" },
  ...TOOL_COMMANDS.map((c) => ({ token: `/${c}`, hint: TOOL_HINTS[c] ?? ("tool" as const) })),
  { token: "/tool", hint: "tool" },
  { token: "/gpt", hint: "gpt" },
  { token: "/gem", hint: "gem" },
  { token: "@gpt", hint: "gpt" },
  { token: "@gem", hint: "gem" },
];

/** Up to 3 prefix matches for the token being typed (only while it has no space after it). */
export function suggest(input: string): Suggestion[] {
  const m = /^([/@][\w-]*)$/.exec(input.trimStart());
  if (!m) return [];
  const typed = (m[1] ?? "").toLowerCase();
  const pool = typed.startsWith("@") ? ALL_SUGGESTIONS.filter((s) => s.token.startsWith("@")) : ALL_SUGGESTIONS.filter((s) => s.token.startsWith("/"));
  return pool.filter((s) => s.token.startsWith(typed) && s.token !== typed).slice(0, 3);
}

/** True when `input` is exactly one known command or mention (nothing after it), e.g. `/git`. */
export function isCompleteToken(input: string): boolean {
  const typed = input.trim().toLowerCase();
  return ALL_SUGGESTIONS.some((s) => s.token === typed);
}

export interface ParsedInput {
  content: string;
  forcedTool?: string;
  forcedProvider?: string;
  /** `/clear`: start a new session, then send the rest (if any). */
  clear: boolean;
  /** The literal token for the "forced" badge, e.g. "/git" or "@gpt". */
  badge?: string;
}

export function parseInput(raw: string): ParsedInput {
  const text = raw.trim();
  // `/tool <tool id> question`: force one registry tool by its id (`builtin:time_now`, `mcp:fs:read`).
  const byId = /^\/tool\s+([\w-]+:[\w.:-]+)(?:\s+([\s\S]*))?$/i.exec(text);
  if (/^\/tool$/i.test(text)) return { content: "", clear: false }; // a bare `/tool` names no tool: nothing to send
  if (byId) return { content: (byId[2] ?? "").trim(), forcedTool: byId[1], clear: false, badge: `/tool ${byId[1] ?? ""}` };
  const m = /^([/@])([\w-]+)(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) return { content: text, clear: false };
  const sigil = m[1] ?? "";
  const name = (m[2] ?? "").toLowerCase();
  const rest = (m[3] ?? "").trim();
  if (sigil === "/" && name === "clear") return { content: rest, clear: true };
  if (name in PROVIDER_MENTIONS) return { content: rest, forcedProvider: name, clear: false, badge: `${sigil}${name}` };
  if (sigil === "/" && (TOOL_COMMANDS as readonly string[]).includes(name)) {
    return { content: rest, forcedTool: name, clear: false, badge: `/${name}` };
  }
  return { content: text, clear: false };
}
