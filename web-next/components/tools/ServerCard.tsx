"use client";

import { useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { useToast } from "@/components/providers/Toast";
import { Badge, type Tone } from "@/components/ui/Badge";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { apiPost, apiPut } from "@/lib/api/client";
import { messageOf } from "@/lib/api/errors";
import type { McpServerStatus, McpServersView, ToolView } from "@/lib/api/types";
import { configOf } from "./config";
import { ToolList } from "./ToolList";

const STATUS_TONE: Record<McpServerStatus["status"], Tone> = { starting: "info", ready: "success", error: "danger", stopped: "neutral" };

/** One MCP server: status (with the reason of an error), restarts, its tools; restart and remove. */
export function ServerCard({ server, view, tools, onChanged }: { server: McpServerStatus; view: McpServersView; tools: ToolView[]; onChanged: (next: McpServersView) => void }) {
  const { t } = usePrefs();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<McpServersView>, done: string) => {
    setBusy(true);
    try {
      onChanged(await fn());
      toast(done, "success");
    } catch (err) {
      toast(messageOf(err), "error");
    } finally {
      setBusy(false);
    }
  };
  const restart = () => run(() => apiPost("/api/v1/mcp/servers/{name}/restart", { params: { name: server.name }, timeoutMs: 30_000 }), t("tools.restarted", { name: server.name }));
  const remove = () => {
    setConfirming(false);
    const rest = configOf(view);
    delete rest[server.name];
    return run(() => apiPut("/api/v1/mcp/servers", { body: { mcpServers: rest }, timeoutMs: 30_000 }), t("tools.removed", { name: server.name }));
  };
  return (
    <li className="list__row server-row" data-testid="mcp-server" data-name={server.name} data-status={server.status}>
      <div className="doc-row__head">
        <strong className="list__main" data-testid="mcp-server-name">{server.name}</strong>
        <Badge>{server.transport}</Badge>
        <Badge tone={STATUS_TONE[server.status]} testId="mcp-server-status">{t(`tools.state.${server.status}`)}</Badge>
      </div>
      <p className="muted small server-row__meta">
        <span>{t("tools.toolCount", { n: server.tools?.length ?? 0 })}</span>
        {server.restarts ? <span>{t("tools.restarts", { n: server.restarts })}</span> : null}
        {server.log_file ? <span>{t("tools.log")}: <span className="mono">{server.log_file}</span></span> : null}
      </p>
      {server.error ? <p className="doc-row__error" role="alert" data-testid="mcp-server-error">{server.error}</p> : null}
      <div className="row">
        <button type="button" className="btn btn--sm" disabled={busy} onClick={() => void restart()} aria-label={t("tools.restartLabel", { name: server.name })} data-testid="mcp-restart">{t("tools.restart")}</button>
        <button type="button" className="btn btn--ghost btn--sm btn--danger" disabled={busy} onClick={() => setConfirming(true)} aria-label={t("tools.removeLabel", { name: server.name })} data-testid="mcp-remove">{t("tools.remove")}</button>
      </div>
      {tools.length ? <ToolList tools={tools} /> : null}
      <ConfirmDialog open={confirming} danger message={t("tools.confirmRemove", { name: server.name })} onConfirm={() => void remove()} onCancel={() => setConfirming(false)} />
    </li>
  );
}
