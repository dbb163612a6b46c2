"use client";

import { useEffect, useRef } from "react";
import type { Core, ElementDefinition } from "cytoscape";
import type { GraphPayload } from "@/lib/api/types";
import type { TKey } from "@/lib/i18n";

export const TYPE_COLORS: Record<string, string> = {
  memory: "#00c57a",
  document_chunk: "#c7a46b",
  lesson: "#ffb020",
  session: "#3cb8ff",
  module: "#a070ff",
  file: "#a070ff",
  class: "#ff6fa5",
  function: "#ff8a5c",
  entity: "#5ad1c8",
};

/** Kinds drawn as something other than a dot: a document chunk is a page of a document, not a memory. */
export const TYPE_SHAPES: Record<string, "round-rectangle"> = { document_chunk: "round-rectangle" };

export const KIND_LABELS: Record<string, TKey> = {
  memory: "brain.kind.memory",
  document_chunk: "brain.kind.document_chunk",
  lesson: "brain.kind.lesson",
  session: "brain.kind.session",
  entity: "brain.kind.entity",
};

/** Cytoscape canvas, loaded on the client only. Large graphs use a cheap layout to stay responsive. */
export function Graph({ graph, selected, onSelect }: { graph: GraphPayload; selected: string | null; onSelect: (id: string | null) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const onSelectRef = useRef(onSelect);
  useEffect(() => {
    onSelectRef.current = onSelect;
  }, [onSelect]);

  useEffect(() => {
    let cancelled = false;
    void import("cytoscape").then(({ default: cytoscape }) => {
      if (cancelled || !box.current) return;
      const ids = new Set(graph.elements.nodes.map((n) => n.data.id));
      const elements: ElementDefinition[] = [
        ...graph.elements.nodes.map((n) => ({ group: "nodes" as const, data: { ...n.data, label: String(n.data.label ?? n.data.id).slice(0, 40) } })),
        ...graph.elements.edges
          .filter((e) => ids.has(e.data.source) && ids.has(e.data.target))
          .map((e) => ({ group: "edges" as const, data: { ...e.data } })),
      ];
      const styles = getComputedStyle(document.documentElement);
      const text = styles.getPropertyValue("--text").trim() || "#ddd";
      const edge = styles.getPropertyValue("--muted").trim() || "#888";
      const instance = cytoscape({
        container: box.current,
        elements,
        wheelSensitivity: 0.3,
        minZoom: 0.1,
        maxZoom: 2,
        style: [
          { selector: "node", style: { "background-color": (n) => TYPE_COLORS[String(n.data("type"))] ?? "#8ea6bd", label: "data(label)", color: text, "font-size": 9, "text-valign": "bottom", "text-margin-y": 3, width: 14, height: 14 } },
          { selector: "node[type = \"document_chunk\"]", style: { shape: TYPE_SHAPES.document_chunk } },
          { selector: "node[?pinned]", style: { "border-width": 3, "border-color": "#ffd24b" } },
          { selector: "node:selected", style: { "border-width": 3, "border-color": "#3cb8ff", width: 20, height: 20 } },
          { selector: "edge", style: { width: 1, "line-color": edge, opacity: 0.5, "curve-style": "bezier" } },
        ],
        layout: elements.length > 400 ? { name: "concentric", animate: false } : { name: "cose", animate: false, randomize: true, numIter: 600 },
      });
      instance.on("tap", "node", (ev) => onSelectRef.current(String(ev.target.id())));
      instance.on("tap", (ev) => {
        if (ev.target === instance) onSelectRef.current(null);
      });
      cy.current = instance;
    });
    return () => {
      cancelled = true;
      cy.current?.destroy();
      cy.current = null;
    };
  }, [graph]);

  useEffect(() => {
    const c = cy.current;
    if (!c) return;
    c.nodes().unselect();
    if (selected) c.getElementById(selected).select();
  }, [selected]);

  return <div ref={box} className="graph" data-testid="graph-container" data-nodes={graph.elements.nodes.length} role="img" aria-label={`graph with ${graph.elements.nodes.length} nodes`} />;
}
