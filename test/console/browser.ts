// A real Chromium (Debian's, at /usr/bin/chromium or CHROMIUM_PATH; playwright-core never downloads
// one) on a console page that fails the test on anything a user would see go wrong: a console
// error, an uncaught exception, a CSP violation, a failed request, or an answer ≥ 400 that the test
// did not say it expected.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../support/built-cli.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: Chromium's sandbox refuses to start as root, which CI containers often are.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Everything that went wrong so far, as lines. */
  problems: string[];
  /** Answers with this status to a URL containing `urlPart` are expected (once each call). */
  expect(status: number, urlPart: string): void;
}

export async function watchedPage(browser: Browser, width: number, height = 900): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems: string[] = [];
  const expected: { status: number; urlPart: string }[] = [];
  // CSP violations are reported as console errors too; the event also catches one that is not.
  // (Page code as strings: the tests' tsconfig has Node's types, not the DOM's.)
  await page.addInitScript("document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))");
  page.on('console', (message) => {
    // Chromium logs every answer ≥ 400 as "Failed to load resource"; the response check below
    // judges those, expected or not.
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of \d+/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    // The console aborts the requests of a screen it leaves (the live stream among them), on purpose.
    if (reason === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const at = expected.findIndex((e) => e.status === response.status() && response.url().includes(e.urlPart));
    if (at >= 0) expected.splice(at, 1);
    else problems.push(`unexpected ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return { page, context, problems, expect: (status, urlPart) => expected.push({ status, urlPart }) };
}

const screenshotDir = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/console') : mkdtempSync(join(tmpdir(), 'sc-console-shots-'));

/** docs/console/NAME.png with UPDATE_SCREENSHOTS=1, else a temporary folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** The control labelled `label` (a required one's label ends in " *"). */
export function field(page: Page, label: string) {
  return page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`));
}

/** Whether the page scrolls sideways at its current width (a layout too wide for the screen). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1');
}
