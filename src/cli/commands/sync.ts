import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { reportFailure } from '../report.js';
import { adminRequest, connectionOf, withConnection, type AdminConnection } from './admin/client.js';
import { shortTime, table } from './admin/table.js';

const RUN_FIELDS = 'id job version trigger state rule startedAt finishedAt durationMs read written skipped failed deleted error resumeAt';

interface Run {
  id: number;
  job: string;
  version: number;
  trigger: string;
  state: string;
  rule: string;
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
}

type Options = { gateway: string; token?: string };

/**
 * `skein sync list|show|save|publish|pause|resume|delete|run|replay|export|import`: sync jobs of a
 * running gateway, through its admin API. `run` follows the run with a progress line
 * until it ends, and exits non-zero when records failed.
 */
export function registerSync(program: Command): void {
  const sync = program.command('sync').description('Sync jobs: list, show, save, publish, pause, resume, delete, run, replay.');
  withConnection(sync.command('list').description('Every sync job with its state and last run.')).action((options: Options) =>
    act(options, async (connection) => {
      const { syncJobs } = await adminRequest<{ syncJobs: { name: string; state: string; version: number; liveVersion: number | null; rule: string; schedule: string | null; runs: Run[] }[] }>(
        connection,
        `{ syncJobs { name state version liveVersion rule schedule runs(limit: 1) { ${RUN_FIELDS} } } }`,
      );
      console.log(
        table(
          ['sync job', 'state', 'version', 'live', 'rule', 'schedule', 'last run'],
          syncJobs.map((j) => [j.name, j.state.toLowerCase(), `v${j.version}`, j.liveVersion === null ? null : `v${j.liveVersion}`, j.rule, j.schedule, j.runs[0] ? runLine(j.runs[0]) : null]),
        ),
      );
    }),
  );
  withConnection(sync.command('show <name>').description('A sync job: its document, recent runs and the records its target refused.')).action((name: string, options: Options) =>
    act(options, async (connection) => {
      const { syncJob } = await adminRequest<{ syncJob: null | { name: string; state: string; version: number; rule: string; schedule: string | null; cursor: string | null; document: string; runs: Run[]; failedRecords: { runId: number; key: string; error: string }[] } }>(
        connection,
        `query($name: String!) { syncJob(name: $name) { name state version rule schedule cursor document runs(limit: 10) { ${RUN_FIELDS} } failedRecords(limit: 20) { runId key error } } }`,
        { name },
      );
      if (!syncJob) throw new Error(`no sync job named "${name}"; \`skein sync list\` shows them`);
      console.log(`${syncJob.name}: ${syncJob.state.toLowerCase()} v${syncJob.version}, ${syncJob.rule}${syncJob.schedule ? `, ${syncJob.schedule}` : ''}${syncJob.cursor ? `, cursor ${syncJob.cursor}` : ''}\n`);
      console.log(syncJob.document.trim(), '\n');
      console.log(table(['run', 'trigger', 'state', 'progress', 'started', 'duration', 'error'], syncJob.runs.map((r) => [r.id, r.trigger, r.state.toLowerCase(), progress(r), r.startedAt && shortTime(r.startedAt), r.durationMs === null ? null : `${(r.durationMs / 1000).toFixed(1)} s`, r.error])));
      if (syncJob.failedRecords.length) {
        console.log('\nrefused records (skein sync replay):');
        console.log(table(['run', 'key', 'error'], syncJob.failedRecords.map((f) => [f.runId, f.key, f.error])));
      }
    }),
  );
  withConnection(sync.command('save <file>').description('Save a sync job document (schema/sync/<name>.graphql) as its next version.').option('--publish', 'publish it too')).action(
    (file: string, options: Options & { publish?: boolean }) =>
      act(options, async (connection) => {
        const document = await readFile(file, 'utf8');
        const { saveSyncJob } = await adminRequest<{ saveSyncJob: { name: string; state: string; version: number } }>(
          connection,
          'mutation($d: String!, $f: String, $p: Boolean) { saveSyncJob(document: $d, file: $f, publish: $p) { name state version } }',
          { d: document, f: file, p: options.publish === true },
        );
        console.log(`${saveSyncJob.name}: v${saveSyncJob.version}, ${saveSyncJob.state.toLowerCase()}`);
      }),
  );
  for (const action of ['publish', 'pause', 'resume', 'delete'] as const) {
    withConnection(sync.command(`${action} <name>`).description(`${action[0].toUpperCase()}${action.slice(1)} a sync job.`)).action((name: string, options: Options) =>
      act(options, async (connection) => {
        const { changeSyncJob } = await adminRequest<{ changeSyncJob: { name: string; state: string; version: number } }>(
          connection,
          'mutation($n: String!, $a: SyncJobAction!) { changeSyncJob(name: $n, action: $a) { name state version } }',
          { n: name, a: action.toUpperCase() },
        );
        console.log(`${changeSyncJob.name}: ${changeSyncJob.state.toLowerCase()}`);
      }),
    );
  }
  withConnection(sync.command('run <name>').description('Run a published sync job now and follow its progress.').option('--no-wait', 'queue the run and return')).action(
    (name: string, options: Options & { wait: boolean }) =>
      act(options, async (connection) => {
        const { runSyncJob } = await adminRequest<{ runSyncJob: Run }>(connection, `mutation($n: String!) { runSyncJob(name: $n) { ${RUN_FIELDS} } }`, { n: name });
        console.log(`run ${runSyncJob.id} of ${name} queued`);
        if (!options.wait) return;
        let run = runSyncJob;
        const tty = process.stdout.isTTY;
        while (run.state === 'QUEUED' || run.state === 'RUNNING' || run.state === 'PAUSED') {
          await new Promise((resolve) => setTimeout(resolve, 500));
          run = (await adminRequest<{ syncRun: Run }>(connection, `query($id: Int!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: run.id })).syncRun;
          const line = `${bar(run)} ${progress(run)}${run.state === 'PAUSED' ? ` paused until ${run.resumeAt}: ${run.error}` : ''}`;
          if (tty) process.stdout.write(`\r${line}\x1b[K`);
        }
        if (tty) process.stdout.write('\n');
        console.log(runLine(run));
        if (run.state !== 'SUCCEEDED' || run.failed > 0) process.exitCode = 1;
      }),
  );
  withConnection(sync.command('export <name>').description('Write a sync job as a portable XML file, naming the sources it needs.').option('--version <n>', 'a version other than the newest').option('-o, --out <file>', 'write to a file instead of stdout')).action(
    (name: string, options: Options & { version?: string; out?: string }) =>
      act(options, async (connection) => {
        const { exportSyncJob } = await adminRequest<{ exportSyncJob: string }>(connection, 'query($n: String!, $v: Int) { exportSyncJob(name: $n, version: $v) }', {
          n: name,
          v: options.version === undefined ? null : Number(options.version),
        });
        if (options.out) await writeFile(options.out, exportSyncJob);
        else process.stdout.write(exportSyncJob);
      }),
  );
  withConnection(sync.command('import <file>').description('Import an exported sync job as its next version.').option('--publish', 'publish it too')).action(
    (file: string, options: Options & { publish?: boolean }) =>
      act(options, async (connection) => {
        const { importSyncJob } = await adminRequest<{ importSyncJob: { name: string; state: string; version: number } }>(
          connection,
          'mutation($d: String!, $p: Boolean) { importSyncJob(document: $d, publish: $p) { name state version } }',
          { d: await readFile(file, 'utf8'), p: options.publish === true },
        );
        console.log(`${importSyncJob.name}: v${importSyncJob.version}, ${importSyncJob.state.toLowerCase()}`);
      }),
  );
  withConnection(sync.command('replay <name>').description('Write again the records the target refused.').option('--run <id>', 'only those of this run')).action(
    (name: string, options: Options & { run?: string }) =>
      act(options, async (connection) => {
        const { replaySyncJob } = await adminRequest<{ replaySyncJob: { replayed: number; failed: number } }>(
          connection,
          'mutation($n: String!, $r: Int) { replaySyncJob(name: $n, runId: $r) { replayed failed } }',
          { n: name, r: options.run === undefined ? null : Number(options.run) },
        );
        console.log(`${replaySyncJob.replayed} replayed, ${replaySyncJob.failed} still refused`);
        if (replaySyncJob.failed > 0) process.exitCode = 1;
      }),
  );
}

async function act(options: Options, work: (connection: AdminConnection) => Promise<void>): Promise<void> {
  try {
    await work(connectionOf(options));
  } catch (error) {
    reportFailure(error);
  }
}

function progress(run: Run): string {
  return `read ${run.read}, written ${run.written}, skipped ${run.skipped}, failed ${run.failed}${run.deleted ? `, deleted ${run.deleted}` : ''}`;
}

function runLine(run: Run): string {
  const duration = run.durationMs === null ? '' : ` in ${(run.durationMs / 1000).toFixed(1)} s`;
  return `run ${run.id} ${run.state.toLowerCase()}${duration}: ${progress(run)}${run.error ? ` (${run.error})` : ''}`;
}

/** The share of records read that have an outcome; the total is unknown until the last page, so it grows with it. */
function bar(run: Run): string {
  const done = run.written + run.skipped + run.failed;
  const share = run.read === 0 ? 0 : Math.min(1, done / run.read);
  const width = 24;
  return `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}]`;
}
