/** A progress bar; without a value it is indeterminate (work known to run, its size not yet). */
export function Progress({ value, label, testId }: { value: number | null; label: string; testId?: string }) {
  if (value === null) {
    return <div className="progress progress--busy" role="progressbar" aria-label={label} data-testid={testId}><span /></div>;
  }
  const v = Math.round(Math.max(0, Math.min(100, value)));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuenow={v} aria-valuemin={0} aria-valuemax={100} data-testid={testId} data-value={v}>
      <span style={{ width: `${v}%` }} />
    </div>
  );
}
