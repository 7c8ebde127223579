import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_STORAGE_NAMESPACES } from '../../src/server/render-graphiql.js';
import { startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';

// GraphiQL saves its tabs in localStorage, which a browser keeps per origin: /graphql and
// /admin/graphql are one origin. This drives a real Chromium (Debian's; .ci/run installs
// it) through both pages. GraphiQL's bundle is 9 MB of JavaScript, so on a busy 2-core
// machine a page can take a long while to come up: waits are generous, and nothing here
// asserts on time.
const CHROMIUM = process.env.SKEIN_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.SKEIN_TEST_SCREENSHOTS ?? tmpdir();
const PAGE_TIMEOUT_MS = 120_000;
const ADMIN_QUERY = '{ adminProbe: status { revision } }';

describe('GraphiQL at /graphql and /admin/graphql, in Chromium', () => {
  let gw: TestRegistryGateway;
  let userData: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set SKEIN_TEST_CHROMIUM)`);
    gw = await startTestRegistryGateway('postgres');
    userData = mkdtempSync(path.join(tmpdir(), 'skein-chromium-')); // a fresh profile: no tabs saved before
    browser = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 800 },
      timeout: PAGE_TIMEOUT_MS,
    });
  }, 4 * PAGE_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
    await gw?.close();
  });

  /** Opens a GraphiQL page and waits until its query editor shows text. */
  const open = async (pathname: string): Promise<Page> => {
    const page = await browser.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.goto(`${gw.origin}${pathname}`, { timeout: PAGE_TIMEOUT_MS });
    await page.locator('.graphiql-query-editor .view-lines').first().waitFor({ state: 'visible' });
    await expect.poll(() => editorText(page), { timeout: PAGE_TIMEOUT_MS }).not.toBe('');
    return page;
  };
  // Monaco shows the editor's lines as DOM text, with non-breaking spaces.
  const editorText = (page: Page) =>
    page.locator('.graphiql-query-editor .view-lines').first().innerText().then((text) => text.replace(/\u00a0/g, ' '));
  const saved = (page: Page) => page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
  const keysHolding = async (page: Page, text: string) =>
    Object.entries(await saved(page)).flatMap(([key, value]) => (value.includes(text) ? [key] : []));

  it('each page keeps its own tabs: /graphql does not open on the admin query', async () => {
    const admin = await open('/admin/graphql');
    await admin.locator('.graphiql-query-editor .monaco-editor').first().click();
    await admin.keyboard.press('ControlOrMeta+A');
    await admin.keyboard.press('Delete');
    await admin.keyboard.insertText(ADMIN_QUERY); // insertText: no brace auto-closing on the way
    await expect.poll(() => editorText(admin), { timeout: PAGE_TIMEOUT_MS }).toContain('adminProbe');
    // GraphiQL saves its tabs half a second after an edit (under whichever prefix it uses).
    const savedTabs = async (page: Page, text: string) =>
      (await keysHolding(page, text)).some((key) => key.endsWith('graphiql:tabState'));
    await expect.poll(() => savedTabs(admin, 'adminProbe'), { timeout: PAGE_TIMEOUT_MS }).toBe(true);
    await admin.screenshot({ path: path.join(SCREENSHOTS, 'skein-graphiql-admin.png') });
    await admin.close();

    const graphql = await open('/graphql');
    await graphql.screenshot({ path: path.join(SCREENSHOTS, 'skein-graphiql-public.png') });
    expect(await editorText(graphql)).not.toContain('adminProbe');
    expect(await graphql.title()).toBe('Skein');
    const adminKeys = await keysHolding(graphql, 'adminProbe');
    expect(adminKeys).toContain(`${GRAPHIQL_STORAGE_NAMESPACES.admin}:graphiql:tabState`);
    for (const key of adminKeys) expect(key.startsWith(`${GRAPHIQL_STORAGE_NAMESPACES.admin}:`), key).toBe(true);
    // What it saves is its own.
    await graphql.locator('.graphiql-query-editor .monaco-editor').first().click();
    await graphql.keyboard.insertText('# public ');
    const publicTabs = `${GRAPHIQL_STORAGE_NAMESPACES.graphql}:graphiql:tabState`;
    await expect.poll(() => keysHolding(graphql, '# public'), { timeout: PAGE_TIMEOUT_MS }).toContain(publicTabs);
    for (const key of await keysHolding(graphql, '# public')) {
      expect(key.startsWith(`${GRAPHIQL_STORAGE_NAMESPACES.graphql}:`), key).toBe(true);
    }
    await graphql.close();

    // The admin page still opens on its query: tabs do persist, per page.
    const again = await open('/admin/graphql');
    await expect.poll(() => editorText(again), { timeout: PAGE_TIMEOUT_MS }).toContain('adminProbe');
    expect(await editorText(again)).not.toContain('# public');
    await again.close();
  }, 8 * PAGE_TIMEOUT_MS);
});
