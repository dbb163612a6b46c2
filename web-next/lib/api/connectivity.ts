/**
 * One shared "can we reach the API" signal. Every request reports its outcome here, so the
 * shell shows the offline state as soon as anything fails, and recovers on the next success.
 */
type Listener = (online: boolean) => void;

let online: boolean | null = null;
const listeners = new Set<Listener>();

export function reportReachable(ok: boolean): void {
  if (online === ok) return;
  online = ok;
  for (const l of listeners) l(ok);
}

export function isOnline(): boolean | null {
  return online;
}

export function onConnectivity(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
