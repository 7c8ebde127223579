import { describe, expect, it } from 'vitest';
import { startPgBossEngine } from '../../src/sync/pg-boss-engine.js';
import { DEFAULT_ENGINE_SETTINGS, type JobEngine } from '../../src/sync/job-engine.js';
import { createTestDatabase } from '../registry/stores.js';

// Gateways of a cluster start together on a new database. pg-boss creates the sync queue
// (a partition of its job table, by DDL) while the other gateway's pg-boss maintains that
// table: PostgreSQL sometimes detects a deadlock and aborts one side (seen in about one
// start in ten here). Each engine must start all the same, and say why it took longer.
describe('pg-boss job engines starting together on a new database', () => {
  it('both start, every time (a deadlock between them is tried again, and reported)', async () => {
    const warnings: string[] = [];
    for (let pair = 0; pair < 8; pair++) {
      const database = await createTestDatabase();
      const engines: JobEngine[] = [];
      try {
        const started = await Promise.allSettled([0, 1].map(() => startPgBossEngine(database.url, DEFAULT_ENGINE_SETTINGS, (message) => warnings.push(message))));
        for (const result of started) if (result.status === 'fulfilled') engines.push(result.value);
        expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started'))).toEqual(['started', 'started']);
      } finally {
        await Promise.all(engines.map((engine) => engine.stop()));
        await database.drop();
      }
    }
    for (const warning of warnings.filter((text) => text.includes('deadlock'))) expect(warning).toMatch(/^sync job engine \(pg-boss\): (creating its queue deadlocked with another gateway's start \(attempt \d of 3\); trying again|deadlock detected)$/);
  });
});
