/** A horizontal bar chart in plain SVG: one labelled bar per row, scaled to the largest value. */
export interface Bar {
  label: string;
  value: number | null;
  /** What the bar shows instead of a number (a failed model). */
  note?: string;
}

export function BarChart({ bars, unit, title, testId }: { bars: Bar[]; unit: string; title: string; testId?: string }) {
  const max = Math.max(0, ...bars.map((b) => b.value ?? 0)) || 1;
  const rowH = 26;
  const labelW = 180;
  const width = 560;
  const barW = width - labelW - 90;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="small muted">{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${Math.max(1, bars.length) * rowH + 4}`} width="100%" role="img" aria-label={title}>
        {bars.map((b, i) => {
          const w = b.value === null ? 0 : Math.max(2, (b.value / max) * barW);
          const y = i * rowH + 2;
          return (
            <g key={`${b.label}-${i}`} data-testid="chart-bar" data-value={b.value ?? ""}>
              <text x={0} y={y + 16} className="chart__label">{b.label.length > 26 ? `${b.label.slice(0, 25)}…` : b.label}</text>
              <rect x={labelW} y={y + 3} width={w} height={rowH - 8} rx={3} className={b.value === null ? "chart__bar chart__bar--none" : "chart__bar"} />
              <text x={labelW + w + 6} y={y + 16} className="chart__value">{b.value === null ? (b.note ?? "—") : `${b.value} ${unit}`}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
