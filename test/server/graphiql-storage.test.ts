import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_STORAGE_NAMESPACES } from '../../src/server/render-graphiql.js';
import { buildConsole } from '../helpers/console-build.js';
import { eventually, launchChromium, SKIP_WITHOUT_BROWSER, type TestBrowser } from '../helpers/chromium.js';
import { startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';

// GraphiQL saves its tabs in localStorage, which a browser keeps per origin: /graphql and
// /admin/graphql are one origin. This drives a real Chromium through both pages (the
// console's explorer, each told its own prefix).
const ADMIN_QUERY = '{ adminProbe: status { revision } }';

describe.skipIf(SKIP_WITHOUT_BROWSER)('GraphiQL at /graphql and /admin/graphql, in Chromium', () => {
  let gw: TestRegistryGateway;
  let browser: TestBrowser;

  beforeAll(async () => {
    buildConsole();
    gw = await startTestRegistryGateway('postgres');
    browser = await launchChromium(); // a fresh profile: no tabs saved before
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  /** Opens a GraphiQL page and waits until its query editor shows text. */
  const open = async (pathname: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(`${gw.origin}${pathname}`);
    await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor({ state: 'visible' });
    await eventually(() => editorText(page)).not.toBe('');
    return page;
  };
  // CodeMirror keeps its instance on its element.
  const editor = (page: Page) => page.locator('.graphiql-query-editor .CodeMirror').first();
  const editorText = (page: Page) => editor(page).evaluate((e) => (e as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  const saved = (page: Page) => page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
  const keysHolding = async (page: Page, text: string) =>
    Object.entries(await saved(page)).flatMap(([key, value]) => (value.includes(text) ? [key] : []));

  it('each page keeps its own tabs: /graphql does not open on the admin query', async () => {
    const admin = await open('/admin/graphql');
    await editor(admin).click();
    await admin.keyboard.press('ControlOrMeta+A');
    await admin.keyboard.press('Delete');
    await admin.keyboard.insertText(ADMIN_QUERY); // insertText: no brace auto-closing on the way
    await eventually(() => editorText(admin)).toContain('adminProbe');
    // GraphiQL saves its tabs shortly after an edit (under whichever prefix it uses).
    const savedTabs = async (page: Page, text: string) => (await keysHolding(page, text)).some((key) => key.endsWith('graphiql:tabState'));
    await eventually(() => savedTabs(admin, 'adminProbe')).toBe(true);
    await browser.screenshot(admin, 'graphiql-admin');
    await admin.close();

    const graphql = await open('/graphql');
    await browser.screenshot(graphql, 'graphiql-public');
    expect(await editorText(graphql)).not.toContain('adminProbe');
    expect(await graphql.title()).toBe('Skein');
    const adminKeys = await keysHolding(graphql, 'adminProbe');
    expect(adminKeys).toContain(`${GRAPHIQL_STORAGE_NAMESPACES.admin}:graphiql:tabState`);
    for (const key of adminKeys) expect(key.startsWith(`${GRAPHIQL_STORAGE_NAMESPACES.admin}:`), key).toBe(true);
    // What it saves is its own.
    await editor(graphql).click();
    await graphql.keyboard.insertText('# public ');
    const publicTabs = `${GRAPHIQL_STORAGE_NAMESPACES.graphql}:graphiql:tabState`;
    await eventually(() => keysHolding(graphql, '# public')).toContain(publicTabs);
    for (const key of await keysHolding(graphql, '# public')) {
      expect(key.startsWith(`${GRAPHIQL_STORAGE_NAMESPACES.graphql}:`), key).toBe(true);
    }
    await graphql.close();

    // The admin page still opens on its query: tabs do persist, per page.
    const again = await open('/admin/graphql');
    await eventually(() => editorText(again)).toContain('adminProbe');
    expect(await editorText(again)).not.toContain('# public');
    expect(await again.title()).toBe('Skein admin');
    await again.close();
  });
});
