"use client";

import { useCallback, useEffect, useRef, useState } from "react";

export interface Resource<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Load once (and on `reload`), keeping the last good data while reloading. No timers: callers
 * reload when a live event says the data changed.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  const token = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++token.current;
    setLoading(true);
    try {
      const value = await loader.current();
      if (mine !== token.current) return;
      setData(value);
      setError(null);
    } catch (err) {
      if (mine !== token.current) return;
      setError(err);
    } finally {
      if (mine === token.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- fetching on mount is the point of this hook
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- deps are the caller's
  }, deps);

  return { data, error, loading, reload };
}
