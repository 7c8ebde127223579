import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../helpers/console-build.js';
import { eventually, launchChromium, SKIP_WITHOUT_BROWSER, type TestBrowser } from '../helpers/chromium.js';
import { ALICE_TOKEN, startConsoleGateway, type ConsoleGateway } from './console-gateway.js';

/** What the browser took over the network for a page: bytes as transferred (compressed), and what came from its cache. */
interface Traffic {
  bytes: number;
  fromCache: number;
  fromNetwork: string[];
}

/** Counts a page's traffic through the DevTools protocol: encodedDataLength is the bytes on the wire. */
async function watchTraffic(page: Page): Promise<{ session: CDPSession; traffic: Traffic }> {
  const session = await page.context().newCDPSession(page);
  await session.send('Network.enable');
  const traffic: Traffic = { bytes: 0, fromCache: 0, fromNetwork: [] };
  const cached = new Set<string>();
  session.on('Network.requestServedFromCache', (event) => void cached.add(event.requestId));
  session.on('Network.responseReceived', (event) => {
    if (cached.has(event.requestId) || event.response.fromDiskCache) traffic.fromCache++;
    else traffic.fromNetwork.push(event.response.url);
  });
  session.on('Network.loadingFinished', (event) => void (traffic.bytes += event.encodedDataLength));
  return { session, traffic };
}

/** Replaces the query in GraphiQL's editor (CodeMirror keeps its instance on its element). */
async function setQuery(page: Page, query: string): Promise<void> {
  await page.locator('.graphiql-query-editor .CodeMirror').first().evaluate((element, text) => {
    (element as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(text);
  }, query);
}

// The explorer (GraphiQL with the Plan tab) on the public /graphql page and in the console.
describe.skipIf(SKIP_WITHOUT_BROWSER)('the explorer and its Plan tab, in Chromium', () => {
  let gw: ConsoleGateway;
  let browser: TestBrowser;

  beforeAll(async () => {
    buildConsole();
    gw = await startConsoleGateway();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('serves /graphql as a page of at most 1 MB compressed, cached after the first visit', async () => {
    let page = await browser.newPage();
    const first = await watchTraffic(page);
    const response = await page.goto(`${gw.origin}/graphql`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response!.headers()['cache-control']).toBe('no-cache');
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(first.traffic.bytes).toBeGreaterThan(50_000);
    expect(first.traffic.bytes).toBeLessThanOrEqual(1_000_000);
    expect(await page.title()).toBe('Skein');
    await browser.screenshot(page, 'graphql-first-visit');
    await first.session.detach();

    await page.close();

    // The second visit: the page is fetched again (no-cache), its hashed scripts and styles come from the cache.
    page = await browser.newPage();
    const again = await watchTraffic(page);
    await page.goto(`${gw.origin}/graphql`);
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(again.traffic.fromNetwork.filter((url) => url.includes('/console/assets/'))).toEqual([]);
    expect(again.traffic.fromNetwork).toContain(`${gw.origin}/graphql`);
    const assets = first.traffic.fromNetwork.filter((url) => url.includes('/console/assets/'));
    expect(assets.length).toBeGreaterThan(2);
    expect(again.traffic.fromCache).toBeGreaterThanOrEqual(assets.length);
    await page.close();
  });

  it('runs the demo query and shows each composite run: its flow with step outcomes and a waterfall of step times', async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.origin}/graphql`);
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
    await page.getByRole('button', { name: 'Show Plan' }).click();
    await page.getByRole('heading', { name: 'Plan', exact: true }).waitFor();
    await page.getByRole('button', { name: /Execute query/ }).click();

    const run = page.locator('.plan-run[data-composite="hotelOrder"]');
    await run.locator('.waterfall-row').first().waitFor();
    const rows = await run.locator('.waterfall-row').evaluateAll((nodes) =>
      nodes.map((n) => ({ step: n.getAttribute('data-step')!, start: Number(n.getAttribute('data-start')), end: Number(n.getAttribute('data-end')), status: n.getAttribute('data-status') })),
    );
    expect(rows.map((r) => r.step).sort()).toEqual(['hotel', 'order', 'room', 'user']);
    const order = rows.find((r) => r.step === 'order')!;
    for (const row of rows) {
      expect(row.status).toBe('done');
      expect(row.end).toBeGreaterThanOrEqual(row.start);
      // The user, hotel and room need the order's ids: each starts once the order has ended.
      if (row.step !== 'order') expect(row.start).toBeGreaterThanOrEqual(order.end);
    }
    // Drawn on one time axis: the order's bar ends where the others begin, and they overlap (in parallel).
    const bar = async (step: string) => (await run.locator(`.waterfall-row[data-step="${step}"] .waterfall-bar`).boundingBox())!;
    const [orderBar, userBar, hotelBar] = [await bar('order'), await bar('user'), await bar('hotel')];
    expect(orderBar.width).toBeGreaterThan(5);
    expect(userBar.x).toBeGreaterThanOrEqual(orderBar.x + orderBar.width - 1);
    expect(hotelBar.x).toBeLessThan(userBar.x + userBar.width);
    expect(userBar.x).toBeLessThan(hotelBar.x + hotelBar.width);

    // The run's drawing: every step there, each marked with how it ended.
    await run.locator('.flow-step').first().waitFor();
    const statuses = await run.locator('.flow-step').evaluateAll((nodes) => Object.fromEntries(nodes.map((n) => [n.getAttribute('data-step'), n.getAttribute('data-status')])));
    expect(statuses).toEqual({ order: 'ok', user: 'ok', hotel: 'ok', room: 'ok' });
    const edges = await run.locator('.flow-edge').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-from')}→${n.getAttribute('data-to')}`));
    expect(edges.sort()).toEqual(['order→hotel', 'order→room', 'order→user']);

    // customerStatement(customerId: "1") ran too: verification passed, so the warning was skipped.
    const statement = page.locator('.plan-run[data-composite="customerStatement"]');
    await statement.locator('.waterfall-row').first().waitFor();
    expect(await statement.locator('.waterfall-row[data-step="warning"]').getAttribute('data-status')).toBe('skipped');
    await browser.screenshot(page, 'explorer-plan-waterfall');

    // The Guide tab says how to call composites from a program.
    await page.getByRole('button', { name: 'Show Guide' }).click();
    const guide = await page.locator('.guide-tab').innerText();
    expect(guide).toContain(`curl ${gw.origin}/graphql`);
    expect(guide).toContain('Skein-Expose-Plan: true');
    await browser.screenshot(page, 'explorer-guide');
    await page.close();
  });

  it("the console's explorer draws the plan of each composite in the editor before it runs", async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.origin}/console`);
    await page.getByLabel('Admin token').fill(ALICE_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Explorer' }).click();
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
    await setQuery(page, '{ salary(employeeId: "1") { __typename } }');
    await page.getByRole('button', { name: 'Show Plan' }).click();
    const planned = page.locator('.plan-entry[data-composite="salary"]');
    await planned.locator('.flow-step').first().waitFor();
    const { plan } = await gw.admin('{ plan(name: "salary") { flow } }');
    const steps = await planned.locator('.flow-step').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-step')));
    expect(steps.sort()).toEqual(plan.flow.steps.map((s: { id: string }) => s.id).sort());
    const edges = await planned.locator('.flow-edge').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-from')}→${n.getAttribute('data-to')}`));
    expect(edges.sort()).toEqual(plan.flow.edges.map((e: { from: string; to: string }) => `${e.from}→${e.to}`).sort());

    // Another operation, another plan: the tab follows the editor.
    await setQuery(page, '{ hotelOrder(orderId: "2") { order { id } } }');
    await page.locator('.plan-entry[data-composite="hotelOrder"] .flow-step').first().waitFor();
    await eventually(() => page.locator('.plan-entry[data-composite="salary"]').count()).toBe(0);
    await browser.screenshot(page, 'console-explorer');
    await page.close();
  });
});
