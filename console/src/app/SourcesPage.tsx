import { useState, type FormEvent } from 'react';
import { Notice, type NoticeState } from '../shared/Notice';
import { when } from '../shared/time';
import { useAdmin, useAdminQuery } from './admin-context';

interface SourceRow {
  name: string;
  kind: string;
  url: string | null;
  version: number;
  origin: string;
  operations: string[];
  usedBy: string[];
  updatedAt: string;
  updatedBy: string;
  health: {
    breaker: string;
    openedAt: string | null;
    lastFailure: string | null;
    inFlight: number;
    queued: number;
    calls: number;
    failures: number;
    retries: number;
    rejected: number;
    shortCircuited: number;
  } | null;
}

const LIST = /* GraphQL */ `
  {
    sources {
      name kind url version origin operations usedBy updatedAt updatedBy
      health { breaker openedAt lastFailure inFlight queued calls failures retries rejected shortCircuited }
    }
  }
`;

/** Every source: kind, URL, operations, and its breaker and counters in this gateway (admin `health`). */
export function SourcesPage() {
  const admin = useAdmin();
  const list = useAdminQuery<{ sources: SourceRow[] }>(LIST);
  const [notice, setNotice] = useState<NoticeState>();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [file, setFile] = useState<{ name: string; text: string }>();
  const [busy, setBusy] = useState(false);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return setNotice({ kind: 'error', text: 'Choose an OpenAPI (JSON or YAML) or WSDL document to upload.' });
    // A WSDL is XML; an OpenAPI document is JSON or YAML.
    const kind = file.text.trimStart().startsWith('<') ? 'wsdl' : 'openapi';
    setBusy(true);
    try {
      const { registerSource } = await admin.request<{ registerSource: { name: string; version: number; kind: string; operations: string[] } }>(
        'mutation($input: SourceInput!) { registerSource(input: $input) { name version kind operations } }',
        { input: { name: name.trim(), [kind]: file.text, ...(url.trim() ? { url: url.trim() } : {}) } },
      );
      setNotice({ kind: 'ok', text: `Registered ${registerSource.name} v${registerSource.version} (${registerSource.kind}) from ${file.name}: ${registerSource.operations.join(', ') || 'no operation'}.` });
      list.reload();
    } catch (error) {
      setNotice({ kind: 'error', text: `${file.name} was not registered: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Sources</h1>
      {list.error ? <p role="alert" className="error">{list.error}</p> : null}
      {list.data ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Sources table">
          <table className="sources">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">URL</th>
                <th scope="col">Operations</th>
                <th scope="col">Breaker</th>
                <th scope="col">Calls</th>
                <th scope="col">Failures</th>
                <th scope="col">Retries</th>
                <th scope="col">Refused</th>
                <th scope="col">In flight</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {list.data.sources.map((s) => (
                <tr key={s.name} data-source={s.name}>
                  <th scope="row">{s.name}</th>
                  <td>
                    {s.kind} <span className="muted">({s.origin.toLowerCase()}, v{s.version})</span>
                  </td>
                  <td className="url">{s.url ?? '—'}</td>
                  <td>
                    <details>
                      <summary>{s.operations.length === 1 ? '1 operation' : `${s.operations.length} operations`}</summary>
                      <ul>
                        {s.operations.map((op) => (
                          <li key={op}>
                            <code>{op}</code>
                          </li>
                        ))}
                      </ul>
                    </details>
                  </td>
                  <td>
                    {s.health ? (
                      <span className={`breaker breaker-${s.health.breaker.toLowerCase()}`} title={s.health.lastFailure ? `last failure: ${s.health.lastFailure}` : undefined}>
                        {s.health.breaker.toLowerCase().replace('_', '-')}
                      </span>
                    ) : (
                      <span className="muted">not called</span>
                    )}
                  </td>
                  <td>{s.health?.calls ?? 0}</td>
                  <td>{s.health?.failures ?? 0}</td>
                  <td>{s.health?.retries ?? 0}</td>
                  <td>{(s.health?.rejected ?? 0) + (s.health?.shortCircuited ?? 0)}</td>
                  <td>
                    {s.health?.inFlight ?? 0}
                    {s.health?.queued ? ` (+${s.health.queued} queued)` : ''}
                  </td>
                  <td>
                    {s.updatedBy}, <time dateTime={s.updatedAt}>{when(s.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : list.loading ? (
        <p className="muted" aria-busy="true">Loading sources…</p>
      ) : null}
      <button type="button" className="secondary" onClick={list.reload}>
        Refresh counters
      </button>

      <section aria-labelledby="add-source-title">
        <h2 id="add-source-title">Add a source</h2>
        <form onSubmit={add} className="add-source">
          <div className="field">
            <label htmlFor="source-name">Source name</label>
            <input id="source-name" required pattern="[A-Za-z_][A-Za-z0-9_]*" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="source-url">Base URL or endpoint (optional)</label>
            <input id="source-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="source-file">OpenAPI or WSDL document</label>
            <input
              id="source-file"
              type="file"
              accept=".json,.yaml,.yml,.wsdl,.xml"
              required
              onChange={async (e) => {
                const chosen = e.target.files?.[0];
                setFile(chosen ? { name: chosen.name, text: await chosen.text() } : undefined);
              }}
            />
          </div>
          <button type="submit" disabled={busy}>
            Add source
          </button>
        </form>
        <Notice notice={notice} />
      </section>
    </>
  );
}
