import { useCallback, useRef, useState } from 'react';
import type { FlowInput } from '../../../src/drawing/index';
import { download, svgToPng } from '../shared/downloads';
import { FileButton } from '../shared/FileButton';
import { FlowPicture } from '../shared/FlowPicture';
import { Notice, type NoticeState } from '../shared/Notice';
import { when } from '../shared/time';
import { useAdmin, useAdminQuery } from './admin-context';
import { importComposite } from './import-composite';
import { VersionDiff } from './VersionDiff';

interface CompositeDetail {
  name: string;
  state: 'DRAFT' | 'PUBLISHED' | 'PAUSED' | 'DELETED';
  operation: string;
  version: number;
  liveVersion: number | null;
  document: string;
  protocol: string;
  endpoint: string | null;
  sources: string[];
  updatedAt: string;
  updatedBy: string;
  versions: { version: number; document: string; note: string | null; protocol: string | null; createdAt: string; createdBy: string }[];
}

interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  version: number | null;
  outcome: string;
}

const DETAIL = /* GraphQL */ `
  query composite($name: String!) {
    composite(name: $name) {
      name state operation version liveVersion document protocol endpoint sources updatedAt updatedBy
      versions { version document note protocol createdAt createdBy }
    }
    audit(target: $name, limit: 50) { id at actor action version outcome }
  }
`;
const PLAN = 'query plan($name: String!) { plan(name: $name) { flow } }';

type Verb = 'publish' | 'pause' | 'resume' | 'delete';

/**
 * One composite: its flow drawn, its document, its versions with a diff, its audit
 * trail, and the lifecycle verbs, each one admin API mutation (checked, versioned and
 * audited there, as from the CLI).
 */
export function CompositePage({ name }: { name: string }) {
  const admin = useAdmin();
  const detail = useAdminQuery<{ composite: CompositeDetail | null; audit: AuditRow[] }>(DETAIL, { name });
  const plan = useAdminQuery<{ plan: { flow: FlowInput } }>(PLAN, { name });
  const [notice, setNotice] = useState<NoticeState>();
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [rollbackTo, setRollbackTo] = useState<number>();
  const [pictureFormat, setPictureFormat] = useState<'svg' | 'png'>('svg');
  const drawn = useRef<string | undefined>(undefined);
  const onDrawn = useCallback((svg: string) => void (drawn.current = svg), []);

  const act = async (label: string, mutation: string, variables: Record<string, unknown>) => {
    setBusy(true);
    try {
      const data = await admin.request<Record<string, { state: string; version: number; liveVersion: number | null }>>(mutation, variables);
      const result = Object.values(data)[0];
      setNotice({ kind: 'ok', text: `${name}: ${label}; now ${result.state.toLowerCase()}, v${result.version}${result.liveVersion ? ` (serving v${result.liveVersion})` : ''}.` });
    } catch (error) {
      setNotice({ kind: 'error', text: `${name} was not ${label}: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
      detail.reload();
      plan.reload();
    }
  };
  const verb = (v: Verb, label: string) => act(label, `mutation($name: String!) { ${v}(name: $name) { state version liveVersion } }`, { name });

  const exportXml = async () => {
    try {
      const { export: exported } = await admin.request<{ export: { document: string; version: number } }>(
        'query($name: String!) { export(name: $name, format: XML) { document version } }',
        { name },
      );
      download(`${name}.xml`, exported.document, 'application/xml');
      setNotice({ kind: 'ok', text: `Exported ${name} v${exported.version} as ${name}.xml.` });
    } catch (error) {
      setNotice({ kind: 'error', text: `${name} was not exported: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  const savePicture = async () => {
    const svg = drawn.current;
    if (!svg) return setNotice({ kind: 'error', text: 'The flow is not drawn yet.' });
    if (pictureFormat === 'svg') download(`${name}.svg`, svg, 'image/svg+xml');
    else download(`${name}.png`, await svgToPng(svg), 'image/png');
    setNotice({ kind: 'ok', text: `Saved the picture of ${name} as ${name}.${pictureFormat}.` });
  };

  const c = detail.data?.composite;
  if (detail.error && !c) return <p role="alert" className="error">{detail.error}</p>;
  if (!detail.data) return <p className="muted" aria-busy="true">Loading {name}…</p>;
  if (!c) return <p role="alert" className="error">There is no composite named {name}.</p>;

  const canPublish = c.state === 'DRAFT' || c.state === 'PAUSED' || (c.state === 'PUBLISHED' && c.liveVersion !== c.version);
  const earlier = c.versions.filter((v) => v.version !== c.version);
  const target = rollbackTo ?? earlier[0]?.version;
  return (
    <article className="composite" data-composite={c.name} data-state={c.state}>
      <div className="page-head">
        <h1>{c.name}</h1>
        <span className={`state state-${c.state.toLowerCase()}`} data-testid="composite-state">
          {c.state.toLowerCase()}
        </span>
      </div>
      <p className="facts">
        {c.operation} · v{c.version}
        {c.liveVersion ? ` · serving v${c.liveVersion}` : ''} · {c.protocol}
        {c.endpoint ? (
          <>
            {' '}
            · <a href={c.endpoint}>{c.endpoint}</a>
          </>
        ) : null}{' '}
        · calls {c.sources.join(', ') || 'no source'} · changed by {c.updatedBy}, <time dateTime={c.updatedAt}>{when(c.updatedAt)}</time>
      </p>

      <section aria-labelledby="actions-title" className="actions">
        <h2 id="actions-title" className="visually-hidden">
          Actions
        </h2>
        <div className="toolbar" role="group" aria-label="Lifecycle">
          <button type="button" disabled={busy || !canPublish} onClick={() => verb('publish', 'published')}>
            Publish
          </button>
          <button type="button" disabled={busy || c.state !== 'PUBLISHED'} onClick={() => verb('pause', 'paused')}>
            Pause
          </button>
          <button type="button" disabled={busy || c.state !== 'PAUSED'} onClick={() => verb('resume', 'resumed')}>
            Resume
          </button>
          <button type="button" className="danger" disabled={busy || c.state === 'DELETED'} onClick={() => setConfirmDelete(true)} aria-expanded={confirmDelete}>
            Delete
          </button>
          <span className="inline-field">
            <label htmlFor="rollback-to">Roll back to</label>
            <select id="rollback-to" value={target ?? ''} onChange={(e) => setRollbackTo(Number(e.target.value))} disabled={earlier.length === 0}>
              {earlier.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
            <button
              type="button"
              disabled={busy || c.state === 'DELETED' || target === undefined}
              onClick={() => act(`rolled back to v${target}`, 'mutation($name: String!, $version: Int!) { rollback(name: $name, version: $version) { state version liveVersion } }', { name, version: target })}
            >
              Rollback
            </button>
          </span>
        </div>
        {confirmDelete ? (
          <div className="confirm" role="group" aria-label="Confirm deletion">
            <p>
              Delete {c.name}? It stops being served at once; its versions and audit trail stay, and saving it again starts a new draft.
            </p>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirmDelete(false);
                void verb('delete', 'deleted');
              }}
            >
              Delete {c.name}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirmDelete(false)} autoFocus>
              Cancel
            </button>
          </div>
        ) : null}
        <div className="toolbar" role="group" aria-label="Files">
          <button type="button" onClick={exportXml}>
            Export
          </button>
          <FileButton label="Import" accept=".xml,.json,application/xml,application/json" onText={(text, file) =>
              importComposite(admin, text, file)
                .then(setNotice)
                .then(() => (detail.reload(), plan.reload()))
            }
          />
          <span className="inline-field">
            <label htmlFor="picture-format">Picture as</label>
            <select id="picture-format" value={pictureFormat} onChange={(e) => setPictureFormat(e.target.value as 'svg' | 'png')}>
              <option value="svg">SVG</option>
              <option value="png">PNG</option>
            </select>
            <button type="button" onClick={savePicture} disabled={!plan.data}>
              Save picture
            </button>
          </span>
        </div>
        <Notice notice={notice} />
      </section>

      <section aria-labelledby="flow-title">
        <h2 id="flow-title">Flow (v{c.version})</h2>
        {plan.error ? <p role="alert" className="error">{plan.error}</p> : null}
        {plan.data ? <FlowPicture flow={plan.data.plan.flow} onDrawn={onDrawn} /> : null}
      </section>

      <section aria-labelledby="document-title">
        <h2 id="document-title">Document (v{c.version})</h2>
        <pre className="document" tabIndex={0} aria-labelledby="document-title">
          {c.document}
        </pre>
      </section>

      <section aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Versions table">
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">By</th>
                <th scope="col">When</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {c.versions.map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <th scope="row">
                    v{v.version}
                    {v.version === c.liveVersion ? ' (live)' : ''}
                  </th>
                  <td>{v.createdBy}</td>
                  <td>
                    <time dateTime={v.createdAt}>{when(v.createdAt)}</time>
                  </td>
                  <td>{v.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {c.versions.length > 1 ? <VersionDiff versions={c.versions} /> : null}
      </section>

      <section aria-labelledby="audit-title">
        <h2 id="audit-title">Audit trail</h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Audit trail table">
          <table className="audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Version</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {detail.data.audit.map((entry) => (
                <tr key={entry.id} data-action={entry.action}>
                  <td>
                    <time dateTime={entry.at}>{when(entry.at)}</time>
                  </td>
                  <td>{entry.actor ?? '—'}</td>
                  <td>{entry.action}</td>
                  <td>{entry.version ? `v${entry.version}` : ''}</td>
                  <td>{entry.outcome.toLowerCase()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </article>
  );
}
