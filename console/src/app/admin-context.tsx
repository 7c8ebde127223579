import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { AdminClient } from '../shared/admin-client';

export const AdminContext = createContext<AdminClient | undefined>(undefined);

export function useAdmin(): AdminClient {
  const client = useContext(AdminContext);
  if (!client) throw new Error('useAdmin outside the signed-in console');
  return client;
}

export interface Loaded<T> {
  readonly data?: T;
  readonly error?: string;
  readonly loading: boolean;
  reload(): void;
}

/** Runs an admin query when its variables change; `reload` runs it again (after a change). */
export function useAdminQuery<T>(query: string, variables?: Record<string, unknown>): Loaded<T> {
  const admin = useAdmin();
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const key = JSON.stringify(variables ?? {});
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    admin
      .request<T>(query, variables)
      .then((data) => current && setState({ data, loading: false }))
      .catch((e: unknown) => current && setState((s) => ({ data: s.data, error: e instanceof Error ? e.message : String(e), loading: false })));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [admin, query, key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
