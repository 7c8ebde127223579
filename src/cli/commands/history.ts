import type { Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection } from './admin/client.js';
import { shortTime, table } from './admin/table.js';

interface HistoryResult {
  composite: {
    name: string;
    state: string;
    liveVersion: number | null;
    versions: { version: number; note: string | null; createdAt: string; createdBy: string }[];
  } | null;
  audit: { at: string; actor: string | null; action: string; version: number | null; outcome: string; detail: Record<string, unknown> }[];
}

/** `skein history <name>`: a composite's versions and its audit trail. */
export function registerHistory(program: Command): void {
  withConnection(
    program
      .command('history')
      .description("A composite's versions (which one is live) and what was done to it, by whom.")
      .argument('<name>', 'the composite')
      .option('-n, --limit <n>', 'audit entries to show', '20'),
  ).action(async (name: string, options: { limit: string; gateway: string; token?: string }) => {
    try {
      const result = await adminRequest<HistoryResult>(
        connectionOf(options),
        `query($name: String!, $limit: Int) {
          composite(name: $name) { name state liveVersion versions { version note createdAt createdBy } }
          audit(target: $name, limit: $limit) { at actor action version outcome detail }
        }`,
        { name, limit: Number(options.limit) || 20 },
      );
      if (!result.composite) throw new Error(`no composite named "${name}" is registered`);
      const c = result.composite;
      console.log(`${c.name}: ${c.state.toLowerCase()}\n`);
      console.log(
        table(
          ['version', 'saved', 'by', 'note', 'served'],
          [...c.versions].reverse().map((v) => [`v${v.version}`, shortTime(v.createdAt), v.createdBy, v.note, v.version === c.liveVersion ? '← live' : null]),
        ),
      );
      console.log('');
      console.log(
        table(
          ['when', 'who', 'action', 'version', 'outcome', 'detail'],
          result.audit.map((a) => [
            shortTime(a.at),
            a.actor,
            a.action,
            a.version === null ? null : `v${a.version}`,
            a.outcome.toLowerCase(),
            detailText(a.detail),
          ]),
        ),
      );
    } catch (error) {
      reportFailure(error);
    }
  });
}

function detailText(detail: Record<string, unknown>): string {
  if (typeof detail.reason === 'string') return detail.reason;
  if ('from' in detail && 'to' in detail) return `${detail.from} → ${detail.to}`;
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}
