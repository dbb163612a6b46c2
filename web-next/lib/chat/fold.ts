/**
 * Folding a task's SSE frames and its plan events into a chat answer. The shapes are the
 * generated `TaskStreamFrame` and `WsEvent` types, so a renamed field or event is a compile error.
 */
import type { TaskStreamFrame } from "@/lib/sse";
import type { EventOf } from "@/lib/ws";
import type { ApprovalPrompt, ChatMessage, PlanStep, ToolCall } from "./store";

export type TaskFrame = Exclude<TaskStreamFrame, { event: "task_missing" }>;
export type PlanEvent = EventOf<"PLAN_CREATED" | "PLAN_STEP_STARTED" | "PLAN_STEP_COMPLETED">;

/** What one frame changes in the answer it streams (`now` is the time it arrived, in ms). */
export function foldFrame(m: ChatMessage, frame: TaskFrame, now: number): Partial<ChatMessage> {
  const data = frame.data;
  const next: Partial<ChatMessage> = { lastSeq: frame.event === "task_update" ? frame.id : m.lastSeq, status: data.status };
  // `result` is cumulative: the whole answer so far (`delta` is only its new part).
  if (data.result !== m.content) {
    next.content = data.result;
    next.chunks = (m.chunks ?? 0) + 1;
  }
  if (data.citations && data.citations.length > 0) next.citations = data.citations;
  if (data.result && !m.firstTokenMs && m.sentAt) next.firstTokenMs = now - m.sentAt;
  if (frame.event === "task_finished") {
    const e = frame.data.error;
    if (e) next.error = { code: e.code, message: e.message, ...(e.actions?.length ? { actions: e.actions } : {}) };
    if (m.sentAt) next.totalMs = now - m.sentAt;
  }
  return next;
}

/** The plan of a complex-mode answer after one PLAN_* event. The Architect numbers steps from 1. */
export function foldPlan(plan: PlanStep[], ev: PlanEvent): PlanStep[] {
  if (ev.type === "PLAN_CREATED") {
    const titles = ev.data.steps.map((s) => s.title);
    return titles.length ? titles.map((title) => ({ title, status: "pending" as const })) : [...plan, { title: ev.message, status: "pending" }];
  }
  const index = ev.data.step - 1;
  const status = ev.type === "PLAN_STEP_COMPLETED" ? "done" : "running";
  if (index >= 0 && index < plan.length) return plan.map((p, i) => (i === index ? { ...p, status } : p));
  const title = ev.type === "PLAN_STEP_STARTED" ? ev.data.title : ev.message;
  const at = plan.findIndex((p) => p.title === title);
  if (at >= 0) return plan.map((p, i) => (i === at ? { ...p, status } : p));
  return [...plan, { title, status }];
}

export type ToolEvent = EventOf<"TOOL_CALL_STARTED" | "TOOL_CALL_FINISHED" | "TOOL_CALL_FAILED">;
export type ApprovalEvent = EventOf<"APPROVAL_REQUESTED" | "APPROVAL_DECIDED">;

/** The answer's tool calls after one TOOL_CALL_* event (a call is keyed by its id). */
export function foldTool(tools: ToolCall[], ev: ToolEvent): ToolCall[] {
  const d = ev.data;
  const at = tools.findIndex((c) => c.callId === d.call_id);
  const base: ToolCall = tools[at] ?? { callId: d.call_id, name: d.function_name, state: "running" };
  const next: ToolCall =
    ev.type === "TOOL_CALL_STARTED"
      ? { ...base, state: "running" }
      : ev.type === "TOOL_CALL_FINISHED"
        ? { ...base, state: ev.data.is_error ? "failed" : "done", durationMs: ev.data.duration_ms, error: ev.data.is_error ? ev.data.result_preview : undefined }
        : { ...base, state: "failed", durationMs: ev.data.duration_ms, error: ev.data.result_preview || ev.data.error_code };
  return at >= 0 ? tools.map((c, i) => (i === at ? next : c)) : [...tools, next];
}

/** The answer's approval prompts after one APPROVAL_* event. */
export function foldApproval(list: ApprovalPrompt[], ev: ApprovalEvent): ApprovalPrompt[] {
  const d = ev.data;
  const at = list.findIndex((a) => a.callId === d.call_id);
  if (ev.type === "APPROVAL_REQUESTED") {
    const prompt: ApprovalPrompt = { callId: d.call_id, toolId: ev.data.tool_id, functionName: d.function_name, arguments: ev.data.arguments, expiresAt: Date.parse(ev.data.expires_at), state: "pending" };
    return at >= 0 ? list : [...list, prompt];
  }
  const state: ApprovalPrompt["state"] = ev.data.by === "timeout" ? "timeout" : ev.data.decision === "approve" ? "approved" : "denied";
  if (at < 0) return [...list, { callId: d.call_id, toolId: ev.data.tool_id, functionName: d.function_name, arguments: null, expiresAt: 0, state, remember: ev.data.remember }];
  return list.map((a, i) => (i === at ? { ...a, state, remember: ev.data.remember } : a));
}
