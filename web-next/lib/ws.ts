/**
 * The `/ws/events` client. It reconnects with backoff (1 s doubling to 15 s, forever, and at
 * once when the browser comes back online) and resumes with `?since=<gseq>`, so no event is
 * lost across a reconnect and none is shown twice.
 */
import type { components } from "@/lib/api/schema";

/** One `/ws/events` message: generated from the backend's `WsEvent` schema, a union discriminated
 *  on `type`, so `ev.type === "NO_SUCH_EVENT"` does not compile and a matched type narrows `data`. */
export type VenomEvent = components["schemas"]["WsEvent"];
/** Every event type the backend emits. */
export type EventType = VenomEvent["type"];
export type EventOf<T extends EventType> = Extract<VenomEvent, { type: T }>;
/** The first word of an event type with its underscore ("TASK_", "QUEUE_", ...). */
export type EventPrefix = EventType extends infer T ? (T extends `${infer P}_${string}` ? `${P}_` : never) : never;
export type EventWithPrefix<P extends EventPrefix> = Extract<VenomEvent, { type: `${P}${string}` }>;

/** True when the event is one of `types` (each must be an event type the backend emits). */
export function isEvent<T extends EventType>(ev: VenomEvent, ...types: readonly T[]): ev is EventOf<T> {
  return (types as readonly string[]).includes(ev.type);
}

/** True when the event's type starts with `prefix` (which must begin some event type). */
export function hasPrefix<P extends EventPrefix>(ev: VenomEvent, prefix: P): ev is EventWithPrefix<P> {
  return ev.type.startsWith(prefix);
}

/** The task an event belongs to: task events carry it in `data`, a tool call that outlived its
 *  task as `task_id_hint`. */
export function taskOf(ev: VenomEvent): string | null {
  const data: { task_id?: string; task_id_hint?: string | null } = ev.data;
  return data.task_id ?? data.task_id_hint ?? null;
}

export type WsState = "connecting" | "open" | "closed";

export class EventsSocket {
  private ws: WebSocket | null = null;
  private lastGseq = 0;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly onEvent: (ev: VenomEvent) => void,
    private readonly onState: (state: WsState) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
    this.ws = null;
  }

  /** Reconnect now (e.g. when the API is reachable again). */
  poke(): void {
    if (this.stopped || this.ws?.readyState === WebSocket.OPEN || this.ws?.readyState === WebSocket.CONNECTING) return;
    if (this.timer) clearTimeout(this.timer);
    this.attempt = 0;
    this.connect();
  }

  private connect(): void {
    this.onState("connecting");
    const url = new URL(this.url);
    if (this.lastGseq > 0) url.searchParams.set("since", String(this.lastGseq));
    let ws: WebSocket;
    try {
      ws = new WebSocket(url.toString());
    } catch {
      this.schedule();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onState("open");
    };
    ws.onmessage = (msg: MessageEvent<string>) => {
      let ev: VenomEvent;
      try {
        ev = JSON.parse(msg.data) as VenomEvent;
      } catch {
        return;
      }
      if (typeof ev.gseq === "number") {
        if (ev.gseq <= this.lastGseq) return;
        this.lastGseq = ev.gseq;
      }
      this.onEvent(ev);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onState("closed");
      if (!this.stopped) this.schedule();
    };
  }

  private schedule(): void {
    const delay = Math.min(15_000, 1000 * 2 ** this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
