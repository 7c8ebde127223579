import PgBoss from 'pg-boss';
import { SYNC_QUEUE, type JobEngine, type JobEngineSettings, type SyncJobRequest } from './job-engine.js';

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
  boss.on('error', (error) => warn(`sync job engine (pg-boss): ${error.message}`));
  await boss.start();
  await boss.createQueue(SYNC_QUEUE, {
    name: SYNC_QUEUE,
    expireInSeconds: settings.expireSeconds,
    retryLimit: settings.retryLimit,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: true,
  });
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
