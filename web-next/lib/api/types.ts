/** Named API types, re-exported from the generated `schema.d.ts` (the backend's OpenAPI). */
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

export type SystemStatus = Schemas["SystemStatus"];
export type ServiceHealth = Schemas["ServiceHealth"];
export type RequestSummary = Schemas["RequestSummary"];
export type RequestDetail = Schemas["RequestDetail"];
export type TraceStep = Schemas["TraceStep"];

export type DocumentInfo = Schemas["DocumentInfo"];
export type DocumentDetail = Schemas["DocumentDetail"];
export type ChunkInfo = Schemas["ChunkInfo"];
export type FolderInfo = Schemas["FolderInfo"];
export type ToolView = Schemas["ToolView"];
export type ToolPolicyView = Schemas["PolicyView"];
export type McpServersView = Schemas["McpServersView"];
export type McpServerStatus = Schemas["McpServerStatus"];
export type McpConfig = Schemas["McpConfig"];
export type McpServerConfig = Schemas["McpServerConfig"];
export type RefusalAction = Schemas["RefusalAction"];
