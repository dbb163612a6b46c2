"use client";

export default function ErrorBoundary({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <div className="state state--error" role="alert" data-testid="app-error">
      <strong>Something went wrong</strong>
      <p>{error.message}</p>
      <button type="button" className="btn" onClick={reset}>Try again</button>
    </div>
  );
}
