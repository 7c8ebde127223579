import PgBoss from 'pg-boss';
import { SYNC_QUEUE, type JobEngine, type JobEngineSettings, type SyncJobRequest } from './job-engine.js';
import { RepeatedFailure } from './repeated-failure.js';

/**
 * The job engine of a cluster: pg-boss, in its own schema (`skein_jobs`) of the
 * registry's PostgreSQL. A job is fetched by one gateway (SKIP LOCKED); when that gateway
 * dies mid-run, the job expires after `expireSeconds`, pg-boss retries it, and another
 * gateway resumes the run from its checkpoint.
 */
export async function startPgBossEngine(databaseUrl: string, settings: JobEngineSettings, warn: (message: string) => void): Promise<JobEngine> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'skein_jobs',
    max: 4,
    // Schedules are Skein's own (cron-schedule.ts, sent with one id per tick); pg-boss keeps the queue.
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(settings.expireSeconds / 2))),
  });
  // pg-boss says nothing when it works again: a failure that repeats is told once a minute.
  const failures = new RepeatedFailure('sync job engine (pg-boss)', warn);
  boss.on('error', (error) => failures.failed(error));
  try {
    await boss.start();
    await createSyncQueue(boss, settings, warn);
  } catch (error) {
    // Its pool and timers would otherwise keep the process (and connections) alive.
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw error;
  }
  let stopped = false;
  return {
    kind: 'pg-boss',
    async send(request, options = {}) {
      const id = await boss.send(SYNC_QUEUE, request as object, { id: options.id, startAfter: options.startAfter });
      return id !== null;
    },
    async work(handler) {
      await boss.work<SyncJobRequest>(SYNC_QUEUE, { batchSize: 1, pollingIntervalSeconds: Math.max(0.5, settings.pollMs / 1000) }, async ([job]) => {
        await handler(job.data, job.id);
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}

const DEADLOCK_ATTEMPTS = 3;

/**
 * Creates the sync queue. Gateways starting together on a new database: one's queue (a
 * partition of pg-boss's job table, created by DDL) can deadlock with the other's
 * maintenance of that table. PostgreSQL aborts one side; that side creates the queue again.
 */
async function createSyncQueue(boss: PgBoss, settings: JobEngineSettings, warn: (message: string) => void): Promise<void> {
  const queue = {
    name: SYNC_QUEUE,
    expireInSeconds: settings.expireSeconds,
    retryLimit: settings.retryLimit,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: true,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await boss.createQueue(SYNC_QUEUE, queue);
    } catch (error) {
      if (!isDeadlock(error) || attempt === DEADLOCK_ATTEMPTS) throw error;
      warn(`sync job engine (pg-boss): creating its queue deadlocked with another gateway's start (attempt ${attempt} of ${DEADLOCK_ATTEMPTS}); trying again`);
    }
  }
}

/** PostgreSQL's "deadlock detected" (SQLSTATE 40P01): one transaction aborted, safe to run again. */
function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '40P01';
}
