/**
 * Shapes of answers the OpenAPI document types only as `object` (routes that return dicts) or
 * that subsystems are still adding. Keep them narrow: only the fields the UI reads.
 */
import type { Schemas } from "./client";

export type TaskView = Schemas["TaskView"];
export type TaskCreated = Schemas["TaskCreated"];
export type QueueStatus = Schemas["QueueStatus"];
export type TaskRequest = Schemas["TaskRequest"];
export type AuditEntry = Schemas["AuditEntry"];
export type AuditPage = Schemas["AuditPage"];

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

export interface Metrics {
  tasks?: { created?: number; completed?: number; failed?: number; success_rate?: number | null };
  latency?: { duration_avg_ms?: number | null; first_token_avg_ms?: number | null };
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

export interface ModelInfo {
  name: string;
  provider?: string;
  size_mb?: number | null;
  active?: boolean;
  loaded?: boolean;
  status?: string;
  [key: string]: unknown;
}

export interface RuntimeOption {
  id?: string;
  name?: string;
  provider?: string;
  runtime_id?: string;
  available?: boolean;
  status?: string;
  models?: (ModelInfo | string)[];
  [key: string]: unknown;
}

/** The knowledge/memory graph in the cytoscape element format the API returns. */
export interface GraphNode {
  data: { id: string; label?: string; type?: string; session_id?: string | null; pinned?: boolean; [key: string]: unknown };
}
export interface GraphEdge {
  data: { id?: string; source: string; target: string; label?: string; type?: string; [key: string]: unknown };
}
export interface GraphPayload {
  elements: { nodes: GraphNode[]; edges: GraphEdge[] };
  stats?: Record<string, unknown>;
}

export interface MemoryHit {
  id: string;
  text?: string;
  content?: string;
  score?: number;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Lesson {
  id: string;
  situation?: string;
  action?: string;
  result?: string;
  feedback?: string;
  text?: string;
  tags?: string[];
  created_at?: string;
  [key: string]: unknown;
}

export interface RoadmapTask {
  id: string;
  title: string;
  description?: string;
  status: string;
  task_id?: string | null;
  [key: string]: unknown;
}
export interface Milestone {
  id: string;
  title: string;
  description?: string;
  status: string;
  progress?: number;
  tasks?: RoadmapTask[];
  [key: string]: unknown;
}
export interface Roadmap {
  id?: string;
  vision?: { title?: string; description?: string; status?: string; progress?: number } | string | null;
  milestones?: Milestone[];
  kpis?: Record<string, unknown> | { name: string; value: unknown; target?: unknown }[];
  [key: string]: unknown;
}
