import { createHmac } from 'node:crypto';
import { connect, type Msg } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryGateway, type RunningRegistryGateway } from '../../src/server/index.js';
import type { SyncRunRecord } from '../../src/sync/index.js';
import { deleteStreams, SHARED_NATS_URL, uniqueSuffix } from '../helpers/brokers.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { until } from '../registry/processes.js';
import { createDataDir } from '../registry/stores.js';
import { contactsJob, crmSDL, peopleSDL, startCrm, startPeopleApi } from './sync-upstreams.js';

const BY = { actor: 'test', via: 'admin' } as const;
const SECRET_VARIABLE = 'SKEIN_SYNC_TEST_CHANGES_SECRET';
const SECRET = 'the-changes-secret';

/**
 * Real-time and event-driven jobs applying the changes they are sent: exactly those records
 * written and keys deleted (the CRM counts its calls; the people API is not read), with a
 * run's bookkeeping; bad bodies refused with where, bad messages dead-lettered.
 */
describe('sync jobs applying the changes a webhook call or a message carries', () => {
  const data = createDataDir();
  let people: Awaited<ReturnType<typeof startPeopleApi>>;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  let gateway: RunningRegistryGateway;
  let log: CapturedLog;

  beforeAll(async () => {
    process.env[SECRET_VARIABLE] = SECRET;
    people = await startPeopleApi(20);
    crm = await startCrm();
    log = captureLog();
    gateway = await startRegistryGateway({
      dataDir: data.dir,
      dev: true,
      port: 0,
      host: '127.0.0.1',
      warn: () => {},
      logger: log.logger,
      sync: { manualSchedule: true, backoffMs: 5, engine: { pollMs: 100 } },
    });
    await gateway.registry.registerSource(BY, { sdl: peopleSDL(people.url) });
    await gateway.registry.registerSource(BY, { sdl: crmSDL(crm.url) });
    await gateway.served.refresh();
    const webhook = `webhook: { secretEnv: "${SECRET_VARIABLE}" }`;
    // DIFF has a delete call; FULL has none.
    await gateway.sync!.save(BY, contactsJob({ name: 'pushed', rule: 'DIFF', extra: webhook }), { publish: true });
    await gateway.sync!.save(BY, contactsJob({ name: 'pushedNoDelete', extra: webhook }), { publish: true });
  });
  afterAll(async () => {
    delete process.env[SECRET_VARIABLE];
    await gateway?.close();
    await Promise.all([people?.close(), crm?.close()]);
    data.remove();
  });

  const post = (job: string, body: string, headers: Record<string, string> = {}) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
    return fetch(gateway.url.replace('/graphql', `/sync/${job}/webhook`), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-skein-timestamp': timestamp, 'x-skein-signature': signature, ...headers },
    });
  };
  const finished = async (runId: number): Promise<SyncRunRecord> => {
    let run: SyncRunRecord | undefined;
    await until(async () => {
      run = await gateway.sync!.store.run(runId);
      return run?.state === 'succeeded' || run?.state === 'failed';
    }, 30_000);
    return run!;
  };
  const admin = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(gateway.url.replace('/graphql', '/admin/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { message: string }[] };
  };

  it('a signed body with 3 records and 1 deleted key writes and deletes exactly those; a refused record is kept for replay', async () => {
    crm.contacts.set('00010', { id: '00010', fullName: 'To be deleted' });
    crm.refuse.add('00003');
    const requestsBefore = crm.requests();
    const readsBefore = people.reads();
    const body = JSON.stringify({
      records: [
        { id: '00001', name: 'Pushed One', email: 'one@example.test', updatedAt: '2026-05-01T00:00:00.000Z' },
        { id: '00002', name: 'Pushed Two', email: null, updatedAt: '2026-05-01T00:00:00.000Z' },
        { id: '00003', name: 'Refused Three', email: 'three@example.test', updatedAt: '2026-05-01T00:00:00.000Z' },
      ],
      deleted: ['00010'],
    });
    const accepted = await post('pushed', body);
    expect(accepted.status).toBe(202);
    const answer = await accepted.json();
    expect(answer).toMatchObject({ state: 'queued', records: 3, deleted: 1 });

    const run = await finished(answer.runId);
    expect(run).toMatchObject({ trigger: 'webhook', state: 'succeeded', read: 3, written: 2, failed: 1, deleted: 1, skipped: 0 });
    // Exactly three writes and one delete reached the target, and the source was not read.
    expect(crm.requests() - requestsBefore).toBe(4);
    expect(people.reads()).toBe(readsBefore);
    expect([...crm.applied.keys()].sort()).toEqual(['00001', '00002']);
    expect(crm.deleted).toEqual(['00010']);
    // Mapped with the job's selection: name renamed to fullName, the constant added, updatedAt not selected.
    expect(crm.contacts.get('00001')).toEqual({ id: '00001', fullName: 'Pushed One', email: 'one@example.test', origin: 'skein' });
    expect(crm.contacts.get('00002')).toEqual({ id: '00002', fullName: 'Pushed Two', email: null, origin: 'skein' });

    // Progress through the admin API, as for any run.
    const { data } = await admin('query($id: Int!) { syncRun(id: $id) { trigger state read written failed deleted given { records deleted } failedRecords { key } } }', { id: run.id });
    expect(data.syncRun).toEqual({ trigger: 'webhook', state: 'SUCCEEDED', read: 3, written: 2, failed: 1, deleted: 1, given: { records: 3, deleted: 1 }, failedRecords: [{ key: '00003' }] });

    const [refused] = await gateway.sync!.store.failedRecords('pushed', run.id);
    expect(refused).toMatchObject({ key: '00003', operation: 'upsert', record: { id: '00003', fullName: 'Refused Three', origin: 'skein' } });
    expect(refused.error).toMatch(/422/);
    crm.refuse.clear();
    expect(await gateway.sync!.replay('pushed', run.id)).toEqual({ replayed: 1, failed: 0 });
    expect(crm.contacts.get('00003')).toMatchObject({ fullName: 'Refused Three' });
    expect((await gateway.sync!.store.run(run.id))!.failed).toBe(0);

    expect(log.entries().find((e) => e.run === run.id)).toMatchObject({ level: 'info', job: 'pushed', records: 3, deleted: 1 });
  });

  it('changes sent again with the same Idempotency-Key are the first call\'s run, written once; a malformed key is refused', async () => {
    const body = JSON.stringify({ records: [{ id: '00030', name: 'Retried Thirty', updatedAt: 'x' }] });
    const key = 'delivery-7f3c2a';
    const first = await post('pushed', body, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    const { runId } = await first.json();
    expect(await finished(runId)).toMatchObject({ state: 'succeeded', written: 1 });
    const requestsBefore = crm.requests();
    const runsBefore = (await gateway.sync!.store.runs({ job: 'pushed', limit: 100 })).length;

    // The sender timed out and tries again (twice), after the run has finished.
    for (let retry = 0; retry < 2; retry++) {
      const again = await post('pushed', body, { 'idempotency-key': key });
      expect(again.status).toBe(202);
      expect((await again.json()).runId).toBe(runId);
    }
    expect((await gateway.sync!.store.runs({ job: 'pushed', limit: 100 })).length).toBe(runsBefore);
    expect(crm.requests()).toBe(requestsBefore);
    // Another key is another delivery: another run.
    const other = (await (await post('pushed', body, { 'idempotency-key': 'delivery-8a1b' })).json()).runId;
    expect(other).not.toBe(runId);
    expect(await finished(other)).toMatchObject({ state: 'succeeded', skipped: 1 });

    const malformed = await post('pushed', body, { 'idempotency-key': 'has spaces in it' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'BAD_IDEMPOTENCY_KEY', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID, say)' });
  });

  it('DIFF: a record sent again unchanged is skipped, one changed is written; one record object is accepted as the body', async () => {
    const appliedBefore = new Map(crm.applied);
    const same = await post('pushed', JSON.stringify([{ id: '00001', name: 'Pushed One', email: 'one@example.test', updatedAt: 'x' }]));
    expect(same.status).toBe(202);
    expect(await finished((await same.json()).runId)).toMatchObject({ read: 1, written: 0, skipped: 1 });
    const changed = await post('pushed', JSON.stringify({ id: '00002', name: 'Pushed Two, renamed', updatedAt: 'x' }));
    expect(await finished((await changed.json()).runId)).toMatchObject({ read: 1, written: 1, skipped: 0 });
    expect(crm.applied.get('00001')).toBe(appliedBefore.get('00001'));
    expect(crm.applied.get('00002')).toBe(appliedBefore.get('00002')! + 1);
    expect(crm.contacts.get('00002')).toMatchObject({ fullName: 'Pushed Two, renamed' });
  });

  it('a notification never joins a waiting run of given changes (that run reads nothing)', async () => {
    const job = (await gateway.sync!.store.job('pushedNoDelete'))!;
    // Made, not queued: it waits for as long as this test looks.
    const waiting = await gateway.sync!.store.createRun(job, 'webhook', 'FULL', undefined, { records: [{ id: '00020', fullName: 'Waiting' }], deleted: [] });
    const notified = await post('pushedNoDelete', '');
    expect(notified.status).toBe(202);
    const { runId } = await notified.json();
    expect(runId).not.toBe(waiting.id);
    expect(await gateway.sync!.store.given(runId)).toBeUndefined();
    expect(await finished(runId)).toMatchObject({ trigger: 'webhook', read: people.people.size });
  });

  it('a bad body is refused with 400 saying what and where, deletions a job cannot make with 422; nothing is queued', async () => {
    const runsBefore = (await gateway.sync!.store.runs({ limit: 100 })).length;
    const requestsBefore = crm.requests();

    const broken = await post('pushed', '{\n  "records": [\n    { "id": "00004", "name": "Four" },\n  ]\n}');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: 'BAD_CHANGES', message: `the body is not valid JSON at line 4, column 3: expected a value, found ']'` });

    const keyless = await post('pushed', JSON.stringify({ records: [{ id: '00004', name: 'Four' }, { name: 'No id' }] }));
    expect(keyless.status).toBe(400);
    expect((await keyless.json()).message).toBe('records[1] has no "id", the key of the job\'s records; nothing was queued');

    const mistyped = await post('pushed', JSON.stringify({ records: [{ id: '00004', name: { first: 'Four' } }, 'text'] }));
    expect(mistyped.status).toBe(400);
    expect((await mistyped.json()).message).toBe('records[1] must be a record object, not a string ("text"); nothing was queued');
    const missing = await post('pushed', JSON.stringify({ records: [{ id: '00004', email: 'four@example.test' }] }));
    expect((await missing.json()).message).toBe('records[0].fullName: Person.name is required and the record has no value for it; nothing was queued');

    const envelope = await post('pushed', JSON.stringify({ records: [], removed: ['00001'] }));
    expect(envelope.status).toBe(400);
    expect((await envelope.json()).message).toMatch(/^the body has "removed", which it does not take; expected \{ "records"/);

    const noDelete = await post('pushedNoDelete', JSON.stringify({ deleted: ['00001'] }));
    expect(noDelete.status).toBe(422);
    expect(await noDelete.json()).toMatchObject({ error: 'DELETE_NOT_SUPPORTED', message: expect.stringMatching(/^sync job pushedNoDelete cannot delete: its @sync has no delete: "…" call/) });

    expect((await gateway.sync!.store.runs({ limit: 100 })).length).toBe(runsBefore);
    expect(crm.requests()).toBe(requestsBefore);
  });

  it('event-driven: a message with records applies them; a malformed one is dead-lettered with its reason and the subscription goes on', async () => {
    const id = uniqueSuffix();
    const stream = `SYNCGIVEN_${id}`;
    const subject = `g${id}.people.changed`;
    const connection = await connect({ servers: SHARED_NATS_URL });
    try {
      await gateway.registry.registerSource(BY, { sdl: `extend schema @source(name: "bus", kind: NATS, url: "${SHARED_NATS_URL}", stream: "${stream}", streamSubjects: ["g${id}.>"])` });
      await gateway.served.refresh();
      await gateway.sync!.save(BY, contactsJob({ name: 'onMessages', rule: 'DIFF', extra: `event: { source: "bus", subject: "${subject}" }` }), { publish: true });
      const deadLetters: Msg[] = [];
      const dlq = connection.subscribe(`${subject}.dlq`, { callback: (_error, message) => void deadLetters.push(message) });
      await connection.flush();
      await until(async () => {
        const consumers = await (await connection.jetstreamManager()).consumers.list(stream).next().catch(() => []);
        return consumers.length > 0;
      }, 30_000);
      const js = connection.jetstream();
      const readsBefore = people.reads();
      const encode = (value: string) => new TextEncoder().encode(value);

      await js.publish(subject, encode('{"records": [{"id": "00001", "name": "Not closed"'));
      await js.publish(subject, encode(JSON.stringify({ records: [{ id: '00015', name: 'From a message' }], deleted: ['00002'] })));
      let run: SyncRunRecord | undefined;
      await until(async () => {
        run = (await gateway.sync!.store.runs({ job: 'onMessages' })).find((r) => r.state === 'succeeded');
        return run !== undefined;
      }, 30_000);
      expect(run).toMatchObject({ trigger: `event ${subject}`, read: 1, written: 1, deleted: 1 });
      expect(crm.contacts.get('00015')).toEqual({ id: '00015', fullName: 'From a message', email: null, origin: 'skein' });
      expect(crm.deleted.at(-1)).toBe('00002');
      expect(people.reads()).toBe(readsBefore);

      await until(async () => deadLetters.length === 1, 30_000);
      expect(deadLetters[0].headers?.get('Skein-Dead-Letter-Reason')).toMatch(/^the payload is not JSON/);
      expect(deadLetters[0].headers?.get('Skein-Dead-Letter-Sync-Job')).toBe('onMessages');
      expect(new TextDecoder().decode(deadLetters[0].data)).toBe('{"records": [{"id": "00001", "name": "Not closed"');

      // A record without its key is the message's own fault too.
      await js.publish(subject, encode(JSON.stringify([{ name: 'Keyless' }])));
      await until(async () => deadLetters.length === 2, 30_000);
      expect(deadLetters[1].headers?.get('Skein-Dead-Letter-Reason')).toBe(`records[0] has no "id", the key of the job's records; nothing was queued`);
      dlq.unsubscribe();
      await gateway.sync!.change(BY, 'onMessages', 'delete');
    } finally {
      await connection.close();
      await deleteStreams(SHARED_NATS_URL, stream);
    }
  });
});
