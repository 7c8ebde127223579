import { loggerTo } from '../helpers/log-capture.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryGateway, type RunningRegistryGateway } from '../../src/server/index.js';
import { RegistryError } from '../../src/registry/index.js';
import type { SyncRunRecord } from '../../src/sync/index.js';
import { useManualClock } from '../helpers/manual-clock.js';
import { until } from '../registry/processes.js';
import { createTestDatabase, type TestDatabase } from '../registry/stores.js';
import { contactsJob, crmSDL, peopleSDL, startCrm, startPeopleApi } from './sync-upstreams.js';

const BY = { actor: 'test', via: 'admin' } as const;

/** A gateway on `database` with the people API and the CRM registered, its scheduler driven by `clock`. */
async function gatewayOn(database: TestDatabase, urls: { people: string; crm: string }, clock = { now: () => Date.now() }) {
  const gateway = await startRegistryGateway({
    databaseUrl: database.url,
    dev: true,
    port: 0,
    host: '127.0.0.1',
    pollMs: 200,
    warn: () => {},
    logger: loggerTo(),
    sync: { manualSchedule: true, clock, backoffMs: 5, leaseMs: 30_000, engine: { pollMs: 500, expireSeconds: 60, retryDelaySeconds: 1, retryLimit: 20 } },
  });
  await gateway.registry.registerSource(BY, { sdl: peopleSDL(urls.people) });
  await gateway.registry.registerSource(BY, { sdl: crmSDL(urls.crm) });
  await gateway.served.refresh();
  return gateway;
}

async function finished(gateway: RunningRegistryGateway, runId: number): Promise<SyncRunRecord> {
  let run: SyncRunRecord | undefined;
  await until(async () => {
    run = await gateway.sync!.store.run(runId);
    return run?.state === 'succeeded' || run?.state === 'failed';
  }, 60_000);
  return run!;
}

describe('sync jobs on PostgreSQL (pg-boss)', () => {
  let database: TestDatabase;
  let people: Awaited<ReturnType<typeof startPeopleApi>>;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  let gateway: RunningRegistryGateway;
  const breakers = useManualClock();

  beforeAll(async () => {
    database = await createTestDatabase();
    people = await startPeopleApi(1000);
    crm = await startCrm();
    gateway = await gatewayOn(database, { people: people.url, crm: crm.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([people?.close(), crm?.close()]);
    await database?.drop();
    breakers.restore();
  });
  afterEach(() => {
    crm.refuse.clear();
    crm.setDown(false);
  });

  it('refuses a cron expression or a mapping that does not parse, with file, line and column, and stores nothing', async () => {
    const badCron = contactsJob({ name: 'badCron', schedule: '61 * * * *' });
    const cronError = await refused(gateway.sync!.save(BY, badCron, { file: 'schema/sync/badCron.graphql' }));
    expect(cronError.code).toBe('BAD_INPUT');
    const cronLine = badCron.split('\n').findIndex((l) => l.includes('61 * * * *')) + 1;
    expect(cronError.details[0]).toMatch(new RegExp(`^schema/sync/badCron\\.graphql:${cronLine}:\\d+: cron "61 \\* \\* \\* \\*" does not parse`));

    const badMapping = contactsJob({ name: 'badMapping' }).replace('fullName: name', 'fullName: nickname');
    const mappingError = await refused(gateway.sync!.save(BY, badMapping, { file: 'schema/sync/badMapping.graphql' }));
    const mappingLine = badMapping.split('\n').findIndex((l) => l.includes('nickname')) + 1;
    expect(mappingError.details[0]).toMatch(new RegExp(`^schema/sync/badMapping\\.graphql:${mappingLine}:\\d+: Cannot query field "nickname" on type "Person"`));

    const badWrite = contactsJob({ name: 'badWrite' }).replace('upsertContact(id: $key', 'upsertContakt(id: $key');
    const writeError = await refused(gateway.sync!.save(BY, badWrite, { file: 'schema/sync/badWrite.graphql' }));
    expect(writeError.details.join('\n')).toMatch(/upsertContakt/);

    expect(await gateway.sync!.store.jobs({ includeDeleted: true })).toEqual([]);
  });

  it('DIFF: the first run writes 1,000 records; after 3 change only those 3 are written; a vanished one is deleted', async () => {
    await gateway.sync!.save(BY, contactsJob({ name: 'diffContacts', rule: 'DIFF' }), { publish: true });
    const first = await finished(gateway, (await gateway.sync!.trigger('diffContacts', 'manual')).id);
    expect(first).toMatchObject({ state: 'succeeded', read: 1000, written: 1000, skipped: 0, failed: 0, deleted: 0 });
    expect(crm.contacts.size).toBe(1000);
    expect(crm.contacts.get('00007')).toEqual({ id: '00007', fullName: 'Person 7', email: 'p7@example.test', origin: 'skein' });

    const before = new Map(crm.applied);
    for (const id of ['00010', '00500', '00999']) people.people.get(id)!.email = `changed-${id}@example.test`;
    people.people.delete('00042');
    const second = await finished(gateway, (await gateway.sync!.trigger('diffContacts', 'manual')).id);
    expect(second).toMatchObject({ state: 'succeeded', read: 999, written: 3, skipped: 996, failed: 0, deleted: 1 });
    const writtenAgain = [...crm.applied].filter(([id, n]) => n !== before.get(id)).map(([id]) => id);
    expect(writtenAgain.sort()).toEqual(['00010', '00500', '00999']);
    expect(crm.contacts.get('00500')!.email).toBe('changed-00500@example.test');
    expect(crm.deleted).toEqual(['00042']);
    expect(crm.contacts.has('00042')).toBe(false);
  });

  it('a record the target refuses (422) fails alone, the run goes on, and replay writes it once the target takes it', async () => {
    crm.refuse.add('00003');
    await gateway.sync!.save(BY, contactsJob({ name: 'refusing', size: 50 }).replace('people(', 'people(').replace('{ id fullName', '{ id fullName'), { publish: true });
    const run = await finished(gateway, (await gateway.sync!.trigger('refusing', 'manual')).id);
    expect(run).toMatchObject({ state: 'succeeded', written: 998, failed: 1 });
    const failed = await gateway.sync!.store.failedRecords('refusing');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ key: '00003', operation: 'upsert', record: { id: '00003', fullName: 'Person 3', origin: 'skein' } });
    expect(failed[0].error).toMatch(/422/);

    crm.refuse.clear();
    expect(await gateway.sync!.replay('refusing')).toEqual({ replayed: 1, failed: 0 });
    expect(await gateway.sync!.store.failedRecords('refusing')).toEqual([]);
    expect(crm.contacts.get('00003')).toMatchObject({ fullName: 'Person 3' });
    expect((await gateway.sync!.store.run(run.id))!.failed).toBe(0);
  });

  it('a target answering 503 to everything pauses the run; once it is back the run resumes and writes each record once', async () => {
    await gateway.sync!.save(BY, contactsJob({ name: 'downTarget', size: 100, extra: 'pauseAfter: 3, retries: 1' }), { publish: true });
    crm.setDown(true);
    const started = await gateway.sync!.trigger('downTarget', 'manual');
    await until(async () => (await gateway.sync!.store.run(started.id))?.state === 'paused', 60_000);
    const paused = (await gateway.sync!.store.run(started.id))!;
    expect(paused.error).toMatch(/paused until/);
    expect(paused.written).toBe(0);
    const appliedBefore = new Map(crm.applied);
    crm.setDown(false);
    breakers.clock.advance(120_000); // the source's circuit breaker, opened by the 503s, may close again
    const run = await finished(gateway, started.id);
    expect(run).toMatchObject({ state: 'succeeded', written: people.people.size, failed: 0 });
    for (const id of people.people.keys()) expect((crm.applied.get(id) ?? 0) - (appliedBefore.get(id) ?? 0)).toBe(1);
  });

  it('changes given to a run (a webhook call\'s, a message\'s) are stored with it: paused by a down target, it resumes and applies each once', async () => {
    await gateway.sync!.save(BY, contactsJob({ name: 'given', rule: 'DIFF', extra: 'pauseAfter: 2, retries: 1' }), { publish: true });
    crm.contacts.set('00103', { id: '00103', fullName: 'Gone soon' });
    crm.setDown(true);
    const readsBefore = people.reads();
    const { run } = await gateway.sync!.receive('given', 'webhook', {
      records: [
        { id: '00100', name: 'Given A' },
        { id: '00101', name: 'Given B', email: 'b@example.test' },
        { id: '00102', name: 'Given C' },
      ],
      deleted: ['00103'],
    });
    await until(async () => (await gateway.sync!.store.run(run.id))?.state === 'paused', 60_000);
    const appliedBefore = new Map(crm.applied);
    crm.setDown(false);
    breakers.clock.advance(120_000); // the source's circuit breaker, opened by the 503s, may close again
    const done = await finished(gateway, run.id);
    expect(done).toMatchObject({ trigger: 'webhook', state: 'succeeded', read: 3, written: 3, failed: 0, deleted: 1 });
    for (const id of ['00100', '00101', '00102']) expect((crm.applied.get(id) ?? 0) - (appliedBefore.get(id) ?? 0)).toBe(1);
    expect(crm.contacts.get('00101')).toEqual({ id: '00101', fullName: 'Given B', email: 'b@example.test', origin: 'skein' });
    expect(crm.contacts.has('00103')).toBe(false);
    expect(people.reads()).toBe(readsBefore);
  });

  it('verification reads each written record back: one the target stored otherwise fails with what differs', async () => {
    crm.mangle.add('00005');
    await gateway.sync!.save(BY, contactsJob({ name: 'verified', size: 200, extra: 'verify: "contact(id: $key) { id fullName email origin }"' }), { publish: true });
    const run = await finished(gateway, (await gateway.sync!.trigger('verified', 'manual')).id);
    crm.mangle.clear();
    expect(run).toMatchObject({ state: 'succeeded', written: people.people.size - 1, failed: 1 });
    const [failed] = await gateway.sync!.store.failedRecords('verified');
    expect(failed.key).toBe('00005');
    expect(failed.error).toBe('verification: the target has fullName "PERSON 5" for 00005, where "Person 5" was written');
  });

  it('INCREMENTAL by updatedAt: the second run reads only what changed since the checkpoint', async () => {
    await gateway.sync!.save(BY, contactsJob({ name: 'incremental', rule: 'INCREMENTAL', size: 200 }), { publish: true });
    const first = await finished(gateway, (await gateway.sync!.trigger('incremental', 'manual')).id);
    expect(first).toMatchObject({ state: 'succeeded', read: people.people.size, written: people.people.size });
    expect(await gateway.sync!.store.cursor('incremental')).toBe('2026-01-01T00:00:00.000Z');
    people.people.get('00020')!.updatedAt = '2026-02-01T00:00:00.000Z';
    people.people.get('00020')!.name = 'Person 20 renamed';
    const second = await finished(gateway, (await gateway.sync!.trigger('incremental', 'manual')).id);
    expect(second).toMatchObject({ state: 'succeeded', read: 1, written: 1, cursorFrom: '2026-01-01T00:00:00.000Z', cursorTo: '2026-02-01T00:00:00.000Z' });
    expect(crm.contacts.get('00020')).toEqual({ id: '00020', fullName: 'Person 20 renamed', email: 'p20@example.test', origin: 'skein' });
  });
});

describe('two gateways on one PostgreSQL', () => {
  let database: TestDatabase;
  let people: Awaited<ReturnType<typeof startPeopleApi>>;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  const gateways: RunningRegistryGateway[] = [];
  let now = Date.parse('2026-03-01T10:00:30Z');
  const clock = { now: () => now };

  beforeAll(async () => {
    database = await createTestDatabase();
    people = await startPeopleApi(20);
    crm = await startCrm();
    gateways.push(await gatewayOn(database, { people: people.url, crm: crm.url }, clock));
    gateways.push(await gatewayOn(database, { people: people.url, crm: crm.url }, clock));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all([people?.close(), crm?.close()]);
    await database?.drop();
  });

  it('a schedule fires once per tick across both', async () => {
    await gateways[0].sync!.save(BY, contactsJob({ name: 'everyMinute', schedule: '* * * * *' }), { publish: true });
    // The first look notes where the schedule is; nothing is due yet.
    expect(await Promise.all(gateways.map((g) => g.sync!.scheduler.tick()))).toEqual([0, 0]);
    for (let minute = 1; minute <= 3; minute++) {
      now += 60_000;
      const sent = await Promise.all(gateways.map((g) => g.sync!.scheduler.tick()));
      expect(sent.reduce((a, b) => a + b)).toBe(1);
    }
    await until(async () => (await gateways[0].sync!.store.runs({ job: 'everyMinute' })).filter((r) => r.state === 'succeeded').length === 3, 60_000);
    const runs = await gateways[1].sync!.store.runs({ job: 'everyMinute' });
    expect(runs.map((r) => r.trigger).sort()).toEqual([
      'schedule 2026-03-01T10:01:00.000Z',
      'schedule 2026-03-01T10:02:00.000Z',
      'schedule 2026-03-01T10:03:00.000Z',
    ]);
    expect([...crm.applied.values()].every((n) => n === 3)).toBe(true);
  });
});

async function refused(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected the sync job to be refused');
}
