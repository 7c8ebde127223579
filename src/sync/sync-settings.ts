import type { SyncServiceOptions } from './sync-service.js';

/** The environment variables that tune sync jobs, and what each sets. */
export const SYNC_VARIABLES = {
  SKEIN_SYNC_LEASE_MS: 'how long a run is held without a checkpoint before another gateway may take it over (60000)',
  SKEIN_SYNC_EXPIRE_SECONDS: "how long a job may run before the queue hands it to another gateway (900); longer than the lease",
  SKEIN_SYNC_POLL_MS: 'how often an idle gateway asks the queue for work (1000)',
  SKEIN_SYNC_CONCURRENCY: 'writes in flight at once per run (8)',
  SKEIN_SYNC_BACKOFF_MS: "the first retry's wait; it doubles with each attempt (500)",
} as const;

/** Sync settings from the environment; a value that is not a whole number of at least 1 is an error naming the variable. */
export function syncSettingsFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): Partial<SyncServiceOptions> {
  const read = (name: keyof typeof SYNC_VARIABLES): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new Error(`${name} must be a whole number of at least 1 (${SYNC_VARIABLES[name]}), not "${text}"`);
    return Number(text);
  };
  const expireSeconds = read('SKEIN_SYNC_EXPIRE_SECONDS');
  const pollMs = read('SKEIN_SYNC_POLL_MS');
  return {
    leaseMs: read('SKEIN_SYNC_LEASE_MS'),
    concurrency: read('SKEIN_SYNC_CONCURRENCY'),
    backoffMs: read('SKEIN_SYNC_BACKOFF_MS'),
    engine: { ...(expireSeconds ? { expireSeconds } : {}), ...(pollMs ? { pollMs } : {}) },
  };
}
