import { useState } from 'react';
import { FileButton } from '../shared/FileButton';
import { Notice, type NoticeState } from '../shared/Notice';
import { when } from '../shared/time';
import { useAdmin, useAdminQuery } from './admin-context';
import { hrefOf } from './hash-route';
import { importComposite } from './import-composite';

interface CompositeRow {
  name: string;
  state: string;
  version: number;
  liveVersion: number | null;
  protocol: string;
  operation: string;
  updatedAt: string;
  updatedBy: string;
}

const LIST = /* GraphQL */ `
  {
    composites(includeDeleted: true) { name state version liveVersion protocol operation updatedAt updatedBy }
  }
`;

/** Every composite: its state, versions, protocol, and who changed it when. */
export function CompositesPage() {
  const admin = useAdmin();
  const list = useAdminQuery<{ composites: CompositeRow[] }>(LIST);
  const [notice, setNotice] = useState<NoticeState>();
  return (
    <>
      <div className="page-head">
        <h1>Composites</h1>
        <FileButton
          label="Import"
          accept=".xml,.json,application/xml,application/json"
          onText={(text, file) => importComposite(admin, text, file).then(setNotice).then(list.reload)}
        />
      </div>
      <Notice notice={notice} />
      {list.error ? <p role="alert" className="error">{list.error}</p> : null}
      {list.data ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Composites table">
          <table>
            <caption className="visually-hidden">Composites, with state, versions, protocol and last change</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Version</th>
                <th scope="col">Live</th>
                <th scope="col">Protocol</th>
                <th scope="col">Changed by</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {list.data.composites.map((c) => (
                <tr key={c.name} data-composite={c.name}>
                  <th scope="row">
                    <a href={hrefOf({ page: 'composite', name: c.name })}>{c.name}</a>
                  </th>
                  <td>
                    <span className={`state state-${c.state.toLowerCase()}`}>{c.state.toLowerCase()}</span>
                  </td>
                  <td>v{c.version}</td>
                  <td>{c.liveVersion ? `v${c.liveVersion}` : '—'}</td>
                  <td>{c.protocol}</td>
                  <td>{c.updatedBy}</td>
                  <td>
                    <time dateTime={c.updatedAt}>{when(c.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : list.loading ? (
        <p className="muted" aria-busy="true">Loading composites…</p>
      ) : null}
    </>
  );
}
