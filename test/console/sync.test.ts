import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminTokens, startRegistryGateway, type RunningRegistryGateway } from '../../src/server/index.js';
import { buildConsole } from '../helpers/console-build.js';
import { eventually, launchChromium, SKIP_WITHOUT_BROWSER, type TestBrowser } from '../helpers/chromium.js';
import { loggerTo } from '../helpers/log-capture.js';
import { createDataDir } from '../registry/stores.js';
import { contactsJob, crmSDL, peopleSDL, startCrm, startPeopleApi } from '../sync/sync-upstreams.js';
import { ALICE_TOKEN } from './console-gateway.js';

const BY = { actor: 'seed', via: 'admin' } as const;
const SECRET_VARIABLE = 'SKEIN_SYNC_CONSOLE_TEST_SECRET';

// The console's Sync pages in a real Chromium: a job runs against a real people API and CRM
// (which refuses one record), and the page shows what the admin API says of the run.
describe.skipIf(SKIP_WITHOUT_BROWSER)('the console: sync jobs, in Chromium', () => {
  const data = createDataDir();
  let people: Awaited<ReturnType<typeof startPeopleApi>>;
  let crm: Awaited<ReturnType<typeof startCrm>>;
  let gateway: RunningRegistryGateway;
  let origin: string;
  let browser: TestBrowser;
  let page: Page;

  const admin = async <T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${origin}/admin/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data!;
  };
  const runCell = (runId: number, count: string) => page.locator(`tr[data-run="${runId}"] td[data-count="${count}"]`).innerText();

  beforeAll(async () => {
    buildConsole();
    people = await startPeopleApi(45);
    crm = await startCrm();
    crm.refuse.add('00007');
    gateway = await startRegistryGateway({
      dataDir: data.dir,
      tokens: AdminTokens.parse(`alice:${ALICE_TOKEN}`),
      port: 0,
      host: '127.0.0.1',
      warn: () => {},
      logger: loggerTo(),
      sync: { manualSchedule: true, backoffMs: 5, engine: { pollMs: 100 }, concurrency: 2 },
    });
    origin = new URL(gateway.url).origin;
    await gateway.registry.registerSource(BY, { sdl: peopleSDL(people.url) });
    await gateway.registry.registerSource(BY, { sdl: crmSDL(crm.url) });
    await gateway.served.refresh();
    process.env[SECRET_VARIABLE] = 'console-webhook-secret';
    await gateway.sync!.save(BY, contactsJob({ name: 'contacts', size: 10, schedule: '*/15 * * * *', extra: `webhook: { secretEnv: "${SECRET_VARIABLE}" }` }), { publish: true });
    browser = await launchChromium();
    page = await browser.newPage();
  });
  afterAll(async () => {
    delete process.env[SECRET_VARIABLE];
    await browser?.close();
    await gateway?.close();
    await Promise.all([people?.close(), crm?.close()]);
    data.remove();
  });

  it('lists the jobs with their state, rule and what starts them', async () => {
    await page.goto(`${origin}/console#/sync`);
    await page.getByLabel('Admin token').fill(ALICE_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sync jobs' }).waitFor();
    const row = page.locator('tr[data-sync-job="contacts"]');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/contacts\s+published\s+FULL\s+schedule \*\/15 \* \* \* \* \(Europe\/Berlin\)\s+webhook \/sync\/contacts\/webhook\s+on demand\s+v1\s+never run/);
    expect(await page.getByRole('link', { name: 'Sync' }).getAttribute('aria-current')).toBe('page');
  });

  it('runs the job now and follows it to the end without a reload: the counts are the run’s', async () => {
    await page.getByRole('link', { name: 'contacts' }).click();
    await page.getByRole('heading', { level: 1, name: 'contacts' }).waitFor();
    // The CRM holds its answers: the run is seen running, then (released) done, with no reload: the page refreshes itself.
    const release = crm.holdAnswers();
    await page.getByRole('button', { name: 'Run now' }).click();
    await eventually(() => page.getByRole('status').first().innerText()).toMatch(/^contacts: run \d+ queued\.$/);
    const runId = Number(/run (\d+)/.exec(await page.getByRole('status').first().innerText())![1]);
    await eventually(() => page.locator(`tr[data-run="${runId}"]`).getAttribute('data-state')).toBe('RUNNING');
    expect(await page.locator(`tr[data-run="${runId}"] progress`).getAttribute('aria-label')).toBe(`Run ${runId}: 0 records handled`);
    await browser.screenshot(page, 'sync-job-running');
    release();
    await eventually(() => page.locator(`tr[data-run="${runId}"]`).getAttribute('data-state')).toBe('SUCCEEDED');

    const { syncRun } = await admin(`query($id: Int!) { syncRun(id: $id) { trigger state read written skipped failed deleted } }`, { id: runId });
    expect(syncRun).toEqual({ trigger: 'manual', state: 'SUCCEEDED', read: 45, written: 44, skipped: 0, failed: 1, deleted: 0 });
    expect(await runCell(runId, 'read')).toBe('45');
    expect(await runCell(runId, 'written')).toBe('44');
    expect(await runCell(runId, 'failed')).toMatch(/^1\s*show$/);
    expect(await page.locator(`tr[data-run="${runId}"]`).innerText()).toMatch(/manual\s+succeeded/);
    expect(await page.locator(`tr[data-run="${runId}"] progress`).getAttribute('aria-label')).toBe(`Run ${runId}: 45 of 45 records handled`);
    expect(crm.contacts.size).toBe(44);
    await browser.screenshot(page, 'sync-job-run');
  });

  it('shows the record the target refused with its error, and Replay writes it once the target takes it', async () => {
    const [run] = (await admin<{ syncRuns: { id: number }[] }>('{ syncRuns(job: "contacts", limit: 1) { id } }')).syncRuns;
    await page.getByRole('button', { name: `Show the 1 failed records of run ${run.id}` }).click();
    const refused = page.locator('tr[data-failed-key="00007"]');
    await refused.waitFor();
    const cells = await refused.locator('th, td').allInnerTexts();
    expect(cells.slice(0, 4)).toEqual(['00007', 'upsert', 'Upstream "crm" answered HTTP 422 to Mutation.upsertContact', '1']);
    expect(cells[4].split('\n').sort()).toEqual(['email: "p7@example.test"', 'fullName: "Person 7"', 'id: "00007"', 'origin: "skein"']);
    await browser.screenshot(page, 'sync-failed-records');

    crm.refuse.clear();
    await page.getByRole('button', { name: 'Replay' }).click();
    await eventually(() => page.getByRole('status').first().innerText()).toBe(`Run ${run.id}: 1 record(s) written again.`);
    await eventually(() => page.getByText('None left: every refused record of this run has been written.').count()).toBe(1);
    await eventually(() => runCell(run.id, 'failed')).toBe('0');
    expect(crm.contacts.get('00007')).toMatchObject({ fullName: 'Person 7' });
    expect((await admin('query($id: Int!) { syncRun(id: $id) { failed written } }', { id: run.id })).syncRun).toEqual({ failed: 0, written: 45 });
  });

  it('pauses the job (Run now is then refused by the buttons) and resumes it, each change audited as alice', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await eventually(() => page.locator('article.sync-job').getAttribute('data-state')).toBe('PAUSED');
    expect(await page.getByRole('button', { name: 'Run now' }).isDisabled()).toBe(true);
    expect((await admin('{ syncJob(name: "contacts") { state } }')).syncJob.state).toBe('PAUSED');
    await page.getByRole('button', { name: 'Resume' }).click();
    await eventually(() => page.locator('article.sync-job').getAttribute('data-state')).toBe('PUBLISHED');
    const { audit } = await admin<{ audit: { actor: string; action: string }[] }>('{ audit(target: "contacts", limit: 5) { actor action } }');
    expect(audit.slice(0, 2)).toEqual([
      { actor: 'alice', action: 'sync.resume' },
      { actor: 'alice', action: 'sync.pause' },
    ]);

    // The list shows the last run's counts.
    await page.getByRole('link', { name: 'Sync' }).click();
    const row = page.locator('tr[data-sync-job="contacts"]');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/succeeded.*\s+45\s+45\s+0\s+/s);
    await browser.screenshot(page, 'sync-jobs');
  });

  it('shows a run of records sent to the webhook, with how many were sent', async () => {
    const body = JSON.stringify({ records: [{ id: '00001', name: 'Sent by the source' }, { id: '00002', name: 'Also sent' }] });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', 'console-webhook-secret').update(`${timestamp}.${body}`).digest('hex')}`;
    const sent = await fetch(`${origin}/sync/contacts/webhook`, { method: 'POST', body, headers: { 'x-skein-timestamp': timestamp, 'x-skein-signature': signature } });
    expect(sent.status).toBe(202);
    const { runId } = await sent.json();
    await page.getByRole('link', { name: 'contacts' }).click();
    const row = page.locator(`tr[data-run="${runId}"]`);
    // Opened while the run may still be queued: the page follows it to the end.
    await eventually(() => row.getAttribute('data-state')).toBe('SUCCEEDED');
    expect(await row.innerText()).toMatch(/^\d+\s+webhook\s+2 records sent\s+succeeded\s+2\s+2\s+0\s+0\s+0\s+2\/2/);
    expect(crm.contacts.get('00001')).toMatchObject({ fullName: 'Sent by the source' });
    await browser.screenshot(page, 'sync-webhook-run');
  });
});
