import { describe, expect, it } from 'vitest';
import { CronScheduler, type JobEngine, type ScheduledJob } from '../../src/sync/index.js';

// The scheduler's timed check while its store is away: a line when checks start failing,
// one a minute while they go on failing, one when they succeed again; not one a second.

describe('the sync scheduler while its store fails', () => {
  it('says when its checks start failing, with the reason, then once a minute, and when they succeed again; then sends the tick due', async () => {
    const sent: string[] = [];
    const engine = { send: async (data: { job: string; trigger: string }) => (sent.push(data.trigger), true) } as unknown as JobEngine;
    let storeDown = false;
    const job: ScheduledJob = { name: 'contacts', cron: '* * * * *', timeZone: 'UTC' };
    let now = Date.parse('2026-12-05T10:00:30Z');
    const warnings: string[] = [];
    const scheduler = new CronScheduler(
      engine,
      async () => {
        if (storeDown) throw new Error('terminating connection due to administrator command');
        return [job];
      },
      { now: () => now },
      (message) => warnings.push(message),
    );
    await scheduler.check();
    storeDown = true;
    for (let second = 0; second < 90; second++) {
      now += 1000;
      await scheduler.check();
    }
    storeDown = false;
    await scheduler.check();
    expect(warnings).toEqual([
      'sync scheduler: terminating connection due to administrator command',
      'sync scheduler: still failing (60 times since the last line): terminating connection due to administrator command',
      'sync scheduler: works again, after failing 90 times in a row',
    ]);
    // The tick due now; the one of 10:01, missed while the store was away, is not made up.
    expect(sent).toEqual(['schedule 2026-12-05T10:02:00.000Z']);
  });
});
