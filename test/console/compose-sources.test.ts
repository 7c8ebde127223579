import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../helpers/console-build.js';
import { eventually, launchChromium, SKIP_WITHOUT_BROWSER, type TestBrowser } from '../helpers/chromium.js';
import { ALICE_TOKEN, startConsoleGateway, type ConsoleGateway } from './console-gateway.js';

// The Compose and Sources pages in a real Chromium: a composite drafted from a business
// request, and a source added from an uploaded OpenAPI document, both through the admin API.
describe.skipIf(SKIP_WITHOUT_BROWSER)('the console: compose and sources, in Chromium', () => {
  let gw: ConsoleGateway;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    buildConsole();
    gw = await startConsoleGateway();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${gw.origin}/console`);
    await page.getByLabel('Admin token').fill(ALICE_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-composite="hotelOrder"]').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('drafts salary from a business request, draws it, and saves it as a draft version', async () => {
    await page.getByRole('link', { name: 'Compose' }).click();
    await page.getByRole('heading', { name: 'Compose' }).waitFor();
    await page.getByLabel('Composite name').fill('salary');
    await page.getByLabel('Input 1 name').fill('employeeId');
    const steps = [
      ['grossSalary', 'monthly gross salary of an employee'],
      ['socialInsurance', 'social insurance due on a gross salary'],
      ['netSalary', 'net salary after social insurance'],
    ];
    for (const [i, [name, need]] of steps.entries()) {
      if (i > 0) await page.getByRole('button', { name: 'Add step' }).click();
      await page.getByLabel(`Step ${i + 1} name`).fill(name);
      await page.getByLabel(`Step ${i + 1} need`).fill(need);
    }
    // The candidates for each need, found as it was typed (admin find).
    await eventually(() => page.getByRole('list', { name: 'Candidates for step 1' }).innerText()).toContain('Query.getGrossSalary');
    await eventually(() => page.getByRole('list', { name: 'Candidates for step 3' }).innerText()).toContain('Query.getNetSalary');

    for (const [i, [step, on]] of [['socialInsurance', 'grossSalary'], ['netSalary', 'grossSalary, socialInsurance']].entries()) {
      await page.getByRole('button', { name: 'Add dependency' }).click();
      await page.getByLabel(`Dependency ${i + 1} step`).fill(step);
      await page.getByLabel(`Dependency ${i + 1} data of`).fill(on);
    }
    await page.getByRole('button', { name: 'Draft', exact: true }).click();
    await page.getByRole('heading', { name: 'Draft of salary' }).waitFor();
    await page.locator('.draft .flow-picture .flow-step').first().waitFor();

    const boxes = await page.locator('.draft .flow-step').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-step')));
    expect(boxes.sort()).toEqual(['grossSalary', 'netSalary', 'socialInsurance']);
    const edges = await page.locator('.draft .flow-edge').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-from')}→${n.getAttribute('data-to')}`));
    expect(edges.sort()).toEqual(['grossSalary→netSalary', 'grossSalary→socialInsurance', 'socialInsurance→netSalary']);
    const document = await page.getByLabel('Document of salary').innerText();
    expect(document).toContain('getGrossSalary(');
    expect(document).toContain('@export(as:');
    await browser.screenshot(page, 'compose-salary');

    const before = (await gw.admin('{ composite(name: "salary") { version } }')).composite.version;
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await eventually(() => page.getByRole('status').first().innerText()).toContain(`Saved salary v${before + 1}`);
    const { composite } = await gw.admin('{ composite(name: "salary") { version liveVersion document versions { version note createdBy } } }');
    expect(composite.version).toBe(before + 1);
    expect(composite.liveVersion).toBe(before); // saved, not served until published
    expect(composite.document).toBe(document);
    expect(composite.versions.find((v: { version: number }) => v.version === before + 1)).toMatchObject({ note: 'drafted in the console', createdBy: 'alice' });
  });

  it('says what is wrong with a request that cannot be drafted', async () => {
    await page.getByRole('button', { name: 'Add dependency' }).click();
    await page.getByLabel('Dependency 3 step').fill('grossSalary');
    await page.getByLabel('Dependency 3 data of').fill('netSalary'); // a cycle
    await page.getByRole('button', { name: 'Draft', exact: true }).click();
    await eventually(() => page.getByRole('alert').innerText()).toContain('grossSalary → netSalary → grossSalary');
    await browser.screenshot(page, 'compose-cycle-refused');
  });

  it("shows each source's kind, URL, operations, breaker and counters, and adds one from an OpenAPI upload", async () => {
    // Some traffic first, so the counters have something to show.
    expect((await fetch(`${gw.origin}/api/hotelOrder?orderId=1`)).status).toBe(200);
    await page.getByRole('link', { name: 'Sources' }).click();
    const orders = page.locator('tr[data-source="orders"]');
    await orders.waitFor();
    const cells = await orders.locator('td').allInnerTexts();
    expect(cells[0]).toMatch(/^REST/);
    expect(cells[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(cells[3]).toBe('closed');
    expect(Number(cells[4])).toBeGreaterThanOrEqual(1);
    await eventually(() => page.locator('tr[data-source="rooms"] td').first().innerText()).toMatch(/^SOAP/);

    const openapi = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'Weather', version: '1' },
      servers: [{ url: 'http://127.0.0.1:9/weather' }],
      paths: {
        '/forecast/{city}': {
          get: {
            operationId: 'getForecast',
            summary: 'The weather forecast of a city',
            parameters: [{ name: 'city', in: 'path', required: true, schema: { type: 'string' } }],
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { summary: { type: 'string' } } } } } } },
          },
        },
      },
    });
    await page.getByLabel('Source name').fill('weather');
    await page.getByLabel('OpenAPI or WSDL document').setInputFiles({ name: 'weather.json', mimeType: 'application/json', buffer: Buffer.from(openapi) });
    await page.getByRole('button', { name: 'Add source' }).click();
    await eventually(() => page.locator('.add-source + .notice-area').innerText()).toContain('Registered weather v1 (REST) from weather.json');
    await page.locator('tr[data-source="weather"]').waitFor();
    expect((await gw.admin('{ source(name: "weather") { origin operations updatedBy } }')).source).toMatchObject({ origin: 'OPENAPI', updatedBy: 'alice' });

    // A document that is neither is refused with the API's reason.
    await page.getByLabel('Source name').fill('broken');
    await page.getByLabel('OpenAPI or WSDL document').setInputFiles({ name: 'broken.yaml', mimeType: 'text/yaml', buffer: Buffer.from('just: [text') });
    await page.getByRole('button', { name: 'Add source' }).click();
    await eventually(() => page.getByRole('alert').innerText()).toContain('broken.yaml was not registered');
    expect((await gw.admin('{ source(name: "broken") { name } }')).source).toBeNull();
    await browser.screenshot(page, 'sources');
  });

  it('opens without a token on a --dev gateway, whose admin API takes none', async () => {
    const dev = await startConsoleGateway({ dev: true });
    const open = await browser.newPage();
    try {
      await open.goto(`${dev.origin}/console`);
      await open.locator('tr[data-composite="hotelOrder"]').waitFor();
      expect(await open.getByText('Signed in as').innerText()).toContain('dev');
      expect(await open.getByLabel('Admin token').count()).toBe(0);
      // Each page at a 390-px phone's width: nothing wider than the screen (tables scroll in their own region).
      await open.setViewportSize({ width: 390, height: 844 });
      for (const [hash, ready] of [
        ['#/compose', 'Add step'],
        ['#/sources', 'Add source'],
      ]) {
        await open.goto(`${dev.origin}/console${hash}`);
        await open.getByRole('button', { name: ready }).waitFor();
        expect(await open.evaluate(() => document.documentElement.scrollWidth), hash).toBeLessThanOrEqual(390);
        await browser.screenshot(open, `phone-${hash.slice(2)}`);
      }
      await open.goto(`${dev.origin}/console#/explorer`);
      await open.locator('.graphiql-query-editor .CodeMirror').first().waitFor();
      expect(await open.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await browser.screenshot(open, 'phone-explorer');
    } finally {
      await open.close();
      await dev.close();
    }
  });
});
