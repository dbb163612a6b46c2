/**
 * The `/ws/events` client. It reconnects with backoff (1 s doubling to 15 s, forever, and at
 * once when the browser comes back online) and resumes with `?since=<gseq>`, so no event is
 * lost across a reconnect and none is shown twice.
 */
export interface VenomEvent {
  type: string;
  agent: string | null;
  message: string;
  timestamp: string;
  data: Record<string, unknown>;
  /** The stored event's global number; null for a message that is not stored (SYSTEM_LOG). */
  gseq: number | null;
  task_id?: string | null;
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
