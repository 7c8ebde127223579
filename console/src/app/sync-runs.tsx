import { useEffect } from 'react';

/** One run of a sync job as the Sync pages show it (admin `SyncRun`). */
export interface SyncRunRow {
  id: number;
  trigger: string;
  state: 'QUEUED' | 'RUNNING' | 'PAUSED' | 'SUCCEEDED' | 'FAILED';
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  read: number;
  written: number;
  skipped: number;
  failed: number;
  deleted: number;
  error: string | null;
  resumeAt: string | null;
  given: { records: number; deleted: number } | null;
}

export const RUN_FIELDS = 'id trigger state queuedAt startedAt finishedAt durationMs read written skipped failed deleted error resumeAt given { records deleted }';

/** A run that is still moving: the page refreshes while one is shown. */
export const inProgress = (run: Pick<SyncRunRow, 'state'> | null | undefined) => run?.state === 'QUEUED' || run?.state === 'RUNNING';

/** Calls `reload` every `everyMs` while `active`: a run's counters move without the user reloading. */
export function useRefreshWhile(active: boolean, reload: () => void, everyMs = 1000): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, everyMs);
    return () => clearInterval(timer);
  }, [active, reload, everyMs]);
}

/** A duration for people: 850 ms, 12.4 s, 3 min 5 s. */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * How far a run is: records handled (written, skipped, failed, deleted) of those it has to
 * handle. A run given its changes knows that number from the start; one that reads its
 * source knows it only page by page, so while it runs the bar is indeterminate.
 */
export function RunProgress({ run }: { run: SyncRunRow }) {
  const handled = run.written + run.skipped + run.failed + run.deleted;
  const total = run.given ? run.given.records + run.given.deleted : run.state === 'SUCCEEDED' || run.state === 'FAILED' ? handled : undefined;
  const label = `${handled}${total !== undefined ? ` of ${total}` : ''} records handled`;
  return (
    <span className="run-progress">
      <progress max={total || 1} value={total === undefined ? undefined : total === 0 ? 1 : handled} aria-label={`Run ${run.id}: ${label}`} />
      <span className="muted">
        {handled}
        {total !== undefined ? `/${total}` : ''}
      </span>
    </span>
  );
}

export function RunState({ state }: { state: SyncRunRow['state'] }) {
  return <span className={`state run-${state.toLowerCase()}`}>{state.toLowerCase()}</span>;
}
