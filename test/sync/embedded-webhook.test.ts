import { loggerTo } from '../helpers/log-capture.js';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryGateway, type RunningRegistryGateway } from '../../src/server/index.js';
import type { SyncRunRecord } from '../../src/sync/index.js';
import { connect } from 'nats';
import { deleteStreams, SHARED_NATS_URL, uniqueSuffix } from '../helpers/brokers.js';
import { until } from '../registry/processes.js';
import { createDataDir } from '../registry/stores.js';
import { contactsJob, crmSDL, peopleSDL, startCrm, startPeopleApi } from './sync-upstreams.js';

const BY = { actor: 'test', via: 'admin' } as const;
const SECRET_VARIABLE = 'SKEIN_SYNC_TEST_WEBHOOK_SECRET';

/** The embedded store runs jobs in-process, with the semantics of the PostgreSQL engine; and the webhook of a real-time job. */
describe('sync jobs on the embedded store', () => {
  const data = createDataDir();
  let people: Awaited<ReturnType<typeof startPeopleApi>>;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  let gateway: RunningRegistryGateway;
  let now = Date.parse('2026-03-01T10:00:30Z');

  beforeAll(async () => {
    process.env[SECRET_VARIABLE] = 'a-webhook-secret';
    people = await startPeopleApi(120);
    crm = await startCrm();
    gateway = await startRegistryGateway({
      dataDir: data.dir,
      dev: true,
      port: 0,
      host: '127.0.0.1',
      warn: () => {},
      logger: loggerTo(),
      sync: { manualSchedule: true, clock: { now: () => now }, backoffMs: 5, engine: { pollMs: 100 } },
    });
    await gateway.registry.registerSource(BY, { sdl: peopleSDL(people.url) });
    await gateway.registry.registerSource(BY, { sdl: crmSDL(crm.url) });
    await gateway.served.refresh();
  });
  afterAll(async () => {
    delete process.env[SECRET_VARIABLE];
    await gateway?.close();
    await Promise.all([people?.close(), crm?.close()]);
    data.remove();
  });

  const runs = () => gateway.sync!.store.runs({ job: 'realtime', limit: 100 });
  const settled = async (count: number): Promise<SyncRunRecord[]> => {
    await until(async () => (await runs()).filter((r) => r.state === 'succeeded').length === count, 30_000);
    return runs();
  };

  it('a scheduled tick ticked twice runs once, and runs in-process', async () => {
    expect(gateway.sync!.engine.kind).toBe('embedded');
    await gateway.sync!.save(BY, contactsJob({ name: 'realtime', schedule: '*/5 * * * *', extra: `webhook: { secretEnv: "${SECRET_VARIABLE}" }` }), { publish: true });
    await gateway.sync!.scheduler.tick();
    now += 5 * 60_000;
    expect(await gateway.sync!.scheduler.tick()).toBe(1);
    // The same tick sent again (as a second gateway's scheduler would): the queue's id drops it.
    gateway.sync!.scheduler.note({ name: 'realtime', cron: '*/5 * * * *', timeZone: 'Europe/Berlin' });
    now += 1;
    expect(await gateway.sync!.scheduler.tick()).toBe(0);
    const [run] = await settled(1);
    expect(run).toMatchObject({ trigger: 'schedule 2026-03-01T10:05:00.000Z', written: 120, failed: 0 });
    expect(crm.contacts.size).toBe(120);
  });

  it('a webhook signed with the job secret queues a run; a wrong or missing signature is refused with 401', async () => {
    const url = gateway.url.replace('/graphql', '/sync/realtime/webhook');
    // No records: a change notification, on which the job reads its source (webhook-changes.test.ts sends records).
    const body = '{}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const sign = (secret: string) => `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

    const unsigned = await fetch(url, { method: 'POST', body });
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).message).toMatch(/X-Skein-Signature/);
    const forged = await fetch(url, { method: 'POST', body, headers: { 'x-skein-timestamp': timestamp, 'x-skein-signature': sign('guessed') } });
    expect(forged.status).toBe(401);
    const stale = await fetch(url, { method: 'POST', body, headers: { 'x-skein-timestamp': '1000000000', 'x-skein-signature': sign('a-webhook-secret') } });
    expect(stale.status).toBe(401);
    expect((await runs()).length).toBe(1);

    people.people.get('00001')!.name = 'Changed by the source';
    const accepted = await fetch(url, { method: 'POST', body, headers: { 'x-skein-timestamp': timestamp, 'x-skein-signature': sign('a-webhook-secret') } });
    expect(accepted.status).toBe(202);
    const { runId } = await accepted.json();
    const all = await settled(2);
    expect(all.find((r) => r.id === runId)).toMatchObject({ trigger: 'webhook', state: 'succeeded', written: 120 });
    expect(crm.contacts.get('00001')).toMatchObject({ fullName: 'Changed by the source' });

    const unknown = await fetch(gateway.url.replace('/graphql', '/sync/nothing/webhook'), { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('exports a job naming the sources it reads and writes, and imports it as a draft; a missing source refuses the import', async () => {
    const xml = await gateway.sync!.exportJob('realtime', { exportedFrom: 'test' });
    expect(xml).toContain('<syncJob xmlns="urn:skein:sync:1" format="1" name="realtime" version="1" state="published"');
    expect([...xml.matchAll(/<source name="(\w+)" kind="REST" version="1" sha256="[0-9a-f]{64}"/g)].map((m) => m[1])).toEqual(['crm', 'people']);

    const copy = xml.replaceAll('realtime', 'realtimeCopy');
    const imported = await gateway.sync!.importJob(BY, copy);
    expect(imported.job).toMatchObject({ name: 'realtimeCopy', state: 'draft', version: 1 });
    expect((await gateway.sync!.store.versions('realtimeCopy'))[0].note).toBe('imported from test v1');

    const needsErp = copy.replace('name="crm"', 'name="erp"').replaceAll('realtimeCopy', 'realtimeErp');
    await expect(gateway.sync!.importJob(BY, needsErp)).rejects.toMatchObject({ code: 'MISSING_SOURCES', details: ['erp'] });
    await expect(gateway.sync!.importJob(BY, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]>${copy.replace(/^<\?xml[^>]*>/, '')}`)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await gateway.sync!.store.job('realtimeErp')).toBeUndefined();
  });

  it('event-driven: a message on the subject of a NATS source queues a run', async () => {
    const id = uniqueSuffix();
    const stream = `SYNC_${id}`;
    try {
      await gateway.registry.registerSource(BY, { sdl: `extend schema @source(name: "bus", kind: NATS, url: "${SHARED_NATS_URL}", stream: "${stream}", streamSubjects: ["s${id}.>"])` });
      await gateway.served.refresh();
      const wrongSource = contactsJob({ name: 'onEvents', extra: `event: { source: "people", subject: "s${id}.people.changed" }` });
      await expect(gateway.sync!.save(BY, wrongSource, { file: 'schema/sync/onEvents.graphql' })).rejects.toMatchObject({
        code: 'BAD_INPUT',
        details: [expect.stringMatching(/^schema\/sync\/onEvents\.graphql:\d+:\d+: event\.source "people" is not an event source of the graph; its event sources are bus$/)],
      });
      await gateway.sync!.save(BY, contactsJob({ name: 'onEvents', extra: `event: { source: "bus", subject: "s${id}.people.changed" }` }), { publish: true });
      people.people.get('00002')!.name = 'Changed, then announced';
      const connection = await connect({ servers: SHARED_NATS_URL });
      try {
        // The durable consumer starts with new messages: publish once it is there.
        // The source makes its stream when it connects, in the background: until then there is none to list.
        await until(async () => {
          const consumers = await (await connection.jetstreamManager()).consumers.list(stream).next().catch(() => []);
          return consumers.length > 0;
        }, 30_000);
        // No records: a change notification (webhook-changes.test.ts sends messages with records).
        await connection.jetstream().publish(`s${id}.people.changed`, new TextEncoder().encode('{}'));
      } finally {
        await connection.close();
      }
      let run: SyncRunRecord | undefined;
      await until(async () => {
        run = (await gateway.sync!.store.runs({ job: 'onEvents' })).find((r) => r.state === 'succeeded');
        return run !== undefined;
      }, 30_000);
      expect(run).toMatchObject({ trigger: `event s${id}.people.changed`, written: 120 });
      expect(crm.contacts.get('00002')).toMatchObject({ fullName: 'Changed, then announced' });
      await gateway.sync!.change(BY, 'onEvents', 'delete');
    } finally {
      await deleteStreams(SHARED_NATS_URL, stream);
    }
  });

  it('a paused job refuses its webhook with 409 and its schedule does not run', async () => {
    await gateway.sync!.change(BY, 'realtime', 'pause');
    const body = '{}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', 'a-webhook-secret').update(`${timestamp}.${body}`).digest('hex')}`;
    const refused = await fetch(gateway.url.replace('/graphql', '/sync/realtime/webhook'), { method: 'POST', body, headers: { 'x-skein-timestamp': timestamp, 'x-skein-signature': signature } });
    expect(refused.status).toBe(409);
    now += 5 * 60_000;
    expect(await gateway.sync!.scheduler.tick()).toBe(0);
    const audit = await gateway.registry.audit({ target: 'realtime' });
    expect(audit.map((a) => a.action)).toEqual(['sync.pause', 'sync.publish', 'sync.save']);
  });
});
