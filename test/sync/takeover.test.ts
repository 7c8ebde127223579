import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, runSkein, spawnGateway, until, type GatewayProcess } from '../registry/processes.js';
import { createDataDir, createTestDatabase, type TestDatabase } from '../registry/stores.js';
import { contactsJob, crmSDL, peopleSDL, startCrm, startPeopleApi } from './sync-upstreams.js';

const RECORDS = 600;

/**
 * Two gateway processes on one PostgreSQL. The first is killed (SIGKILL: no shutdown, no
 * lease given back) while it runs a sync job; the second takes the job over from its
 * checkpoint, and the CRM, which counts what it applies, has every record exactly once.
 */
describe('a gateway killed mid-run', () => {
  let database: TestDatabase;
  let people: Awaited<ReturnType<typeof startPeopleApi>>;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  const gateways: GatewayProcess[] = [];
  const env = () => ({
    DATABASE_URL: database.url,
    // Short lease and expiry, so the takeover happens within seconds rather than minutes.
    SKEIN_SYNC_LEASE_MS: '1500',
    SKEIN_SYNC_EXPIRE_SECONDS: '2',
    SKEIN_SYNC_POLL_MS: '500',
    SKEIN_SYNC_CONCURRENCY: '4',
  });

  // An empty schema folder: the registry gets its sources from the test, nothing from a seed.
  const emptySchema = createDataDir();

  beforeAll(async () => {
    database = await createTestDatabase();
    people = await startPeopleApi(RECORDS);
    crm = await startCrm({ delayMs: 15 });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all([people?.close(), crm?.close()]);
    await database?.drop();
    emptySchema.remove();
  });

  it('another gateway finishes the run, every record written exactly once', async () => {
    const first = await spawnGateway(['--dev', '--schema', emptySchema.dir], env());
    gateways.push(first);
    const admin = `${first.origin}/admin/graphql`;
    for (const sdl of [peopleSDL(people.url), crmSDL(crm.url)]) {
      const registered = await post(admin, 'mutation($s: String!) { registerSource(input: { sdl: $s }) { name } }', { s: sdl });
      expect(registered.errors).toBeUndefined();
    }
    const saved = await post(admin, 'mutation($d: String!) { saveSyncJob(document: $d, publish: true) { name state } }', { d: contactsJob({ name: 'takeover', size: 50 }) });
    expect(saved.data).toEqual({ saveSyncJob: { name: 'takeover', state: 'PUBLISHED' } });
    const started = await post(admin, 'mutation { runSyncJob(name: "takeover") { id } }');
    const runId = started.data.runSyncJob.id;

    await until(async () => crm.applied.size >= 100, 60_000);
    first.child.kill('SIGKILL');
    await first.stop();
    const atKill = crm.applied.size;
    expect(atKill).toBeLessThan(RECORDS);

    const second = await spawnGateway(['--dev', '--schema', emptySchema.dir], env());
    gateways.push(second);
    let run: any;
    await until(async () => {
      run = (await post(`${second.origin}/admin/graphql`, 'query($id: Int!) { syncRun(id: $id) { state read written failed leaseOwner } }', { id: runId })).data.syncRun;
      return run.state === 'SUCCEEDED';
    }, 90_000);
    expect(run).toMatchObject({ state: 'SUCCEEDED', written: RECORDS, failed: 0 });
    expect(crm.applied.size).toBe(RECORDS);
    expect([...crm.applied.values()].filter((n) => n !== 1)).toEqual([]);

    // What an operator sees: the run, its progress and duration, from the CLI.
    const shown = await runSkein(['sync', 'show', 'takeover', '--gateway', second.origin]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`${runId}\\s+manual\\s+succeeded\\s+read \\d+, written ${RECORDS}, skipped 0, failed 0\\s+\\S+ \\S+\\s+[\\d.]+ s`));
    const listed = await runSkein(['sync', 'list', '--gateway', second.origin]);
    expect(listed.stdout).toMatch(/takeover\s+published\s+v1\s+v1\s+FULL/);
    console.log(`killed after ${atKill} of ${RECORDS} records; the CRM saw ${crm.requests()} writes for ${RECORDS} records applied once each`);
    // Two gateway processes start one after the other and a run is taken over: on a busy
    // shared machine that is minutes, not seconds. Correctness is asserted, not speed.
  }, 300_000);
});
