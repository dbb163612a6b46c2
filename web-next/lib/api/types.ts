/**
 * Named API types, re-exported from the generated `schema.d.ts` (the backend's OpenAPI).
 *
 * The hand-written interfaces at the end are TEMPORARY: they describe answers of routes that are
 * typed on other branches of issue 12 (system status/services, request history). Once those
 * branches merge, replace each with `Schemas["..."]` and delete this note.
 */
import type { Schemas } from "./client";

export type TaskView = Schemas["TaskView"];
export type TaskCreated = Schemas["TaskCreated"];
export type QueueStatus = Schemas["QueueStatus"];
export type TaskRequest = Schemas["TaskRequest"];
export type AuditEntry = Schemas["AuditEntry"];
export type AuditPage = Schemas["AuditPage"];
export type Metrics = Schemas["Metrics"];
export type RuntimeConfig = Schemas["RuntimeConfigView"];
export type ConfigBackup = Schemas["Backup"];
export type AutonomyInfo = Schemas["AutonomyInfo"];
export type GraphPayload = Schemas["GraphView"];
export type GraphNode = Schemas["GraphNode"];
export type GraphEdge = Schemas["GraphEdge"];
export type MemoryHit = Schemas["MemoryHit"];
export type Lesson = Schemas["Lesson"];
export type LessonList = Schemas["LessonList"];
export type ApiErrorBody = Schemas["ErrorResponse"];

// --- TEMPORARY: routes typed on other branches (see the note above) -------------------------
export interface LlmRuntime {
  provider: string | null;
  model: string | null;
  status?: string | null;
  endpoint?: string | null;
}

export interface SystemStatus {
  status: string;
  boot_id: string;
  uptime_seconds?: number;
  cpu_percent?: number;
  memory_usage_percent?: number;
  queue?: QueueStatus;
  llm_runtime?: LlmRuntime;
}

export interface ServiceHealth {
  name: string;
  type?: string;
  status: string;
  is_critical?: boolean;
  latency_ms?: number | null;
  detail?: unknown;
}

export interface RequestSummary {
  request_id: string;
  prompt: string;
  status: string;
  session_id?: string | null;
  created_at: string;
  finished_at?: string | null;
  duration_seconds?: number | null;
  llm_provider?: string | null;
  llm_model?: string | null;
  forced_tool?: string | null;
  forced_provider?: string | null;
  forced_intent?: string | null;
  intent?: string | null;
  error_code?: string | null;
  error_message?: string | null;
  result?: string;
}

export interface TraceStep {
  component?: string;
  action?: string;
  status?: string;
  timestamp?: string;
  details?: unknown;
  [key: string]: unknown;
}

export interface RequestDetail extends RequestSummary {
  steps: TraceStep[];
  llm_runtime?: LlmRuntime | null;
  routing_decision?: Record<string, unknown> | null;
  generation_params?: Record<string, unknown> | null;
  context_used?: { lessons?: unknown[]; memory_entries?: unknown[] };
}

export interface Page<T> {
  items: T[];
  count: number;
  next_cursor: string | null;
}
