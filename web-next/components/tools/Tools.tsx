"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge } from "@/components/ui/Badge";
import { PageHeader, Panel } from "@/components/ui/Panel";
import { Empty, ErrorState } from "@/components/ui/States";
import { apiGet } from "@/lib/api/client";
import type { McpServersView, ToolView } from "@/lib/api/types";
import { useResource } from "@/lib/hooks/useResource";
import { AddServer } from "./AddServer";
import { ServerCard } from "./ServerCard";
import { ToolList } from "./ToolList";

/** No event reports an MCP server's status yet: while one is starting, its status is re-read this often. */
const STARTING_POLL_MS = 1000;

/** Tools: the MCP servers with their status and errors, every tool grouped by where it comes from,
 *  and adding a server by pasting the `mcpServers` JSON other clients use. */
export function Tools() {
  const { t } = usePrefs();
  const servers = useResource(() => apiGet("/api/v1/mcp/servers"), []);
  const tools = useResource(() => apiGet("/api/v1/tools"), []);
  const reloadTools = tools.reload;
  // A PUT or a restart answers with the new view: show it at once, then follow the servers that start.
  const [view, setView] = useState<McpServersView | null>(null);
  const current = view ?? servers.data;
  const starting = current?.servers.some((s) => s.status === "starting") ?? false;
  const statusKey = current?.servers.map((s) => `${s.name}:${s.status}:${s.tools?.length ?? 0}`).join("|") ?? "";

  const [pollError, setPollError] = useState<unknown>(null);
  const reread = useCallback(async () => {
    try {
      setView(await apiGet("/api/v1/mcp/servers"));
      setPollError(null);
    } catch (err) {
      setPollError(err);
    }
  }, []);
  useEffect(() => {
    if (!starting) return;
    const id = setTimeout(() => void reread(), STARTING_POLL_MS);
    return () => clearTimeout(id);
    // `current` is a new object after every read: one read schedules the next while a server starts.
  }, [starting, current, reread]);
  // A server's tools join and leave the registry with its status.
  useEffect(() => {
    void reloadTools();
  }, [statusKey, reloadTools]);

  const changed = useCallback((next: McpServersView) => setView(next), []);
  const bySource = useMemo(() => group(tools.data?.tools ?? []), [tools.data]);
  const names = current?.servers.map((s) => s.name) ?? [];
  const builtin = bySource.get("builtin") ?? [];
  const others = [...bySource.entries()].filter(([src]) => src !== "builtin" && !names.some((n) => src === `mcp:${n}`));

  return (
    <>
      <PageHeader title={t("tools.title")} subtitle={t("tools.subtitle")} />
      <div className="split split--docs">
        <div className="stack">
          <AddServer view={current ?? null} onSaved={changed} />
        </div>
        <div className="stack">
          <Panel title={t("tools.servers")} testId="mcp-servers" actions={
            <button type="button" className="btn btn--ghost btn--sm" onClick={() => { void reread(); void reloadTools(); }}>{t("common.refresh")}</button>
          }>
            {servers.error && !current ? <ErrorState error={servers.error} what="/api/v1/mcp/servers" /> : null}
            {pollError ? <ErrorState error={pollError} what="/api/v1/mcp/servers" /> : null}
            {current ? <p className="muted small">{t("tools.configFile")}: <span className="mono" data-testid="mcp-config-path">{current.path}</span></p> : null}
            {current?.config_error ? (
              <div className="state state--error" role="alert" data-testid="mcp-config-error">
                <strong>{t("tools.configError")}</strong>
                <p>{current.config_error}</p>
              </div>
            ) : null}
            {current && current.servers.length === 0 ? <Empty text={t("tools.serversEmpty")} /> : null}
            <ul className="list server-list">
              {current?.servers.map((s) => (
                <ServerCard key={s.name} server={s} view={current} tools={bySource.get(`mcp:${s.name}`) ?? []} onChanged={changed} />
              ))}
            </ul>
          </Panel>
          <Panel title={t("tools.builtin")} testId="tools-builtin" actions={<Badge>{builtin.length}</Badge>}>
            {tools.error && !tools.data ? <ErrorState error={tools.error} what="/api/v1/tools" /> : null}
            {tools.data ? <ToolList tools={builtin} /> : null}
          </Panel>
          {others.map(([src, list]) => (
            <Panel key={src} title={src} testId="tools-other" className="panel--data-title" actions={<Badge>{list.length}</Badge>}>
              <ToolList tools={list} />
            </Panel>
          ))}
        </div>
      </div>
    </>
  );
}

function group(tools: ToolView[]): Map<string, ToolView[]> {
  const out = new Map<string, ToolView[]>();
  for (const tool of tools) {
    const list = out.get(tool.source) ?? [];
    list.push(tool);
    out.set(tool.source, list);
  }
  return out;
}
