import { when } from '../shared/time';
import { useAdminQuery } from './admin-context';
import { hrefOf } from './hash-route';
import { inProgress, RUN_FIELDS, RunProgress, RunState, useRefreshWhile, type SyncRunRow } from './sync-runs';

interface SyncJobRow {
  name: string;
  state: string;
  version: number;
  liveVersion: number | null;
  rule: string;
  strategies: string[];
  lastRun: SyncRunRow | null;
}

const LIST = /* GraphQL */ `
  {
    syncJobs { name state version liveVersion rule strategies lastRun { ${RUN_FIELDS} } }
  }
`;

/** Every sync job: its state, rule, what starts it, and its last run (refreshed while one is in progress). */
export function SyncJobsPage() {
  const list = useAdminQuery<{ syncJobs: SyncJobRow[] }>(LIST);
  useRefreshWhile(list.data?.syncJobs.some((job) => inProgress(job.lastRun)) ?? false, list.reload);
  return (
    <>
      <div className="page-head">
        <h1>Sync jobs</h1>
      </div>
      {list.error ? <p role="alert" className="error">{list.error}</p> : null}
      {list.data && list.data.syncJobs.length === 0 ? (
        <p className="muted">No sync jobs yet: save one with <code>skein sync save &lt;file&gt; --publish</code>, or put it in <code>schema/sync/</code>.</p>
      ) : null}
      {list.data && list.data.syncJobs.length > 0 ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Sync jobs table">
          <table>
            <caption className="visually-hidden">Sync jobs, with state, rule, strategy and last run</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Rule</th>
                <th scope="col">Runs on</th>
                <th scope="col">Live</th>
                <th scope="col">Last run</th>
                <th scope="col" className="number">Read</th>
                <th scope="col" className="number">Written</th>
                <th scope="col" className="number">Failed</th>
                <th scope="col">Progress</th>
              </tr>
            </thead>
            <tbody>
              {list.data.syncJobs.map((job) => (
                <tr key={job.name} data-sync-job={job.name}>
                  <th scope="row">
                    <a href={hrefOf({ page: 'syncJob', name: job.name })}>{job.name}</a>
                  </th>
                  <td>
                    <span className={`state state-${job.state.toLowerCase()}`}>{job.state.toLowerCase()}</span>
                  </td>
                  <td>{job.rule}</td>
                  <td>
                    <ul className="strategies">
                      {job.strategies.map((s) => (
                        <li key={s}>{s}</li>
                      ))}
                    </ul>
                  </td>
                  <td>{job.liveVersion ? `v${job.liveVersion}` : '—'}</td>
                  {job.lastRun ? (
                    <>
                      <td>
                        <RunState state={job.lastRun.state} />
                        <br />
                        <time dateTime={job.lastRun.queuedAt}>{when(job.lastRun.queuedAt)}</time>
                      </td>
                      <td className="number">{job.lastRun.read}</td>
                      <td className="number">{job.lastRun.written}</td>
                      <td className={`number${job.lastRun.failed ? ' failed-count' : ''}`}>{job.lastRun.failed}</td>
                      <td>
                        <RunProgress run={job.lastRun} />
                      </td>
                    </>
                  ) : (
                    <td colSpan={5} className="muted">
                      never run
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : list.loading && !list.data ? (
        <p className="muted" aria-busy="true">Loading sync jobs…</p>
      ) : null}
    </>
  );
}
