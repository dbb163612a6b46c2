"use client";

/**
 * One span's details in a side drawer (a native modal <dialog>: focus stays inside, Esc closes it
 * and focus returns to the bar). The facts are labelled values; the JSON only with "raw" on.
 */
import { useEffect, useRef } from "react";
import { usePrefs } from "@/components/providers/Preferences";
import { Badge } from "@/components/ui/Badge";
import type { Schemas } from "@/lib/api/client";
import { DetailList } from "./DetailValue";
import { RawToggle, formatMs, statusTone } from "./spans";

type Span = Schemas["TimelineSpan"];

export function SpanDrawer({ span, raw, onRaw, onClose }: { span: Span | null; raw: boolean; onRaw: (raw: boolean) => void; onClose: () => void }) {
  const { t } = usePrefs();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (span && !d.open) d.showModal();
    if (!span && d.open) d.close();
  }, [span]);
  return (
    <dialog ref={ref} className="passage-drawer span-drawer" data-testid="span-drawer" aria-labelledby="span-title"
      onCancel={(e) => { e.preventDefault(); onClose(); }} onClick={(e) => { if (e.target === ref.current) onClose(); }}>
      {span ? (
        <div className="passage-drawer__body">
          <header className="passage-drawer__head">
            <h2 id="span-title" className="passage-drawer__title">{span.name}</h2>
            <button type="button" className="icon-btn" aria-label={t("common.close")} onClick={onClose} data-testid="span-close" autoFocus>✕</button>
          </header>
          <dl className="kv">
            <dt>{t("timeline.status")}</dt>
            <dd><Badge tone="info">{t(`timeline.kind.${span.kind}`)}</Badge> <Badge tone={statusTone(span.status)} testId="span-status">{t(`timeline.state.${span.status}`)}</Badge></dd>
            <dt>{t("timeline.start")}</dt><dd className="mono">+{formatMs(span.start_ms)}</dd>
            <dt>{t("timeline.duration")}</dt><dd className="mono" data-testid="span-duration">{formatMs(span.duration_ms)}</dd>
            {typeof span.ttft_ms === "number" ? <><dt>{t("timeline.ttft")}</dt><dd className="mono" data-testid="span-ttft">{formatMs(span.ttft_ms)}</dd></> : null}
          </dl>
          <RawToggle raw={raw} onRaw={onRaw} testId="span-raw-toggle" />
          {raw ? (
            <pre className="raw-json" data-testid="span-raw">{JSON.stringify(span, null, 2)}</pre>
          ) : (
            <section data-testid="span-details" aria-label={t("timeline.details")}>
              {Object.keys(span.details ?? {}).length === 0 ? <p className="muted">{t("timeline.noDetails")}</p> : <DetailList values={span.details ?? {}} />}
            </section>
          )}
        </div>
      ) : null}
    </dialog>
  );
}
