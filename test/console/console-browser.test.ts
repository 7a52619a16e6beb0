// The console in a real browser against a real server (serve's own composition: the poll
// scheduler, the delivery worker), the Stripe emulator and a local receiver: a user signs in from
// the demo's #token= link, adds a connection, runs an action and opens its run, subscribes the
// receiver, sees deliveries appear live, makes the receiver fail, retries one delivery and
// bulk-retries the rest; another user sees none of it. Every step fails on a console error, a CSP
// violation, a failed request or an unexpected error answer (browser.ts), and each screen is
// photographed (docs/console/*.png with UPDATE_SCREENSHOTS=1). Deliveries' retries are an hour
// apart here (DELIVERY_FIRST_RETRY_SECONDS), so only the console's retries send them again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import type { Browser, Page } from 'playwright-core';
import { startServeWorld, type ServeWorld } from '../trigger-sources/serve-world.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { closeAll } from '../support/cleanup.js';
import { eventually } from '../support/eventually.js';
import { browserMissing, field, launchBrowser, screenshot, scrollsSideways, watchedPage, type WatchedPage } from './browser.js';

const missing = browserMissing();
if (missing) console.log(`# console browser tests skipped: ${missing}`);

const STEP_MS = 20_000;

describe('the web console in a browser', { skip: missing }, () => {
  let world: ServeWorld;
  let browser: Browser;
  let carol: WatchedPage;
  let carolToken: string;
  let bobToken: string;
  let apiKey: string;
  let stripe: Stripe;
  const page = (): Page => carol.page;

  before(async () => {
    world = await startServeWorld({ DELIVERY_FIRST_RETRY_SECONDS: '3600' });
    carolToken = (await createUserWithToken(world.server.services.db, { name: 'carol' })).token;
    bobToken = (await createUserWithToken(world.server.services.db, { name: 'bob' })).token;
    apiKey = `sk_test_console${String(process.pid).padStart(7, '0')}`;
    stripe = new Stripe(apiKey, { host: '127.0.0.1', port: world.emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
    browser = await launchBrowser();
    carol = await watchedPage(browser, 1440);
  });
  after(() => closeAll(() => browser?.close(), () => world?.close()));

  // Each step reports its own problems: they are taken off the list as they are checked.
  const noProblems = (who: WatchedPage = carol) => {
    const found = who.problems.splice(0);
    assert.deepEqual(found, [], found.join('\n'));
  };
  const open = (screen: string) => page().getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen }).click();

  test('the #token= link signs in and leaves the address bar at once; the overview loads', async () => {
    await page().goto(`${world.server.url}/#token=${carolToken}`);
    await page().getByRole('heading', { name: 'Overview' }).waitFor({ timeout: STEP_MS });
    assert.equal(new URL(page().url()).hash, '#/');
    assert.doesNotMatch(page().url(), /token/);
    assert.equal(await page().evaluate<string | null>("sessionStorage.getItem('stripe-connector.token')"), carolToken);
    // A reload keeps the session (the tab's sessionStorage).
    await page().reload();
    await page().getByRole('heading', { name: 'Overview' }).waitFor({ timeout: STEP_MS });
    noProblems();
  });

  test('adding a connection shows a refused key beside its field, then adds a good one', async () => {
    await open('Connections');
    await field(page(), 'Name').fill('shop');
    const key = field(page(), 'Stripe secret or restricted key');
    assert.equal(await key.getAttribute('type'), 'password', 'the key is masked');
    await key.fill('pk_test_publishable000000000000');
    carol.expect(400, '/api/connections');
    await page().getByRole('button', { name: 'Add connection' }).click();
    await page().locator('.field.invalid small.problem', { hasText: 'apiKey' }).waitFor({ timeout: STEP_MS });
    await key.fill(apiKey);
    await page().getByRole('button', { name: 'Add connection' }).click();
    await page().getByRole('cell', { name: 'shop', exact: true }).waitFor({ timeout: STEP_MS });
    await page().getByText('sk_test_…').first().waitFor();
    await screenshot(page(), 'connections');
    noProblems();
  });

  test('an action runs from its generated form, and its run shows the stored input and output', async () => {
    await open('Actions');
    await field(page(), 'Action').selectOption('createProduct');
    await field(page(), 'name').fill('Console T-shirt');
    await page().getByRole('button', { name: 'Add an image URL' }).click();
    await field(page(), 'images 1').fill('https://example.com/a.png');
    await field(page(), 'images 2').fill('https://example.com/b.png');
    const key = await field(page(), 'Idempotency-Key').inputValue();
    assert.match(key, /^[0-9a-f-]{36}$/, 'a fresh random key is filled in');
    await page().getByRole('button', { name: 'Run createProduct' }).click();
    await page().getByText('"Console T-shirt"').first().waitFor({ timeout: STEP_MS });
    await screenshot(page(), 'actions');
    assert.notEqual(await field(page(), 'Idempotency-Key').inputValue(), key, 'the next run gets a new key');
    await page().getByRole('link', { name: /^Run run_/ }).click();
    await page().getByTestId('run-input').waitFor({ timeout: STEP_MS });
    assert.match(await page().getByTestId('run-input').innerText(), /example\.com\/b\.png/);
    assert.match(await page().getByTestId('run-output').innerText(), /prod_/);
    await screenshot(page(), 'run');
    noProblems();
  });

  test('a subscription is created with its secret shown once, and deliveries appear live', async () => {
    await open('Subscriptions');
    await field(page(), 'Trigger').selectOption('chargeAdded');
    await field(page(), 'URL').fill(world.subscriber.url);
    await field(page(), 'Poll interval (s)').fill('1');
    await page().getByRole('button', { name: 'Subscribe' }).click();
    const secret = await page().getByTestId('secret').innerText({ timeout: STEP_MS });
    assert.match(secret, /^whsec_/);
    world.subscriber.addSecret(secret);
    await page().getByRole('button', { name: 'I have kept it' }).click();
    assert.equal(await page().getByTestId('secret').count(), 0, 'the secret is not shown again');

    await open('Deliveries');
    await page().getByText('● live').waitFor({ timeout: STEP_MS });
    await page().evaluate('window.notReloaded = true');
    await stripe.charges.create({ amount: 2000, currency: 'usd', source: 'tok_visa' });
    await page().locator('[data-testid=deliveries] tr[data-status=delivered]').first().waitFor({ timeout: STEP_MS });
    assert.equal(await page().evaluate<boolean | undefined>('window.notReloaded'), true, 'it appeared without a reload');
    noProblems();
  });

  test('a failing receiver: its attempts are shown, one is retried, then the rest in bulk after a count', async () => {
    world.subscriber.failNext(3, 500);
    for (let i = 0; i < 3; i++) await stripe.charges.create({ amount: 1000 + i, currency: 'usd', source: 'tok_visa' });
    const pendingRows = page().locator('[data-testid=deliveries] tr[data-status=pending]');
    await eventually(() => pendingRows.count(), (n) => n === 3, STEP_MS);
    await eventually(() => page().locator('[data-testid=deliveries] tr[data-status=pending]', { hasText: '500' }).count(), (n) => n === 3, STEP_MS);

    await pendingRows.first().getByRole('link').click();
    await page().getByTestId('attempts').waitFor({ timeout: STEP_MS });
    assert.match(await page().getByTestId('attempts').innerText(), /500/);
    assert.notEqual(await page().getByTestId('next-attempt').innerText(), 'none due', 'when the next attempt is due');
    await screenshot(page(), 'delivery');
    await page().getByRole('button', { name: 'Retry now' }).click();
    await page().locator('.badge.delivered').waitFor({ timeout: STEP_MS });

    await page().goto(`${world.server.url}/#/deliveries?status=pending`);
    await page().getByRole('button', { name: 'Retry all matching…' }).click();
    await page().getByText('2 deliveries match these filters').waitFor({ timeout: STEP_MS });
    await page().getByRole('button', { name: 'Retry all 2 matching' }).click();
    await page().getByTestId('bulk-progress').getByText('2 of 2 retried — done').waitFor({ timeout: STEP_MS });
    // The rows on screen turn delivered as the stream reports their new attempts, without a reload.
    await eventually(() => page().locator('[data-testid=deliveries] tr[data-status=delivered]').count(), (n) => n === 2, STEP_MS);
    await screenshot(page(), 'deliveries');
    await eventually(() => world.subscriber.waitFor(4, STEP_MS).then((d) => d.length), (n) => n >= 4, STEP_MS);
    noProblems();
  });

  test('the runs and the overview show what happened', async () => {
    await page().goto(`${world.server.url}/#/runs`);
    await page().locator('[data-testid=runs] tr').first().waitFor({ timeout: STEP_MS });
    await screenshot(page(), 'runs');
    await page().goto(`${world.server.url}/#/overview`);
    await page().getByRole('cell', { name: 'shop', exact: true }).waitFor({ timeout: STEP_MS });
    // The deliveries made above, within the hour (the current minute included), are in the chart.
    await page().locator('.chart svg').waitFor({ timeout: STEP_MS });
    const caption = await page().locator('.chart figcaption').innerText();
    assert.match(caption, /delivered.*failed.*pending/s);
    assert.ok(Number(/(\d+) delivered/.exec(caption)?.[1]) >= 1, caption);
    assert.equal(await page().getByTestId('oldest-pending').innerText(), 'none pending');
    await screenshot(page(), 'overview');
    noProblems();
  });

  test('every screen fits 390 px and 1440 px without scrolling sideways, and keyboard focus is visible', async () => {
    for (const width of [390, 1440]) {
      await page().setViewportSize({ width, height: 900 });
      for (const screen of ['overview', 'connections', 'actions', 'subscriptions', 'deliveries', 'runs']) {
        await page().goto(`${world.server.url}/#/${screen}`);
        await page().getByRole('heading', { level: 1 }).first().waitFor({ timeout: STEP_MS });
        await page().waitForLoadState('networkidle').catch(() => undefined);
        assert.equal(await scrollsSideways(page()), false, `${screen} at ${width} px scrolls sideways`);
      }
    }
    await page().setViewportSize({ width: 390, height: 900 });
    await page().goto(`${world.server.url}/#/subscriptions`);
    await screenshot(page(), 'subscriptions-390');
    await page().setViewportSize({ width: 1440, height: 900 });
    await page().reload();
    await page().getByRole('heading', { level: 1 }).first().waitFor({ timeout: STEP_MS });
    await page().keyboard.press('Tab'); // the skip link
    await page().keyboard.press('Tab'); // the first screen link
    const outline = await page().evaluate<{ tag: string; style: string; width: string }>(
      '({ tag: document.activeElement.tagName, style: getComputedStyle(document.activeElement).outlineStyle, width: getComputedStyle(document.activeElement).outlineWidth })',
    );
    assert.equal(outline.tag, 'A');
    assert.notEqual(outline.style, 'none');
    assert.notEqual(outline.width, '0px');
    noProblems();
  });

  test("another user signs in and sees none of carol's connections, deliveries or runs", async () => {
    const bob = await watchedPage(browser, 1440);
    try {
      await bob.page.goto(`${world.server.url}/`);
      await field(bob.page, 'API token').fill('sct_not_a_real_token_at_all_000000000');
      bob.expect(401, '/api/tokens');
      await bob.page.getByRole('button', { name: 'Sign in' }).click();
      await bob.page.getByRole('alert').waitFor({ timeout: STEP_MS });
      await screenshot(bob.page, 'sign-in');
      await field(bob.page, 'API token').fill(bobToken);
      await bob.page.getByRole('button', { name: 'Sign in' }).click();
      await bob.page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: STEP_MS });
      for (const [screen, empty] of [['connections', 'No connections yet'], ['deliveries', 'No deliveries match'], ['runs', 'No runs match']] as const) {
        await bob.page.goto(`${world.server.url}/#/${screen}`);
        await bob.page.getByText(empty).waitFor({ timeout: STEP_MS });
      }
      assert.equal(await bob.page.getByText('shop').count(), 0);
      await bob.page.getByRole('button', { name: 'Sign out' }).click();
      await field(bob.page, 'API token').waitFor({ timeout: STEP_MS });
      assert.equal(await bob.page.evaluate<string | null>("sessionStorage.getItem('stripe-connector.token')"), null, 'signing out forgets the token');
      noProblems(bob);
    } finally {
      await bob.context.close();
    }
  });
});
