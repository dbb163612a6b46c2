"use client";

/**
 * Live system state shared by every screen: API reachability, the `/ws/events` feed, and the
 * queue/metrics/status numbers. Numbers are re-read when an event says they changed (no fixed
 * polling); only the resource figures are refreshed every 30 s because nothing streams them.
 * When the API is down, one probe retries with backoff (1 s doubling to 15 s) until it answers.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { apiGet, request } from "@/lib/api/client";
import { isOnline, onConnectivity, reportReachable } from "@/lib/api/connectivity";
import type { Metrics, QueueStatus, SystemStatus } from "@/lib/api/types";
import { clientConfig } from "@/lib/config";
import { EventsSocket, isEvent, type EventType, type VenomEvent, type WsState } from "@/lib/ws";

const MAX_EVENTS = 300;
const REFRESH_TYPES = ["TASK_CREATED", "TASK_STARTED", "TASK_COMPLETED", "TASK_FAILED", "TASK_ABORTED", "TASK_REQUEUED",
  "QUEUE_PAUSED", "QUEUE_RESUMED", "QUEUE_PURGED", "EMERGENCY_STOP", "MODEL_INSTALL_PROGRESS"] as const satisfies readonly EventType[];
/** A task just started: its first token is due in a few hundred ms. Re-reading the numbers then
 *  would compete with the model for the CPU (and the API for the event loop), so it waits. */
const START_TYPES = ["TASK_CREATED", "TASK_STARTED"] as const satisfies readonly EventType[];
const REFRESH_SOON_MS = 250;
const REFRESH_AFTER_START_MS = 1500;
/** Events arrive in bursts (a task start is ~10 trace events within a few ms): render them once. */
const EVENT_FLUSH_MS = 100;

interface Live {
  online: boolean | null;
  wsState: WsState;
  events: VenomEvent[];
  clearEvents: () => void;
  status: SystemStatus | null;
  queue: QueueStatus | null;
  metrics: Metrics | null;
  refresh: () => Promise<void>;
  nextRetryAt: number | null;
  retryNow: () => void;
  subscribe: (fn: (ev: VenomEvent) => void) => () => void;
}

const LiveContext = createContext<Live | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const [online, setOnline] = useState<boolean | null>(isOnline());
  const [wsState, setWsState] = useState<WsState>("connecting");
  const [events, setEvents] = useState<VenomEvent[]>([]);
  const [status, setStatus] = useState<SystemStatus | null>(null);
  const [queue, setQueue] = useState<QueueStatus | null>(null);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [nextRetryAt, setNextRetryAt] = useState<number | null>(null);
  const listeners = useRef(new Set<(ev: VenomEvent) => void>());
  const socket = useRef<EventsSocket | null>(null);
  const refreshTimer = useRef<{ id: ReturnType<typeof setTimeout>; due: number } | null>(null);
  const pendingEvents = useRef<VenomEvent[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const probe = useRef<{ timer: ReturnType<typeof setTimeout> | null; attempt: number }>({ timer: null, attempt: 0 });

  const refresh = useCallback(async () => {
    try {
      const [s, q, m] = await Promise.all([
        // TEMPORARY: /system/status is typed on another branch of issue 12; then this becomes apiGet.
        request<SystemStatus>("get", "/api/v1/system/status", { timeoutMs: 8000 }),
        apiGet("/api/v1/queue/status", { timeoutMs: 8000 }),
        apiGet("/api/v1/metrics", { timeoutMs: 8000 }),
      ]);
      setStatus(s);
      setQueue(q);
      setMetrics(m);
    } catch {
      /* reachability is reported by the client; the probe takes over */
    }
  }, []);

  /** One coalesced re-read; an earlier request moves a later pending one forward. */
  const scheduleRefresh = useCallback((delay: number = REFRESH_SOON_MS) => {
    const due = Date.now() + delay;
    if (refreshTimer.current) {
      if (refreshTimer.current.due <= due) return;
      clearTimeout(refreshTimer.current.id);
    }
    const id = setTimeout(() => {
      refreshTimer.current = null;
      void refresh();
    }, delay);
    refreshTimer.current = { id, due };
  }, [refresh]);

  const probeRef = useRef<() => void>(() => undefined);
  const runProbe = useCallback(() => {
    const p = probe.current;
    if (p.timer) clearTimeout(p.timer);
    const delay = Math.min(15_000, 1000 * 2 ** p.attempt);
    p.attempt += 1;
    setNextRetryAt(Date.now() + delay);
    p.timer = setTimeout(() => {
      p.timer = null;
      void refresh().then(() => {
        if (isOnline() === false) probeRef.current();
      });
    }, delay);
  }, [refresh]);
  useEffect(() => {
    probeRef.current = runProbe;
  }, [runProbe]);

  const retryNow = useCallback(() => {
    probe.current.attempt = 0;
    if (probe.current.timer) clearTimeout(probe.current.timer);
    probe.current.timer = null;
    void refresh().then(() => {
      if (isOnline() === false) runProbe();
    });
  }, [refresh, runProbe]);

  useEffect(() => {
    return onConnectivity((ok) => {
      setOnline(ok);
      if (ok) {
        probe.current.attempt = 0;
        if (probe.current.timer) clearTimeout(probe.current.timer);
        probe.current.timer = null;
        setNextRetryAt(null);
        socket.current?.poke();
        scheduleRefresh();
      } else if (!probe.current.timer) {
        runProbe();
      }
    });
  }, [runProbe, scheduleRefresh]);

  useEffect(() => {
    const sock = new EventsSocket(
      clientConfig().wsBase,
      (ev) => {
        pendingEvents.current.unshift(ev);
        if (!flushTimer.current) {
          flushTimer.current = setTimeout(() => {
            flushTimer.current = null;
            const batch = pendingEvents.current;
            pendingEvents.current = [];
            setEvents((prev) => [...batch, ...prev].slice(0, MAX_EVENTS));
          }, EVENT_FLUSH_MS);
        }
        for (const l of listeners.current) l(ev);
        if (isEvent(ev, ...REFRESH_TYPES)) scheduleRefresh(isEvent(ev, ...START_TYPES) ? REFRESH_AFTER_START_MS : REFRESH_SOON_MS);
      },
      (state) => {
        setWsState(state);
        if (state === "open") reportReachable(true);
        // A dropped socket is the first sign the API went away: check at once.
        if (state === "closed" && isOnline() !== false) void refresh();
      },
    );
    socket.current = sock;
    sock.start();
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the first read of the live numbers
    void refresh();
    const slow = setInterval(() => {
      if (isOnline() !== false && document.visibilityState === "visible") void refresh();
    }, 30_000);
    const onOnline = () => retryNow();
    window.addEventListener("online", onOnline);
    return () => {
      if (flushTimer.current) clearTimeout(flushTimer.current);
      flushTimer.current = null;
      clearInterval(slow);
      window.removeEventListener("online", onOnline);
      sock.stop();
      socket.current = null;
    };
  }, [refresh, retryNow, scheduleRefresh]);

  const subscribe = useCallback((fn: (ev: VenomEvent) => void) => {
    listeners.current.add(fn);
    return () => {
      listeners.current.delete(fn);
    };
  }, []);
  const clearEvents = useCallback(() => setEvents([]), []);

  const value = useMemo<Live>(
    () => ({ online, wsState, events, clearEvents, status, queue, metrics, refresh, nextRetryAt, retryNow, subscribe }),
    [online, wsState, events, clearEvents, status, queue, metrics, refresh, nextRetryAt, retryNow, subscribe],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error("useLive outside LiveProvider");
  return ctx;
}
