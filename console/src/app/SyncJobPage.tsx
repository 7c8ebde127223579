import { useState } from 'react';
import { Notice, type NoticeState } from '../shared/Notice';
import { when } from '../shared/time';
import { useAdmin, useAdminQuery } from './admin-context';
import { duration, inProgress, RUN_FIELDS, RunProgress, RunState, useRefreshWhile, type SyncRunRow } from './sync-runs';

interface SyncJobDetail {
  name: string;
  state: 'DRAFT' | 'PUBLISHED' | 'PAUSED' | 'DELETED';
  version: number;
  liveVersion: number | null;
  rule: string;
  strategies: string[];
  cursor: string | null;
  document: string;
  updatedAt: string;
  runs: SyncRunRow[];
}

interface FailedRecord {
  key: string;
  operation: string | null;
  record: unknown;
  error: string | null;
  attempts: number;
}

const DETAIL = /* GraphQL */ `
  query syncJob($name: String!) {
    syncJob(name: $name) {
      name state version liveVersion rule strategies cursor document updatedAt
      runs(limit: 20) { ${RUN_FIELDS} }
    }
  }
`;
const FAILED = 'query failed($id: Int!) { syncRun(id: $id) { id failed failedRecords(limit: 200) { key operation record error attempts } } }';

type Action = 'PUBLISH' | 'PAUSE' | 'RESUME';

/**
 * One sync job: what starts it, its runs with their counters and progress (refreshed while
 * one is queued or running), the records a run's target refused with a Replay button, and
 * Run now and the lifecycle verbs, each one admin API mutation (audited there, as from the CLI).
 */
export function SyncJobPage({ name }: { name: string }) {
  const admin = useAdmin();
  const detail = useAdminQuery<{ syncJob: SyncJobDetail | null }>(DETAIL, { name });
  const [selected, setSelected] = useState<number>();
  const failed = useAdminQuery<{ syncRun: { id: number; failed: number; failedRecords: FailedRecord[] } | null }>(FAILED, { id: selected ?? 0 });
  const [notice, setNotice] = useState<NoticeState>();
  const [busy, setBusy] = useState(false);
  useRefreshWhile(detail.data?.syncJob?.runs.some(inProgress) ?? false, detail.reload);

  const act = async (label: string, run: () => Promise<string>) => {
    setBusy(true);
    try {
      setNotice({ kind: 'ok', text: await run() });
    } catch (error) {
      setNotice({ kind: 'error', text: `${name}: ${label} was refused: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
      detail.reload();
      failed.reload();
    }
  };
  const change = (action: Action, done: string) =>
    act(action.toLowerCase(), async () => {
      const { changeSyncJob } = await admin.request<{ changeSyncJob: { state: string; liveVersion: number | null } }>(
        'mutation($name: String!, $action: SyncJobAction!) { changeSyncJob(name: $name, action: $action) { state liveVersion } }',
        { name, action },
      );
      return `${name}: ${done}; now ${changeSyncJob.state.toLowerCase()}${changeSyncJob.liveVersion ? `, live v${changeSyncJob.liveVersion}` : ''}.`;
    });
  const runNow = () =>
    act('run now', async () => {
      const { runSyncJob } = await admin.request<{ runSyncJob: { id: number } }>('mutation($name: String!) { runSyncJob(name: $name) { id } }', { name });
      return `${name}: run ${runSyncJob.id} queued.`;
    });
  const replay = (runId: number) =>
    act('replay', async () => {
      const { replaySyncJob } = await admin.request<{ replaySyncJob: { replayed: number; failed: number } }>(
        'mutation($name: String!, $runId: Int) { replaySyncJob(name: $name, runId: $runId) { replayed failed } }',
        { name, runId },
      );
      return `Run ${runId}: ${replaySyncJob.replayed} record(s) written again${replaySyncJob.failed ? `, ${replaySyncJob.failed} refused again` : ''}.`;
    });

  const job = detail.data?.syncJob;
  if (detail.error && !job) return <p role="alert" className="error">{detail.error}</p>;
  if (!detail.data) return <p className="muted" aria-busy="true">Loading {name}…</p>;
  if (!job) return <p role="alert" className="error">There is no sync job named {name}.</p>;

  const canPublish = job.state === 'DRAFT' || job.state === 'PAUSED' || (job.state === 'PUBLISHED' && job.liveVersion !== job.version);
  // The error column only when a run has one: it is the widest, and usually empty.
  const anyError = job.runs.some((run) => run.error !== null);
  const shown = failed.data?.syncRun && failed.data.syncRun.id === selected ? failed.data.syncRun : undefined;
  return (
    <article className="sync-job" data-sync-job={job.name} data-state={job.state}>
      <div className="page-head">
        <h1>{job.name}</h1>
        <span className={`state state-${job.state.toLowerCase()}`} data-testid="sync-job-state">
          {job.state.toLowerCase()}
        </span>
      </div>
      <p className="facts">
        {job.rule} · v{job.version}
        {job.liveVersion ? ` · live v${job.liveVersion}` : ''} · runs on {job.strategies.join(', ')}
        {job.cursor ? ` · cursor ${job.cursor}` : ''} · changed <time dateTime={job.updatedAt}>{when(job.updatedAt)}</time>
      </p>

      <section aria-labelledby="sync-actions-title" className="actions">
        <h2 id="sync-actions-title" className="visually-hidden">
          Actions
        </h2>
        <div className="toolbar" role="group" aria-label="Runs and lifecycle">
          <button type="button" disabled={busy || job.state !== 'PUBLISHED'} onClick={runNow}>
            Run now
          </button>
          <button type="button" className="secondary" disabled={busy || !canPublish} onClick={() => change('PUBLISH', 'published')}>
            Publish
          </button>
          <button type="button" className="secondary" disabled={busy || job.state !== 'PUBLISHED'} onClick={() => change('PAUSE', 'paused')}>
            Pause
          </button>
          <button type="button" className="secondary" disabled={busy || job.state !== 'PAUSED'} onClick={() => change('RESUME', 'resumed')}>
            Resume
          </button>
        </div>
        <Notice notice={notice} />
      </section>

      <section aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        {job.runs.length === 0 ? <p className="muted">No runs yet.</p> : null}
        {job.runs.length > 0 ? (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Runs table">
            <table className="runs">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">State</th>
                  <th scope="col" className="number">Read</th>
                  <th scope="col" className="number">Written</th>
                  <th scope="col" className="number">Skipped</th>
                  <th scope="col" className="number">Failed</th>
                  <th scope="col" className="number">Deleted</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Started</th>
                  {anyError ? <th scope="col">Error</th> : null}
                </tr>
              </thead>
              <tbody>
                {job.runs.map((run) => (
                  <tr key={run.id} data-run={run.id} data-state={run.state} className={run.id === selected ? 'selected' : undefined}>
                    <th scope="row">{run.id}</th>
                    <td>
                      {run.trigger}
                      {run.given ? (
                        <span className="muted given">
                          {run.given.records} record{run.given.records === 1 ? '' : 's'} sent{run.given.deleted ? `, ${run.given.deleted} to delete` : ''}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      <RunState state={run.state} />
                    </td>
                    <td className="number" data-count="read">{run.read}</td>
                    <td className="number" data-count="written">{run.written}</td>
                    <td className="number" data-count="skipped">{run.skipped}</td>
                    <td className={`number${run.failed ? ' failed-count' : ''}`} data-count="failed">
                      {run.failed}
                      {run.failed ? (
                        <button type="button" className="link" onClick={() => setSelected(run.id)} aria-pressed={run.id === selected} aria-label={`Show the ${run.failed} failed records of run ${run.id}`}>
                          show
                        </button>
                      ) : null}
                    </td>
                    <td className="number" data-count="deleted">{run.deleted}</td>
                    <td>
                      <RunProgress run={run} />
                    </td>
                    <td>{duration(run.durationMs)}</td>
                    <td>{run.startedAt ? <time dateTime={run.startedAt}>{when(run.startedAt)}</time> : <span className="muted">waiting</span>}</td>
                    {anyError ? (
                      <td className="run-error">
                        {run.error ?? ''}
                        {run.resumeAt ? (
                          <>
                            {' '}
                            (resumes <time dateTime={run.resumeAt}>{when(run.resumeAt)}</time>)
                          </>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      {selected !== undefined ? (
        <section aria-labelledby="failed-title" className="failed-records">
          <div className="page-head">
            <h2 id="failed-title">Failed records of run {selected}</h2>
            <button type="button" disabled={busy || !shown || shown.failedRecords.length === 0} onClick={() => replay(selected)}>
              Replay{shown && shown.failedRecords.length ? ` ${shown.failedRecords.length} record${shown.failedRecords.length > 1 ? 's' : ''}` : ''}
            </button>
          </div>
          {failed.error ? <p role="alert" className="error">{failed.error}</p> : null}
          {shown && shown.failedRecords.length === 0 ? <p className="muted">None left: every refused record of this run has been written.</p> : null}
          {shown && shown.failedRecords.length > 0 ? (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Failed records table">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Key</th>
                    <th scope="col">Write</th>
                    <th scope="col">Error</th>
                    <th scope="col" className="number">Attempts</th>
                    <th scope="col">Record</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.failedRecords.map((record) => (
                    <tr key={record.key} data-failed-key={record.key}>
                      <th scope="row">{record.key}</th>
                      <td>{record.operation ?? '—'}</td>
                      <td className="run-error">{record.error}</td>
                      <td className="number">{record.attempts}</td>
                      <td>
                        <code className="record">{fieldsOf(record.record)}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="sync-document-title">
        <h2 id="sync-document-title">Document (v{job.version})</h2>
        <pre className="document" tabIndex={0} aria-labelledby="sync-document-title">
          {job.document}
        </pre>
      </section>
    </article>
  );
}

/** A kept record as one `field: value` line per field, in the order its fields were written. */
function fieldsOf(record: unknown): string {
  if (record === null || typeof record !== 'object') return record === null ? '—' : JSON.stringify(record);
  return Object.entries(record as Record<string, unknown>)
    .map(([field, value]) => `${field}: ${JSON.stringify(value)}`)
    .join('\n');
}
