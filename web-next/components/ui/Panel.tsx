import type { ReactNode } from "react";

export function Panel({ title, actions, children, testId, className }: { title: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string; className?: string }) {
  return (
    <section className={`panel${className ? ` ${className}` : ""}`} data-testid={testId}>
      <header className="panel__head">
        <h2 className="panel__title">{title}</h2>
        {actions ? <div className="panel__actions">{actions}</div> : null}
      </header>
      <div className="panel__body">{children}</div>
    </section>
  );
}

export function PageHeader({ title, subtitle }: { title: string; subtitle: string }) {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      <p>{subtitle}</p>
    </div>
  );
}
