// Property: whatever malformed body, header or id arrives at any route, the answer is a 4xx JSON
// error in the documented shape — never a 500 — and nothing is stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { closeAll } from '../support/cleanup.js';

const INPUT_FIELDS = new Set(['email', 'description', 'note', 'count']);

// Any JSON but an object whose keys are all known input fields: such a body could be valid input.
function couldBeValidInput(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((k) => INPUT_FIELDS.has(k));
}
const invalidActionBody = fc.jsonValue().filter((v) => !couldBeValidInput(v));
const rawBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.constantFrom('{', '{"a":', '[1,', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'),
);
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '');
const garbageAuth = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 80 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  fc.string({ maxLength: 80 }).filter((s) => /^[\x21-\x7e]+$/.test(s)).map((s) => `Bearer ${s}`),
  fc.constant('Bearer sct_'.padEnd(600, 'x')),
);
const randomId = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('..', '%', 'conn_', 'a/b', ' ', 'null')).map((s) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as raw bytes
  }
});

describe('random and malformed requests at every route', () => {
  let stripe: StripeStandIn;
  let h: Harness;
  let connectionId: string;
  before(async () => {
    stripe = await startStripeStandIn();
    h = await startHarness({ config: { stripeApiBase: stripe.url, actionRateLimit: 1_000_000 }, services: { actions: testActions } });
    connectionId = (await h.request('POST', '/api/connections', { body: { name: 'fuzz', apiKey: 'sk_test_fuzzKey0000000000001' } })).json().id;
  });
  after(() => closeAll(() => h?.close(), () => stripe?.stop()));

  async function expectClientError(method: string, url: string, headers: Record<string, string | undefined>, payload?: string): Promise<void> {
    const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const res = await h.app.inject({ method: method as 'GET', url, headers: clean, ...(payload === undefined ? {} : { payload }) });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} ${url} → ${res.statusCode} ${res.body}`);
    const body = res.json();
    assert.equal(typeof body.error.code, 'string');
    assert.equal(typeof body.error.message, 'string');
    assert.ok(!/\n\s+at /.test(res.body), 'no stack trace');
  }

  test('every route answers 4xx JSON and stores nothing', async () => {
    const rowsBefore = await h.countRows();
    const stripeCallsBefore = stripe.seen.length;
    const token = (who: 'alice' | 'bob') => `Bearer ${h[who].token}`;
    const anyAuth = fc.oneof(garbageAuth, fc.constant(token('alice')), fc.constant(token('bob')));

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Listing routes: only the token can be wrong.
          fc.record({ kind: fc.constant('list'), url: fc.constantFrom('/api/connections', '/api/operations'), auth: garbageAuth }),
          // Run history with an unknown query field or a bad status.
          fc.record({
            kind: fc.constant('runs'),
            auth: anyAuth,
            query: fc.oneof(
              fc.string({ minLength: 1, maxLength: 10 }).filter((k) => /^[a-z]+$/.test(k) && !['connection', 'operation', 'status', 'limit'].includes(k)).map((k) => `${k}=1`),
              fc.string({ maxLength: 10 }).filter((s) => s !== 'succeeded' && s !== 'failed').map((s) => `status=${encodeURIComponent(s)}`),
              fc.constantFrom('limit=0', 'limit=-1', 'limit=1001', 'limit=abc', 'status=failed&status=failed'),
            ),
          }),
          fc.record({ kind: fc.constant('create'), auth: anyAuth, body: fc.oneof(rawBody, fc.jsonValue().map((v) => JSON.stringify(v))), type: contentType }),
          fc.record({ kind: fc.constant('one'), method: fc.constantFrom('GET', 'DELETE'), auth: anyAuth, id: randomId }),
          fc.record({ kind: fc.constant('others'), method: fc.constantFrom('GET', 'DELETE'), auth: fc.constant(token('bob')) }),
          fc.record({ kind: fc.constant('action'), auth: anyAuth, body: invalidActionBody.map((v) => JSON.stringify(v)), type: contentType, key: fc.option(fc.string({ maxLength: 300 }).filter((s) => /^[\x21-\x7e]*$/.test(s))) }),
          fc.record({ kind: fc.constant('actionRaw'), auth: anyAuth, body: rawBody.filter((b) => {
              if (b.trim() === '') return false; // no body at all reads as {}
              try {
                return !couldBeValidInput(JSON.parse(b));
              } catch {
                return true;
              }
            }), type: contentType }),
          fc.record({ kind: fc.constant('actionIds'), auth: anyAuth, id: randomId, op: fc.oneof(randomId, fc.constant('standInCreateCustomer')) }),
          fc.record({ kind: fc.constant('path'), method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), auth: anyAuth, path: fc.array(randomId, { minLength: 1, maxLength: 4 }) }),
        ),
        async (c) => {
          const auth = { authorization: c.auth };
          switch (c.kind) {
            case 'list':
              return expectClientError('GET', c.url, auth);
            case 'runs':
              return expectClientError('GET', `/api/runs?${c.query}`, auth);
            case 'create':
              return expectClientError('POST', '/api/connections', { ...auth, 'content-type': c.type }, c.body);
            case 'one':
              return expectClientError(c.method, `/api/connections/${c.id}`, auth);
            case 'others':
              return expectClientError(c.method, `/api/connections/${connectionId}`, auth);
            case 'action':
              return expectClientError('POST', `/api/connections/${connectionId}/actions/standInCreateCustomer`, { ...auth, 'content-type': c.type, 'idempotency-key': c.key ?? undefined }, c.body);
            case 'actionRaw':
              return expectClientError('POST', `/api/connections/${connectionId}/actions/standInCreateCustomer`, { ...auth, 'content-type': c.type }, c.body);
            case 'actionIds':
              return expectClientError('POST', `/api/connections/${c.id}/actions/${c.op}`, auth, '{}');
            case 'path': {
              const url = `/api/${c.path.join('/')}`;
              // A random path can spell a real route; those are covered above.
              if (/^\/api\/(connections|operations|runs)(\/|$)/.test(url)) return;
              return expectClientError(c.method, url, auth, c.method === 'GET' ? undefined : '{}');
            }
          }
        },
      ),
      { numRuns: 400, seed: 20261126 },
    );
    assert.deepEqual(await h.countRows(), rowsBefore);
    assert.equal(stripe.seen.length, stripeCallsBefore, 'no invalid call reached Stripe');
  });

  test('malformed URLs are 4xx JSON too', async () => {
    for (const url of ['/api/connections/%E0%A4%A', '/api/connections/%', `/api/connections/${'x'.repeat(300)}`, '/api/runs?status=%ZZ']) {
      await expectClientError('GET', url, { authorization: `Bearer ${h.alice.token}` });
    }
  });
});
