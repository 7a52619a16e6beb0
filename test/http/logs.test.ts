import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { closeAll } from '../support/cleanup.js';

const KEY = 'sk_test_51HlogsMustNeverShowThisKey42';

describe('logs and responses keep secrets out', () => {
  let stripe: StripeStandIn;
  let h: Harness;
  let captured = '';
  before(async () => {
    stripe = await startStripeStandIn();
    // The production logger (src/log.ts), writing into memory at debug level.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        captured += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'debug', destination: sink });
    h = await startHarness({ config: { stripeApiBase: stripe.url }, services: { actions: testActions, logger } });
  });
  after(() => closeAll(() => h?.close(), () => stripe?.stop()));

  test('no API key, token or stack trace appears in any log line or response', async () => {
    const responses: string[] = [];
    const created = await h.request('POST', '/api/connections', { body: { name: 'logged', apiKey: KEY } });
    responses.push(created.body);
    const id = created.json().id;
    for (const [url, body] of [
      [`/api/connections/${id}/actions/standInCreateCustomer`, { email: 'a@example.com', description: `my key is ${KEY}` }],
      [`/api/connections/${id}/actions/failing`, { unexpected: true }],
      [`/api/connections/${id}/actions/failing`, {}],
      ['/api/connections', { name: 'pk', apiKey: KEY.replace('sk_', 'pk_') }],
      ['/api/connections', `{"name":"broken","apiKey":"${KEY}"`],
    ] as const) {
      responses.push((await h.request('POST', url, { body })).body);
    }
    responses.push((await h.request('GET', '/api/runs')).body);
    responses.push((await h.request('GET', '/api/connections', { token: null, headers: { authorization: `Bearer ${h.alice.token}x` } })).body);

    assert.ok(captured.split('\n').length > 10, 'requests were logged');
    assert.match(captured, /action failed/, 'the unexpected failure was logged');
    for (const text of [captured, ...responses]) {
      assert.ok(!text.includes(KEY.slice(8)), 'no API key (or its body without the prefix)');
      assert.ok(!text.includes('sk_test_leaky'), 'no key from an error message');
      assert.ok(!text.includes(h.alice.token), 'no token');
      assert.ok(!/\n\s+at |"stack"/.test(text), 'no stack trace');
    }
  });
});
