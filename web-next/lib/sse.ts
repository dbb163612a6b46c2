/**
 * A small SSE client over fetch. Unlike EventSource it sends `Last-Event-ID` on the FIRST request
 * too (so a reloaded page resumes where it stopped), surfaces HTTP errors as the API's message,
 * and reconnects after network drops from the last id it saw.
 */
import { ApiError, errorFromResponse, offlineError } from "@/lib/api/errors";
import { reportReachable } from "@/lib/api/connectivity";
import type { components } from "@/lib/api/schema";

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** One frame of `/api/v1/tasks/{id}/stream`, from the backend's `TaskStreamFrame` schema: a union
 *  discriminated on `event`, so a frame name the backend does not send does not compile. */
export type TaskStreamFrame = components["schemas"]["TaskStreamFrame"];

const FRAME_NAMES: ReadonlySet<string> = new Set<TaskStreamFrame["event"]>(["task_update", "heartbeat", "task_finished", "task_missing"]);

/** The typed frame of one SSE event of a task stream; null for anything else. */
export function parseTaskFrame(ev: SseEvent): TaskStreamFrame | null {
  if (!FRAME_NAMES.has(ev.event)) return null;
  try {
    return { event: ev.event, id: ev.id ?? undefined, data: JSON.parse(ev.data) as unknown } as TaskStreamFrame;
  } catch {
    return null;
  }
}

/** Incremental parser of the text/event-stream format. */
export class SseParser {
  private buffer = "";
  private id: string | null = null;
  private event = "";
  private data: string[] = [];

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const sep = this.buffer.startsWith("\r\n", nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + sep);
      if (line === "") {
        if (this.data.length > 0 || this.event) {
          out.push({ id: this.id, event: this.event || "message", data: this.data.join("\n") });
        }
        this.event = "";
        this.data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") this.data.push(value);
      else if (field === "event") this.event = value;
      else if (field === "id") this.id = value;
    }
    return out;
  }
}

export interface StreamOptions {
  url: string;
  method?: "GET" | "POST";
  body?: unknown;
  lastEventId?: string | null;
  signal: AbortSignal;
  onEvent: (ev: SseEvent) => void;
  /** Called before each reconnect attempt (attempt counts from 1). */
  onReconnect?: (attempt: number, lastEventId: string | null) => void;
  /** Return true when the stream is complete and must not be reopened. */
  isDone: () => boolean;
  maxAttempts?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });

/**
 * Read an SSE endpoint until `isDone()` or abort. Network drops reconnect with backoff
 * (0.5 s doubling to 8 s) from the last seen id. HTTP errors are thrown as ApiError.
 */
export async function readSse(opts: StreamOptions): Promise<void> {
  let lastId = opts.lastEventId ?? null;
  let attempt = 0;
  const max = opts.maxAttempts ?? 30;
  while (!opts.signal.aborted && !opts.isDone()) {
    if (attempt > 0) {
      opts.onReconnect?.(attempt, lastId);
      await sleep(Math.min(8000, 500 * 2 ** (attempt - 1)), opts.signal);
      if (opts.signal.aborted) return;
    }
    let res: Response;
    try {
      const headers: Record<string, string> = { Accept: "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      if (opts.body !== undefined) headers["Content-Type"] = "application/json";
      res = await fetch(opts.url, {
        method: opts.method ?? "GET",
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        cache: "no-store",
        signal: opts.signal,
      });
    } catch {
      if (opts.signal.aborted) return;
      reportReachable(false);
      attempt += 1;
      if (attempt > max) throw offlineError();
      continue;
    }
    reportReachable(true);
    if (!res.ok || !res.body) throw res.ok ? new ApiError(res.status, "empty_stream", "The stream had no body.") : await errorFromResponse(res);
    attempt = 0;
    const parser = new SseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const ev of parser.push(value)) {
          if (ev.id) lastId = ev.id;
          opts.onEvent(ev);
        }
      }
    } catch {
      if (opts.signal.aborted) return;
      reportReachable(false);
    }
    if (!opts.isDone()) {
      attempt += 1;
      if (attempt > max) throw new ApiError(0, "stream_ended", "The stream ended before the answer was complete.");
    }
  }
}
