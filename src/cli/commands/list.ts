import type { Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection } from './admin/client.js';
import { shortTime, table } from './admin/table.js';

const LIST = /* GraphQL */ `
  query list($all: Boolean) {
    status { store where servedRevision }
    composites(includeDeleted: $all) { name state version liveVersion endpoint protocol sources updatedAt updatedBy }
    sources(includeRemoved: $all) { name kind state version origin url usedBy updatedAt updatedBy }
  }
`;

interface ListResult {
  status: { store: string; where: string; servedRevision: number };
  composites: {
    name: string;
    state: string;
    version: number;
    liveVersion: number | null;
    endpoint: string | null;
    protocol: string;
    sources: string[];
    updatedAt: string;
    updatedBy: string;
  }[];
  sources: { name: string; kind: string; state: string; version: number; origin: string; url: string | null; usedBy: string[]; updatedAt: string; updatedBy: string }[];
}

/** `skein list`: every composite and source of a running gateway, with state and versions. */
export function registerList(program: Command): void {
  withConnection(
    program
      .command('list')
      .alias('ls')
      .description("List a running gateway's composites and sources with their state and versions.")
      .option('-a, --all', 'include deleted composites and removed sources'),
  ).action(async (options: { all?: boolean; gateway: string; token?: string }) => {
    try {
      const connection = connectionOf(options);
      const result = await adminRequest<ListResult>(connection, LIST, { all: options.all === true });
      console.log(`${connection.gateway}: ${result.status.store.toLowerCase()} registry (${result.status.where}), revision ${result.status.servedRevision}\n`);
      console.log(
        table(
          ['composite', 'state', 'version', 'live', 'endpoint', 'protocol', 'sources', 'updated'],
          result.composites.map((c) => [
            c.name,
            c.state.toLowerCase(),
            `v${c.version}`,
            c.liveVersion === null ? null : `v${c.liveVersion}`,
            c.endpoint,
            c.protocol,
            c.sources.join(', '),
            `${shortTime(c.updatedAt)} ${c.updatedBy}`,
          ]),
        ),
      );
      console.log('');
      console.log(
        table(
          ['source', 'kind', 'state', 'version', 'from', 'url', 'used by'],
          result.sources.map((s) => [s.name, s.kind, s.state.toLowerCase(), `v${s.version}`, s.origin.toLowerCase(), s.url, s.usedBy.join(', ')]),
        ),
      );
    } catch (error) {
      reportFailure(error);
    }
  });
}
