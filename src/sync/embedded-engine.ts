import { randomUUID } from 'node:crypto';
import type { RegistryDatabase } from '../registry/index.js';
import type { JobEngine, JobEngineSettings, SyncJobRequest } from './job-engine.js';
import { RepeatedFailure } from './repeated-failure.js';

/**
 * The job engine of the embedded store: a queue table (`skein_sync_queue`) in the same
 * database, worked in this process. The same semantics as pg-boss: an id sends once; a
 * job taken is locked for `expireSeconds`, after which it is taken again (this process
 * restarted after a crash); a handler that throws is retried with backoff.
 */
export function embeddedEngine(db: RegistryDatabase, settings: JobEngineSettings, warn: (message: string) => void): JobEngine {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let working: Promise<void> | undefined;
  const failures = new RepeatedFailure('sync job engine', warn);
  return {
    kind: 'embedded',
    async send(request, options = {}) {
      const rows = await db.query(
        `insert into skein_sync_queue (id, job, data, state, run_after) values ($1, $2, $3, 'waiting', coalesce($4::timestamptz, now()))
         on conflict (id) do nothing returning id`,
        [options.id ?? randomUUID(), request.job, JSON.stringify(request), options.startAfter?.toISOString() ?? null],
      );
      return rows.length === 1;
    },
    async work(handler) {
      const poll = async () => {
        while (!stopped) {
          const [job] = await db.query<{ id: string; data: SyncJobRequest; attempts: number }>(
            `update skein_sync_queue set state = 'active', locked_until = now() + ($1::int * interval '1 second')
              where id = (select id from skein_sync_queue
                           where (state = 'waiting' and run_after <= now()) or (state = 'active' and locked_until < now())
                           order by run_after limit 1)
              returning id, data`,
            [settings.expireSeconds],
          );
          if (!job) return;
          try {
            await handler(job.data, job.id);
            await db.query(`update skein_sync_queue set state = 'done', locked_until = null where id = $1`, [job.id]);
          } catch (error) {
            warn(`sync job ${job.data.job} failed and will be retried: ${(error as Error).message}`);
            await db.query(
              `update skein_sync_queue set state = 'waiting', locked_until = null, run_after = now() + ($2::int * interval '1 second') where id = $1`,
              [job.id, settings.retryDelaySeconds],
            );
          }
        }
      };
      const tick = () => {
        if (stopped || working) return;
        working = poll()
          .then(() => failures.succeeded(), (error: Error) => failures.failed(error))
          .finally(() => (working = undefined));
      };
      timer = setInterval(tick, settings.pollMs);
      timer.unref();
      tick();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await working;
    },
  };
}
