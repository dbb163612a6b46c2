"use client";

/** The quiet footer of a finished answer: tokens, runtime and model, read once from GET /api/v1/tasks/{id}. */
import { useEffect, useState } from "react";
import { apiGet } from "@/lib/api/client";
import type { Citation, RefusalAction } from "@/lib/chat/store";

export interface TaskInfo {
  tokens: number | null;
  estimated: boolean;
  totalMs: number | null;
  model: string | null;
  /** The stored citations: an answer rebuilt from the server's history has no frames to carry them. */
  citations: Citation[];
  /** What the autonomy level refused in the task (a tool call, say, in an answer that completed). */
  refusalActions: RefusalAction[];
}

// Finished tasks do not change: one request per task per page load.
const cache = new Map<string, TaskInfo>();

// A long conversation reopened has many answers: read their details two at a time, not all at once.
const LIMIT = 2;
let running = 0;
const waiting: (() => void)[] = [];
function limited<T>(job: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = () => {
      running++;
      job().then(resolve, reject).finally(() => {
        running--;
        waiting.shift()?.();
      });
    };
    if (running < LIMIT) start();
    else waiting.push(start);
  });
}

export function useTaskInfo(taskId: string | undefined, finished: boolean): TaskInfo | null {
  // The cache is the state; this only re-renders once a fetch filled it.
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (!taskId || !finished || cache.has(taskId)) return;
    let live = true;
    limited(() => apiGet("/api/v1/tasks/{task_id}", { params: { task_id: taskId } })).then(
      (task) => {
        const calls = task.usage?.calls ?? [];
        const model = calls[calls.length - 1]?.model ?? task.llm_runtime?.model ?? null;
        const total = task.timings.total_ms;
        const started = task.started_at ? Date.parse(task.started_at) : NaN;
        const ended = task.finished_at ? Date.parse(task.finished_at) : NaN;
        const next: TaskInfo = {
          tokens: task.usage ? task.usage.total_tokens : null,
          estimated: !!task.usage?.estimated,
          totalMs: Math.round(typeof total === "number" ? total : Number.isFinite(started) && Number.isFinite(ended) ? ended - started : NaN) || null,
          // A fast-path answer (help, time) used no model: say none rather than the configured one.
          model: task.context_used.llm_used === false || (task.usage && calls.length === 0) ? null : model,
          citations: task.citations,
          refusalActions: task.refusal?.actions ?? [],
        };
        cache.set(taskId, next);
        if (live) setLoaded((n) => n + 1);
      },
      () => {
        /* the footer is optional: no details when the task cannot be read */
      },
    );
    return () => {
      live = false;
    };
  }, [taskId, finished]);
  return taskId && finished ? (cache.get(taskId) ?? null) : null;
}
