import { readFileSync } from 'node:fs';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../helpers/console-build.js';
import { eventually, launchChromium, SKIP_WITHOUT_BROWSER, type TestBrowser } from '../helpers/chromium.js';
import { ALICE_TOKEN, startConsoleGateway, type ConsoleGateway } from './console-gateway.js';

// The console's Composites pages in a real Chromium, over a gateway seeded with the demo
// schema: every change goes through the admin API, so each test checks it there too.
describe.skipIf(SKIP_WITHOUT_BROWSER)('the console: composites, in Chromium', () => {
  let gw: ConsoleGateway;
  let browser: TestBrowser;
  let page: Page;
  const firstLoadScripts: Response[] = [];

  beforeAll(async () => {
    buildConsole();
    gw = await startConsoleGateway();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('response', (response) => {
      if (response.url().endsWith('.js')) firstLoadScripts.push(response);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  let withoutRoom = '';
  const compositeState = async (name: string) =>
    (await gw.admin<{ composite: { state: string; version: number; liveVersion: number } }>(`{ composite(name: "${name}") { state version liveVersion } }`)).composite;
  const openComposite = async (name: string) => {
    await page.goto(`${gw.origin}/console#/composites/${name}`);
    await page.reload(); // a change made elsewhere (the CLI) shows after a reload, as for a user
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.locator('.flow-picture svg .flow-step').first().waitFor();
  };

  it('signs in with an admin token, refuses another, and loads in under 500 KB of compressed script', async () => {
    await page.goto(`${gw.origin}/console`);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => page.getByRole('alert').innerText()).toContain('not one of SKEIN_ADMIN_TOKEN');
    await browser.screenshot(page, 'sign-in-refused');

    await page.getByLabel('Admin token').fill(ALICE_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Composites' }).waitFor();
    const row = page.locator('tr[data-composite="hotelOrder"]');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/hotelOrder\s+published\s+v1\s+v1\s+REST\s+seed/);
    await eventually(() => page.locator('tbody tr').count()).toBe(3);
    expect(await page.getByText('Signed in as').innerText()).toContain('alice');
    await browser.screenshot(page, 'composites');

    // What the browser fetched to show the list: compressed bytes as sent (Content-Length of each script).
    const sizes = await Promise.all(firstLoadScripts.map(async (r) => ({ url: r.url(), bytes: (await r.body()).length, encoding: r.headers()['content-encoding'], wire: Number(r.headers()['content-length']) })));
    expect(sizes.length).toBeGreaterThan(0);
    for (const script of sizes) expect(script.encoding, script.url).toBe('br');
    const total = sizes.reduce((sum, s) => sum + s.wire, 0);
    expect(total, JSON.stringify(sizes)).toBeLessThanOrEqual(500_000);
  });

  it("draws hotelOrder's flow: a box per step, a labelled edge per export, the same as the admin API's plan", async () => {
    await page.getByRole('link', { name: 'hotelOrder' }).click();
    await page.locator('.flow-picture svg .flow-step').first().waitFor();
    const { plan } = await gw.admin<{ plan: { flow: { steps: { id: string }[]; edges: { from: string; to: string; label: string }[] } } }>(
      '{ plan(name: "hotelOrder") { flow } }',
    );
    const steps = await page.locator('.flow-picture .flow-step').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-step')));
    expect(steps.sort()).toEqual(['hotel', 'order', 'room', 'user']);
    expect(steps.sort()).toEqual(plan.flow.steps.map((s) => s.id).sort());
    const edges = await page
      .locator('.flow-picture .flow-edge')
      .evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-from')}→${n.getAttribute('data-to')} ${n.querySelector('.flow-edge-label')?.textContent}`));
    expect(edges.sort()).toEqual(['order→hotel $hotelId', 'order→room $roomId', 'order→user $userId']);
    // Every box is on screen with a size; the document and audit trail are there.
    for (const box of await page.locator('.flow-picture .flow-step').all()) expect((await box.boundingBox())!.width).toBeGreaterThan(20);
    expect(await page.locator('pre.document').innerText()).toContain('query hotelOrder(');
    await browser.screenshot(page, 'hotelOrder');
  });

  it('pauses hotelOrder (its REST endpoint answers 503), then resumes it, each change audited as alice', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await eventually(() => page.locator('article.composite').getAttribute('data-state')).toBe('PAUSED');
    expect((await compositeState('hotelOrder')).state).toBe('PAUSED');
    const paused = await fetch(`${gw.origin}/api/hotelOrder?orderId=1`);
    expect(paused.status).toBe(503);
    expect(await paused.text()).toContain('COMPOSITE_PAUSED');
    await eventually(() => page.locator('tr[data-action="composite.pause"]').first().innerText()).toMatch(/alice\s+composite\.pause/);
    await browser.screenshot(page, 'hotelOrder-paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await eventually(() => page.locator('article.composite').getAttribute('data-state')).toBe('PUBLISHED');
    const resumed = await fetch(`${gw.origin}/api/hotelOrder?orderId=1`);
    expect(resumed.status).toBe(200);
    expect(await resumed.text()).toMatch(/"order":\{"id":"1"/);
    await eventually(() => page.locator('tr[data-action="composite.resume"]').count()).toBe(1);
  });

  it('rolls back to an earlier version (a new version, served at once) and diffs any two versions', async () => {
    const { composite } = await gw.admin<{ composite: { document: string } }>('{ composite(name: "hotelOrder") { document } }');
    // A second version, as `skein push` would save it: without the room.
    withoutRoom = composite.document.replace(/\n\s*room\(roomId: \$roomId\) \{[^}]*\}/, '').replace(/\n\s*roomId @export\(as: "roomId"\)/, '').replace(', $roomId: ID! @internal', '');
    expect(withoutRoom).not.toContain('room(');
    await gw.admin('mutation($d: String!) { saveComposite(document: $d) { version } publish(name: "hotelOrder") { version } }', { d: withoutRoom });
    await openComposite('hotelOrder');
    await eventually(() => page.locator('.flow-picture .flow-step').count()).toBe(3);

    await page.getByLabel('Roll back to').selectOption('1');
    await page.getByRole('button', { name: 'Rollback' }).click();
    await eventually(async () => (await compositeState('hotelOrder')).version).toBe(3);
    expect(await compositeState('hotelOrder')).toMatchObject({ state: 'PUBLISHED', liveVersion: 3 });
    await eventually(() => page.locator('.flow-picture .flow-step').count()).toBe(4);
    expect(await page.locator('tr[data-version="3"]').innerText()).toContain('rollback to v1');
    expect(await (await fetch(`${gw.origin}/api/hotelOrder?orderId=1`)).text()).toContain('"room":{"type"');

    // v2 against v3: the room comes back.
    await page.getByLabel('Compare').selectOption('2');
    await page.getByLabel('with').selectOption('3');
    const added = await page.locator('pre.diff ins').allInnerTexts();
    expect(added.join('\n')).toContain('+   room(roomId: $roomId)');
    expect(await page.locator('pre.diff del').count()).toBeGreaterThan(0);
    await browser.screenshot(page, 'hotelOrder-rollback-diff');
  });

  it('exports the XML skein export writes, and imports it back as the next version', async () => {
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const download = await downloaded;
    expect(download.suggestedFilename()).toBe('hotelOrder.xml');
    const xml = readFileSync((await download.path())!, 'utf8');
    const { export: exported } = await gw.admin<{ export: { document: string } }>('{ export(name: "hotelOrder", format: XML) { document } }');
    const undated = (text: string) => text.replace(/ exportedAt="[^"]*"/, '');
    expect(undated(xml)).toBe(undated(exported.document));

    // Someone saves another version (v4, without the room); importing the file brings v3's document back as v5.
    await gw.admin('mutation($d: String!) { saveComposite(document: $d) { version } }', { d: withoutRoom });
    await openComposite('hotelOrder');
    await eventually(() => page.locator('.flow-picture .flow-step').count()).toBe(3);
    await page.getByLabel('Import').setInputFiles({ name: 'hotelOrder.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
    await eventually(() => page.getByRole('status').first().innerText()).toContain('Imported hotelOrder.xml: hotelOrder v5');
    expect((await compositeState('hotelOrder')).version).toBe(5);
    await eventually(() => page.locator('.flow-picture .flow-step').count()).toBe(4);
    // Audited as alice's save of v5, the version noting where it came from.
    await eventually(() => page.locator('tr[data-action="composite.save"]').first().innerText()).toMatch(/alice\s+composite\.save\s+v5/);
    expect(await page.locator('tr[data-version="5"]').innerText()).toContain('import');

    // A file that is not an export is refused with the API's reason, and nothing is stored.
    await page.getByLabel('Import').setInputFiles({ name: 'notes.xml', mimeType: 'application/xml', buffer: Buffer.from('<notes/>') });
    await eventually(() => page.getByRole('alert').innerText()).toContain('notes.xml was not imported');
    expect((await compositeState('hotelOrder')).version).toBe(5);
    await browser.screenshot(page, 'hotelOrder-imported');
  });

  it('saves the picture as SVG and as PNG', async () => {
    let downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save picture' }).click();
    const svg = readFileSync((await (await downloaded).path())!, 'utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/class="flow-step"/g)).toHaveLength(4);

    await page.getByLabel('Picture as').selectOption('png');
    downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save picture' }).click();
    const png = await downloaded;
    expect(png.suggestedFilename()).toBe('hotelOrder.png');
    const bytes = readFileSync((await png.path())!);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(200); // width, at twice the drawing's size
    await browser.screenshot(page, 'hotelOrder-picture-saved');
  });

  it('deletes only after a confirmation', async () => {
    await openComposite('customerStatement');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    expect((await compositeState('customerStatement')).state).toBe('PUBLISHED');
    await page.getByRole('button', { name: 'Delete customerStatement' }).click();
    await eventually(async () => (await compositeState('customerStatement')).state).toBe('DELETED');
    await eventually(() => page.locator('article.composite').getAttribute('data-state')).toBe('DELETED');
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
    await browser.screenshot(page, 'customerStatement-deleted');
  });

  it('is usable on a 390-px phone and by keyboard alone', async () => {
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${gw.origin}/console`);
    await phone.getByLabel('Admin token').waitFor();
    // Keyboard only: the token field has focus; type, Enter to sign in.
    await phone.keyboard.type(ALICE_TOKEN);
    await phone.keyboard.press('Enter');
    await phone.locator('tr[data-composite="hotelOrder"]').waitFor();
    // Nothing wider than the screen but the tables, which scroll in their own region.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await browser.screenshot(phone, 'phone-composites');

    // Tab to the hotelOrder link, open it, Tab to Pause and press it.
    const focusedText = () => phone.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');
    const tabTo = async (text: string) => {
      for (let i = 0; i < 60 && (await focusedText()) !== text; i++) await phone.keyboard.press('Tab');
      expect(await focusedText()).toBe(text);
      // Focus is visible: the focused element draws an outline.
      expect(await phone.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    };
    await tabTo('hotelOrder');
    await phone.keyboard.press('Enter');
    await phone.locator('.flow-picture svg').waitFor();
    await tabTo('Pause');
    await phone.keyboard.press('Enter');
    await eventually(async () => (await compositeState('hotelOrder')).state).toBe('PAUSED');
    await tabTo('Resume');
    await phone.keyboard.press('Enter');
    await eventually(async () => (await compositeState('hotelOrder')).state).toBe('PUBLISHED');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await browser.screenshot(phone, 'phone-hotelOrder');
    await phone.close();
  });
});
