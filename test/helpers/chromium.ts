import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Debian's Chromium, driven by playwright-core (which downloads no browser of its own);
 * SKEIN_TEST_CHROMIUM points at another binary. .ci/run installs it when it is missing.
 */
export const CHROMIUM = process.env.SKEIN_TEST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Browser tests skip on a machine without the browser, and say so; in CI (CI=true) they
 * never skip: a missing browser fails them.
 */
export const SKIP_WITHOUT_BROWSER = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (SKIP_WITHOUT_BROWSER) {
  console.warn(`skein: browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set SKEIN_TEST_CHROMIUM)`);
}

/** Where browser tests save their screenshots, for review (git-ignored). */
export const SCREENSHOTS = path.resolve(process.env.SKEIN_TEST_SCREENSHOTS ?? 'test-results/console');

/**
 * GraphiQL and the console are large scripts: on a busy 2-core machine a page can take a
 * long while to come up. Waits are for states, generously bounded; nothing asserts on time.
 */
export const PAGE_TIMEOUT_MS = 120_000;

export interface TestBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** One headless Chromium per test file, with a fresh profile (no saved tabs, tokens or cache). */
export async function launchChromium(options: { width?: number; height?: number } = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set SKEIN_TEST_CHROMIUM)`);
  const userData = mkdtempSync(path.join(tmpdir(), 'skein-chromium-'));
  const downloads = mkdtempSync(path.join(tmpdir(), 'skein-downloads-'));
  const context = await chromium.launchPersistentContext(userData, {
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
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    acceptDownloads: true,
    downloadsPath: downloads,
    timeout: PAGE_TIMEOUT_MS,
  });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      rmSync(userData, { recursive: true, force: true });
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}


/**
 * `expect.poll` with the browser's patience: a value the page shows once the gateway has
 * answered (a registry change rebuilds the graph first), polled until it holds.
 */
export function eventually<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: PAGE_TIMEOUT_MS, interval: 100 });
}
