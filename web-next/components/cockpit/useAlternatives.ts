"use client";

/**
 * Regenerate: a new task with the same input as an answer's question, followed over SSE like any
 * answer and kept as an alternative of it (lib/chat/alternatives.ts). Sits beside useChat: it reads
 * the conversation (session, messages) and never changes useChat's state.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { apiPost } from "@/lib/api/client";
import { ApiError } from "@/lib/api/errors";
import type { TaskCreated } from "@/lib/api/types";
import { hideTask, loadAlternatives, saveAlternatives, type Alternative, type AlternativeMap } from "@/lib/chat/alternatives";
import { parseInput } from "@/lib/chat/slash";
import { TERMINAL, type ChatMessage, type MsgStatus } from "@/lib/chat/store";
import { apiUrl } from "@/lib/config";
import type { Lang } from "@/lib/i18n";
import { readSse } from "@/lib/sse";

interface Frame {
  status?: string;
  result?: string;
  delta?: string;
  error?: { code?: string; message?: string } | null;
  detail?: string;
}

const STATUSES: ReadonlySet<string> = new Set(["PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED", "LOST"]);
const asStatus = (s: unknown): MsgStatus | undefined => (typeof s === "string" && STATUSES.has(s) ? (s as MsgStatus) : undefined);
const toError = (err: unknown) =>
  err instanceof ApiError ? { code: err.code, message: err.message } : { code: "client_error", message: err instanceof Error ? err.message : String(err) };

/** The question an answer replies to: the nearest user message before it. */
export function questionOf(messages: ChatMessage[], answerId: string): ChatMessage | undefined {
  const at = messages.findIndex((m) => m.id === answerId);
  for (let i = at - 1; i >= 0; i--) if (messages[i]?.role === "user") return messages[i];
  return undefined;
}

/** The answer as shown: the original message or the chosen alternative laid over it. */
export function shownVersion(m: ChatMessage, entry: AlternativeMap[string] | undefined): ChatMessage {
  const alt = entry && entry.shown > 0 ? entry.list[entry.shown - 1] : undefined;
  if (!alt) return m;
  return { ...m, taskId: alt.taskId, content: alt.content, status: alt.status, error: alt.error, lastSeq: alt.lastSeq, sentAt: alt.sentAt, firstTokenMs: alt.firstTokenMs, totalMs: alt.totalMs, feedback: undefined, plan: undefined, resumed: false, chunks: undefined, citations: undefined, tools: undefined, approvals: undefined };
}

export function useAlternatives(session: string | null) {
  const [alts, setAlts] = useState<AlternativeMap>({});
  const altsRef = useRef<AlternativeMap>({});
  useEffect(() => {
    altsRef.current = alts;
  }, [alts]);
  const sessionRef = useRef<string | null>(null);
  const streams = useRef(new Map<string, AbortController>());

  const update = useCallback((answerId: string, index: number, fn: (a: Alternative) => Partial<Alternative>) => {
    setAlts((prev) => {
      const entry = prev[answerId];
      const alt = entry?.list[index];
      if (!entry || !alt) return prev;
      const list = entry.list.map((a, i) => (i === index ? { ...a, ...fn(a) } : a));
      return { ...prev, [answerId]: { ...entry, list } };
    });
  }, []);

  const follow = useCallback(
    (answerId: string, index: number, taskId: string, lastSeq?: string) => {
      const streamKey = `${answerId}#${index}`;
      streams.current.get(streamKey)?.abort();
      const ctrl = new AbortController();
      streams.current.set(streamKey, ctrl);
      let done = false;
      void readSse({
        url: apiUrl(`/api/v1/tasks/${encodeURIComponent(taskId)}/stream`),
        lastEventId: lastSeq ?? null,
        signal: ctrl.signal,
        isDone: () => done,
        onEvent: (ev) => {
          let data: Frame;
          try {
            data = JSON.parse(ev.data) as Frame;
          } catch {
            return;
          }
          if (ev.event === "task_missing") {
            done = true;
            update(answerId, index, () => ({ status: "LOST", error: { code: "task_missing", message: data.detail ?? "The task no longer exists." } }));
            return;
          }
          if (ev.event !== "task_update" && ev.event !== "task_finished") return;
          if (ev.event === "task_finished") done = true;
          update(answerId, index, (a) => {
            const next: Partial<Alternative> = { lastSeq: ev.id ?? a.lastSeq };
            const status = asStatus(data.status);
            if (status) next.status = status;
            const content = typeof data.result === "string" ? data.result : data.delta ? a.content + data.delta : a.content;
            if (content !== a.content) next.content = content;
            if (content && !a.firstTokenMs) next.firstTokenMs = Date.now() - a.sentAt;
            if (data.error?.message) next.error = { code: data.error.code ?? "error", message: data.error.message };
            if (ev.event === "task_finished") {
              if (!status) next.status = data.error ? "FAILED" : "COMPLETED";
              next.totalMs = Date.now() - a.sentAt;
            }
            return next;
          });
        },
      })
        .catch((err: unknown) => {
          if (!ctrl.signal.aborted) update(answerId, index, () => ({ error: toError(err) }));
        })
        .finally(() => {
          if (streams.current.get(streamKey) === ctrl) streams.current.delete(streamKey);
        });
    },
    [update],
  );

  // A session change (new chat, reopened conversation, reload): load its alternatives and resume the running ones.
  useEffect(() => {
    for (const c of streams.current.values()) c.abort();
    streams.current.clear();
    sessionRef.current = session;
    const stored = session ? loadAlternatives(session) : {};
    setAlts(stored);
    for (const [answerId, entry] of Object.entries(stored)) {
      entry.list.forEach((a, i) => {
        if (a.taskId && !TERMINAL.has(a.status)) follow(answerId, i, a.taskId, a.lastSeq);
      });
    }
  }, [session, follow]);

  useEffect(() => {
    if (sessionRef.current && sessionRef.current === session) saveAlternatives(session, alts);
  }, [alts, session]);

  useEffect(() => {
    const active = streams.current;
    return () => {
      for (const c of active.values()) c.abort();
      active.clear();
    };
  }, []);

  const show = useCallback((answerId: string, shown: number) => {
    setAlts((prev) => {
      const entry = prev[answerId];
      if (!entry) return prev;
      return { ...prev, [answerId]: { ...entry, shown: Math.max(0, Math.min(entry.list.length, shown)) } };
    });
  }, []);

  /** Ask again: the question of `answer` as a new task, shown at once as the newest alternative. */
  const regenerate = useCallback(
    async (answerKey: string, answer: ChatMessage, question: ChatMessage, opts: { lang: Lang; storeKnowledge: boolean }) => {
      const parsed = parseInput(question.forced ? `${question.forced} ${question.content}` : question.content);
      const alt: Alternative = { content: "", status: "SENDING", sentAt: Date.now() };
      const index = altsRef.current[answerKey]?.list.length ?? 0;
      const entry = altsRef.current[answerKey] ?? { list: [], shown: 0 };
      const next = { ...altsRef.current, [answerKey]: { list: [...entry.list, alt], shown: index + 1 } };
      altsRef.current = next; // a second click before the re-render appends after this one
      setAlts(next);
      try {
        const created: TaskCreated = await apiPost("/api/v1/tasks", {
          body: {
            content: parsed.content || question.content,
            session_id: sessionRef.current ?? undefined,
            preferred_language: opts.lang,
            forced_tool: parsed.forcedTool,
            forced_provider: parsed.forcedProvider,
            forced_intent: answer.mode === "complex" ? "COMPLEX_PLANNING" : undefined,
            store_knowledge: opts.storeKnowledge,
            preference_scope: "session",
          },
        });
        hideTask(created.task_id);
        update(answerKey, index, (a) => ({ taskId: created.task_id, status: a.status === "SENDING" ? (asStatus(created.status) ?? "PENDING") : a.status }));
        follow(answerKey, index, created.task_id);
      } catch (err) {
        update(answerKey, index, () => ({ status: "FAILED", error: toError(err) }));
      }
    },
    [follow, update],
  );

  return { alts, regenerate, show };
}
