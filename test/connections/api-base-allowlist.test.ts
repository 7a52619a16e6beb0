// A connection's apiBase over the HTTP API: only Stripe's origin, STRIPE_API_BASE and the origins
// in STRIPE_API_BASE_ALLOWLIST. Anything else is refused from its text alone, before a connection
// is opened, with one answer whatever listens there — so the key check cannot be used to scan ports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { closeAll } from '../support/cleanup.js';

const KEY = 'sk_test_51HallowlistKeyOfAlice0042';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('where a connection may send its key', () => {
  let stripe: StripeStandIn;
  let emulator: RunningEmulator;
  let emulatorRequests = 0;
  let webPage: Server;
  let webPageConnections = 0;
  let webPagePort: number;
  let closedPort: number;
  let h: Harness;

  before(async () => {
    stripe = await startStripeStandIn();
    emulator = await startEmulator({ port: 0 });
    emulator.state.addInterceptor(() => {
      emulatorRequests += 1;
      return undefined;
    });
    webPage = createServer((_req, res) => res.end('<html>hello</html>'));
    webPage.on('connection', () => (webPageConnections += 1));
    webPagePort = await listen(webPage);
    // A port that was free a moment ago: nothing listens there.
    const closing = createServer();
    closedPort = await listen(closing);
    await new Promise<void>((resolve) => closing.close(() => resolve()));
    h = await startHarness({ config: { stripeApiBase: stripe.url } });
  });

  after(() =>
    closeAll(
      () => h?.close(),
      () => webPage && new Promise<void>((resolve) => webPage.close(() => resolve())),
      () => emulator?.stop(),
      () => stripe?.stop(),
    ),
  );

  test('a closed port, a web page and a Stripe-like server not on the list get the same answer, and no request', async () => {
    const rowsBefore = await h.countRows();
    const answers = [];
    for (const apiBase of [`http://127.0.0.1:${closedPort}`, `http://127.0.0.1:${webPagePort}`, emulator.url]) {
      const res = await h.request('POST', '/api/connections', { body: { name: 'probe', apiKey: KEY, apiBase } });
      answers.push({ status: res.statusCode, body: res.body });
    }
    assert.equal(answers[0]!.status, 400);
    assert.deepEqual(answers[1], answers[0], 'a web page answers like a closed port');
    assert.deepEqual(answers[2], answers[0], 'a Stripe-like server answers like a closed port');
    const error = JSON.parse(answers[0]!.body).error;
    assert.equal(error.code, 'invalid_input');
    assert.deepEqual(error.details.map((d: { field: string }) => d.field), ['apiBase']);
    assert.match(error.message, /apiBase: is not an allowed Stripe API origin/);
    assert.match(error.message, /STRIPE_API_BASE_ALLOWLIST/);
    assert.equal(webPageConnections, 0, 'the web page was never connected to');
    assert.equal(emulatorRequests, 0, 'the emulator received no request');
    assert.deepEqual(await h.countRows(), rowsBefore, 'nothing stored');
  });

  test('https to a host not on the list is refused the same way, without a look-up or a connection', async () => {
    const res = await h.request('POST', '/api/connections', { body: { name: 'elsewhere', apiKey: KEY, apiBase: 'https://stripe.attacker.invalid' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.details[0].field, 'apiBase');
    assert.doesNotMatch(res.body, /attacker/, 'the refused value is not repeated');
  });

  test('the server\'s own STRIPE_API_BASE is allowed, named or not', async () => {
    const named = await h.request('POST', '/api/connections', { body: { name: 'named', apiKey: KEY, apiBase: `${stripe.url}/` } });
    assert.equal(named.statusCode, 201, named.body);
    assert.equal(named.json().apiBase, stripe.url);
  });

  test('an origin listed in STRIPE_API_BASE_ALLOWLIST is allowed, compared as a normalised origin', async () => {
    const listed = await startHarness({ config: { stripeApiBase: stripe.url, stripeApiBaseAllowlist: [emulator.url] } });
    try {
      const port = new URL(emulator.url).port;
      const res = await listed.request('POST', '/api/connections', { body: { name: 'emulated', apiKey: KEY, apiBase: `HTTP://127.0.0.1:${port}/` } });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().apiBase, emulator.url);
      assert.ok(emulatorRequests > 0, 'the key was checked with the listed emulator');
    } finally {
      await listed.close();
    }
  });
});
