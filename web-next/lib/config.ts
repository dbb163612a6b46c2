/**
 * Where the browser finds the API and the event WebSocket.
 *
 * The root layout reads the environment at request time and puts it on `window.__VENOM_CONFIG__`,
 * so one standalone build can be pointed at any backend without rebuilding (NEXT_PUBLIC_* values
 * are otherwise frozen into the bundle at build time).
 */
export interface RuntimeConfig {
  /** Absolute API origin, or "" for same-origin requests through the Next `/api` rewrite. */
  apiBase: string;
  /** Full WebSocket URL of `/ws/events`. */
  wsBase: string;
}

declare global {
  interface Window {
    __VENOM_CONFIG__?: RuntimeConfig;
  }
}

export const DEFAULT_API_BASE = "http://localhost:8000";
export const DEFAULT_WS_BASE = "ws://localhost:8000/ws/events";

/** Server side: the environment as it is when the page is rendered (not when it was built). */
export function readServerConfig(): RuntimeConfig {
  const env = process.env as Record<string, string | undefined>;
  const key = (name: string) => env[["NEXT", "PUBLIC", name].join("_")];
  const apiBase = (key("API_BASE") ?? DEFAULT_API_BASE).replace(/\/$/, "");
  const wsBase = key("WS_BASE") ?? (apiBase ? `${apiBase.replace(/^http/, "ws")}/ws/events` : DEFAULT_WS_BASE);
  return { apiBase, wsBase };
}

export function clientConfig(): RuntimeConfig {
  if (typeof window !== "undefined" && window.__VENOM_CONFIG__) return window.__VENOM_CONFIG__;
  return { apiBase: DEFAULT_API_BASE, wsBase: DEFAULT_WS_BASE };
}

export function apiUrl(path: string): string {
  return `${clientConfig().apiBase}${path}`;
}
