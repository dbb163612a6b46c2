"use client";

/**
 * The Cockpit conversation: sending (task or Direct stream), following each answer over SSE,
 * resuming after a reload from the stored last event id, aborting, feedback, new sessions and
 * reopening a stored one from the conversation list. A turn another tab adds to this session
 * (seen on `/ws/events`) is read back from the server when its task ends, so both tabs agree.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useLive } from "@/components/providers/Live";
import { apiGet, apiPost, request } from "@/lib/api/client";
import { ApiError } from "@/lib/api/errors";
import type { TaskCreated } from "@/lib/api/types";
import { foldApproval, foldFrame, foldPlan, foldTool } from "@/lib/chat/fold";
import { parseInput } from "@/lib/chat/slash";
import { TERMINAL, loadMessages, loadSession, msgId, saveMessages, selectSession, startSession, type ChatMessage, type Mode, type MsgStatus } from "@/lib/chat/store";
import { mergeHistory, sessionGone, type ServerSession } from "@/lib/chat/sync";
import { apiUrl } from "@/lib/config";
import type { Lang } from "@/lib/i18n";
import { parseTaskFrame, readSse, type SseEvent } from "@/lib/sse";
import { isEvent } from "@/lib/ws";

/** A frame of the Direct mode's `/api/v1/llm/simple/stream`. */
interface DirectData {
  text?: string;
  error?: { code?: string; message?: string } | string | null;
}

const asStatus = (s: unknown): MsgStatus | undefined =>
  typeof s === "string" && ["PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED", "LOST"].includes(s) ? (s as MsgStatus) : undefined;

const toError = (err: unknown) =>
  err instanceof ApiError ? { code: err.code, message: err.message } : { code: "client_error", message: err instanceof Error ? err.message : String(err) };

const BOOT_KEY = "venom-boot-id";

const isRunning = (m: ChatMessage) => m.role === "assistant" && !!m.taskId && !!m.status && !TERMINAL.has(m.status);

export interface SendOptions {
  mode: Mode;
  storeKnowledge: boolean;
  lang: Lang;
  /** Restrict retrieval to these documents (the composer's `#` picker). */
  documentIds?: string[];
}

export function useChat() {
  const { subscribe, status } = useLive();
  const [session, setSession] = useState<string | null>(null);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  /** Bumped when the view was reset because the server no longer has the conversation. */
  const [resets, setResets] = useState(0);
  const sessionRef = useRef<string | null>(null);
  const messagesRef = useRef<ChatMessage[]>([]);
  const streams = useRef(new Map<string, AbortController>());

  useEffect(() => {
    messagesRef.current = messages;
    if (sessionRef.current) saveMessages(sessionRef.current, messages);
  }, [messages]);

  const patch = useCallback((id: string, fn: (m: ChatMessage) => Partial<ChatMessage>) => {
    setMessages((prev) => prev.map((m) => (m.id === id ? { ...m, ...fn(m) } : m)));
  }, []);

  /** Requests a task already waits on (after a reload, or ones announced before this page listened). */
  const loadApprovals = useCallback(
    async (id: string, taskId: string) => {
      try {
        const list = await apiGet("/api/v1/tasks/{task_id}/approvals", { params: { task_id: taskId } });
        if (list.approvals.length === 0) return;
        patch(id, (m) => {
          const known = m.approvals ?? [];
          const fresh = list.approvals
            .filter((a) => !known.some((k) => k.callId === a.call_id))
            .map((a) => ({ callId: a.call_id, toolId: a.tool_id, functionName: a.function_name, arguments: a.arguments, expiresAt: a.expires_at * 1000, state: "pending" as const }));
          return { approvals: [...known, ...fresh] };
        });
      } catch {
        /* no approvals route or offline: the live feed still brings new requests */
      }
    },
    [patch],
  );

  /** Follow one task's SSE stream, from `lastSeq` on (a resume) or from the start. */
  const follow = useCallback(
    (id: string, taskId: string, lastSeq?: string) => {
      streams.current.get(id)?.abort();
      const ctrl = new AbortController();
      streams.current.set(id, ctrl);
      let done = false;
      const onEvent = (ev: SseEvent) => {
        const frame = parseTaskFrame(ev);
        if (!frame) return;
        if (frame.event === "task_missing") {
          done = true;
          patch(id, () => ({ status: "LOST", error: { code: "task_missing", message: frame.data.detail } }));
          return;
        }
        if (frame.event === "task_finished") done = true;
        patch(id, (m) => foldFrame(m, frame, Date.now()));
      };
      void readSse({
        url: apiUrl(`/api/v1/tasks/${encodeURIComponent(taskId)}/stream`),
        lastEventId: lastSeq ?? null,
        signal: ctrl.signal,
        isDone: () => done,
        onEvent,
        onReconnect: () => patch(id, () => ({ resumed: true })),
      })
        .catch((err: unknown) => {
          if (!ctrl.signal.aborted) patch(id, () => ({ error: toError(err) }));
        })
        .finally(() => {
          if (streams.current.get(id) === ctrl) streams.current.delete(id);
        });
    },
    [patch],
  );

  /** Show session `s` from its local copy and resume every answer that was still running. */
  const show = useCallback(
    (s: string): ChatMessage[] => {
      for (const c of streams.current.values()) c.abort();
      streams.current.clear();
      sessionRef.current = s;
      const stored = loadMessages(s);
      setSession(s);
      setMessages(stored.map((m) => (isRunning(m) ? { ...m, resumed: true } : m)));
      for (const m of stored) {
        if (isRunning(m) && m.taskId) {
          follow(m.id, m.taskId, m.lastSeq);
          void loadApprovals(m.id, m.taskId);
        }
      }
      return stored;
    },
    [follow, loadApprovals],
  );

  // Restore the conversation of the last visit.
  useEffect(() => {
    const active = streams.current;
    show(loadSession());
    return () => {
      for (const c of active.values()) c.abort();
      active.clear();
    };
  }, [show]);

  /** Tasks of this session that another tab started: their turns are read back when they end. */
  const foreign = useRef(new Set<string>());

  const newChat = useCallback(() => {
    for (const c of streams.current.values()) c.abort();
    streams.current.clear();
    foreign.current.clear();
    const s = startSession();
    sessionRef.current = s;
    setSession(s);
    setMessages([]);
  }, []);

  /** Rebuild from the server's copy of the session; start afresh when the server lost it. */
  const syncWithServer = useCallback(async (shown?: ChatMessage[]) => {
    const s = sessionRef.current;
    if (!s) return;
    let server: ServerSession;
    try {
      server = await apiGet("/api/v1/memory/session/{session_id}", { params: { session_id: s } });
    } catch {
      return; // offline or no orchestrator: keep the local copy
    }
    if (sessionRef.current !== s) return;
    if (sessionGone(shown ?? messagesRef.current, server)) {
      newChat();
      setResets((n) => n + 1);
      return;
    }
    setMessages((prev) => mergeHistory(prev, server.history));
  }, [newChat]);

  /** Continue a stored conversation: its local copy at once, then its whole history from the server. */
  const openSession = useCallback(
    (id: string) => {
      if (id === sessionRef.current) return;
      foreign.current.clear();
      selectSession(id);
      const stored = show(id);
      void syncWithServer(stored);
    },
    [show, syncWithServer],
  );

  // On mount (after the restore above): the stored copy is what the page shows.
  useEffect(() => {
    const s = sessionRef.current;
    if (s) void syncWithServer(loadMessages(s));
  }, [syncWithServer]);

  // A new backend process (boot_id changed since this browser last saw one): check the session again.
  const bootId = status?.boot_id;
  useEffect(() => {
    if (!bootId) return;
    const seen = localStorage.getItem(BOOT_KEY);
    localStorage.setItem(BOOT_KEY, bootId);
    if (seen && seen !== bootId) void syncWithServer();
  }, [bootId, syncWithServer]);

  // Other tabs: a conversation deleted elsewhere ends here too; a turn added elsewhere is read back.
  useEffect(
    () =>
      subscribe((ev) => {
        const current = sessionRef.current;
        if (!current) return;
        if (ev.type === "SESSION_DELETED") {
          if (ev.data.session_id !== current) return;
          newChat();
          setResets((n) => n + 1);
          return;
        }
        const taskId = ev.data.task_id;
        if (!taskId) return;
        if (ev.type === "TASK_CREATED") {
          if (ev.data.request.session_id === current && !messagesRef.current.some((m) => m.taskId === taskId)) foreign.current.add(taskId);
        } else if (isEvent(ev, "TASK_COMPLETED", "TASK_FAILED", "TASK_ABORTED") && foreign.current.delete(taskId)) {
          void syncWithServer();
        }
      }),
    [subscribe, newChat, syncWithServer],
  );

  // Complex mode: plan steps arrive as PLAN_* events on the live feed.
  useEffect(
    () =>
      subscribe((ev) => {
        if (!isEvent(ev, "PLAN_CREATED", "PLAN_STEP_STARTED", "PLAN_STEP_COMPLETED")) return;
        const taskId = ev.data.task_id;
        const msg = taskId ? messagesRef.current.find((m) => m.taskId === taskId) : undefined;
        if (!msg) return;
        patch(msg.id, (m) => ({ plan: foldPlan(m.plan ?? [], ev) }));
      }),
    [subscribe, patch],
  );

  // Tool calls and the approvals they wait for arrive on the live feed, named by their task.
  useEffect(
    () =>
      subscribe((ev) => {
        const isTool = isEvent(ev, "TOOL_CALL_STARTED", "TOOL_CALL_FINISHED", "TOOL_CALL_FAILED");
        const isApproval = isEvent(ev, "APPROVAL_REQUESTED", "APPROVAL_DECIDED");
        if (!isTool && !isApproval) return;
        const taskId = ev.data.task_id;
        const msg = taskId ? messagesRef.current.find((m) => m.taskId === taskId) : undefined;
        if (!msg) return;
        if (isEvent(ev, "TOOL_CALL_STARTED", "TOOL_CALL_FINISHED", "TOOL_CALL_FAILED")) patch(msg.id, (m) => ({ tools: foldTool(m.tools ?? [], ev) }));
        else if (isEvent(ev, "APPROVAL_REQUESTED", "APPROVAL_DECIDED")) patch(msg.id, (m) => ({ approvals: foldApproval(m.approvals ?? [], ev) }));
      }),
    [subscribe, patch],
  );

  /** Answer a waiting tool call; a 409 (decided elsewhere or timed out) is left to APPROVAL_DECIDED. */
  const decide = useCallback(
    async (m: ChatMessage, callId: string, decision: "approve" | "deny", remember: boolean) => {
      if (!m.taskId) return;
      try {
        const v = await apiPost("/api/v1/tasks/{task_id}/approvals/{call_id}", { params: { task_id: m.taskId, call_id: callId }, body: { decision, remember } });
        const state = v.status === "approved" ? "approved" : v.decided_by === "timeout" ? "timeout" : "denied";
        patch(m.id, (cur) => ({ approvals: (cur.approvals ?? []).map((a) => (a.callId === callId ? { ...a, state, remember } : a)) }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) return;
        patch(m.id, () => ({ error: toError(err) }));
      }
    },
    [patch],
  );

  const runDirect = useCallback(
    async (id: string, content: string): Promise<boolean> => {
      const ctrl = new AbortController();
      streams.current.set(id, ctrl);
      let done = false;
      try {
        await readSse({
          url: apiUrl("/api/v1/llm/simple/stream"),
          method: "POST",
          body: { content, session_id: sessionRef.current },
          signal: ctrl.signal,
          maxAttempts: 0,
          isDone: () => done,
          onEvent: (ev) => {
            let data: DirectData = {};
            try {
              data = JSON.parse(ev.data || "{}") as DirectData;
            } catch {
              /* keep-alive */
            }
            if (ev.event === "content") {
              patch(id, (m) => ({ status: "PROCESSING", content: m.content + (data.text ?? ""), chunks: (m.chunks ?? 0) + 1, firstTokenMs: m.firstTokenMs ?? (m.sentAt ? Date.now() - m.sentAt : undefined) }));
            } else if (ev.event === "start") {
              patch(id, () => ({ status: "PROCESSING" }));
            } else if (ev.event === "done") {
              done = true;
              patch(id, (m) => ({ status: "COMPLETED", totalMs: m.sentAt ? Date.now() - m.sentAt : undefined }));
            } else if (ev.event === "error") {
              done = true;
              const e = data.error;
              const message = typeof e === "string" ? e : (e?.message ?? "The model stream failed.");
              const code = typeof e === "object" && e?.code ? e.code : "stream_error";
              patch(id, () => ({ status: "FAILED", error: { code, message } }));
            }
          },
        });
        return true;
      } catch (err) {
        if (ctrl.signal.aborted) {
          patch(id, () => ({ status: "CANCELLED" }));
          return true;
        }
        if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return false;
        patch(id, () => ({ status: "FAILED", error: toError(err) }));
        return true;
      } finally {
        streams.current.delete(id);
      }
    },
    [patch],
  );

  /** Returns a message key when nothing was sent (e.g. empty content), else null. */
  const send = useCallback(
    async (raw: string, opts: SendOptions): Promise<"emptyContent" | "cleared" | "directFallback" | null> => {
      const parsed = parseInput(raw);
      if (parsed.clear) {
        newChat();
        if (!parsed.content) return "cleared";
      }
      if (!parsed.content) return "emptyContent";
      const now = Date.now();
      const user: ChatMessage = { id: msgId(), role: "user", content: parsed.content, createdAt: now, mode: opts.mode, forced: parsed.badge };
      const answer: ChatMessage = { id: msgId(), role: "assistant", content: "", createdAt: now, mode: opts.mode, forced: parsed.badge, status: "SENDING", sentAt: now };
      setMessages((prev) => [...prev, user, answer]);
      let note: "directFallback" | null = null;
      if (opts.mode === "direct" && !parsed.forcedTool && !parsed.forcedProvider) {
        if (await runDirect(answer.id, parsed.content)) return null;
        note = "directFallback";
      }
      try {
        const created: TaskCreated = await apiPost("/api/v1/tasks", {
          body: {
            content: parsed.content,
            session_id: sessionRef.current ?? undefined,
            preferred_language: opts.lang,
            forced_tool: parsed.forcedTool,
            forced_provider: parsed.forcedProvider,
            forced_intent: opts.mode === "complex" ? "COMPLEX_PLANNING" : undefined,
            store_knowledge: opts.storeKnowledge,
            preference_scope: "session",
            document_ids: opts.documentIds && opts.documentIds.length > 0 ? opts.documentIds : undefined,
          },
        });
        patch(answer.id, (m) => ({ taskId: created.task_id, status: m.status === "SENDING" ? (asStatus(created.status) ?? "PENDING") : m.status }));
        follow(answer.id, created.task_id);
        void loadApprovals(answer.id, created.task_id);
      } catch (err) {
        patch(answer.id, () => ({ status: "FAILED", error: toError(err) }));
      }
      return note;
    },
    [follow, loadApprovals, newChat, patch, runDirect],
  );

  const abort = useCallback(
    async (m: ChatMessage) => {
      if (!m.taskId) {
        streams.current.get(m.id)?.abort();
        return;
      }
      try {
        await apiPost("/api/v1/tasks/{task_id}/abort", { params: { task_id: m.taskId } });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === "task_not_active")) patch(m.id, () => ({ error: toError(err) }));
      }
    },
    [patch],
  );

  /** Re-run a refused answer once with the autonomy level it needed: a new task, followed as a new answer. */
  const allowOnce = useCallback(
    async (m: ChatMessage) => {
      if (!m.taskId) return;
      const created = await apiPost("/api/v1/tasks/{task_id}/allow-once", { params: { task_id: m.taskId } });
      const now = Date.now();
      const answer: ChatMessage = { id: msgId(), role: "assistant", content: "", createdAt: now, mode: m.mode, forced: m.forced, status: asStatus(created.status) ?? "PENDING", taskId: created.task_id, sentAt: now };
      setMessages((prev) => [...prev, answer]);
      follow(answer.id, created.task_id);
      void loadApprovals(answer.id, created.task_id);
    },
    [follow, loadApprovals],
  );

  const feedback = useCallback(
    async (m: ChatMessage, rating: "up" | "down") => {
      patch(m.id, () => ({ feedback: rating }));
      await request("post", "/api/v1/feedback", { body: { task_id: m.taskId, rating } });
    },
    [patch],
  );

  return { session, messages, send, abort, newChat, openSession, feedback, decide, allowOnce, resets };
}
