import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { closeAll } from '../support/cleanup.js';

describe('the error contract', () => {
  let stripe: StripeStandIn;
  let h: Harness;
  before(async () => {
    stripe = await startStripeStandIn();
    h = await startHarness({ config: { stripeApiBase: stripe.url }, services: { actions: testActions }, app: { bodyLimitBytes: 64 * 1024 } });
  });
  after(() => closeAll(() => h?.close(), () => stripe?.stop()));

  test('GET /healthz answers ok without a token', async () => {
    const res = await h.request('GET', '/healthz', { token: null });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  test('an /api route without a token, with a malformed header or with an unknown token is a 401', async () => {
    const cases: Record<string, string>[] = [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer' }, { authorization: 'Bearer sct_unknown' }];
    for (const headers of cases) {
      const res = await h.request('GET', '/api/connections', { token: null, headers });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.equal(res.json().error.code, 'unauthorized');
      assert.equal(res.headers['www-authenticate'], 'Bearer');
    }
  });

  test('an unknown route is a JSON 404', async () => {
    for (const url of ['/nothing', '/api/nothing']) {
      const res = await h.request('GET', url);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'not_found');
    }
  });

  test('a path that exists with other methods is a 405 in the error shape, with Allow naming them', async () => {
    const connection = await h.request('POST', '/api/connections', { body: { name: 'methods', apiKey: 'sk_test_methodsKey0000001' } });
    assert.equal(connection.statusCode, 201, connection.body);
    const id = connection.json().id as string;
    const cases: [string, string, string][] = [
      ['GET', `/api/connections/${id}/actions/standInCreateCustomer`, 'POST'],
      ['PUT', '/api/runs?limit=5', 'GET, HEAD'],
      ['POST', `/api/connections/${id}`, 'DELETE, GET, HEAD'],
      ['DELETE', '/api/operations', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await h.request(method, url);
      assert.equal(res.statusCode, 405, `${method} ${url}`);
      assert.equal(res.headers.allow, allow, `${method} ${url}`);
      assert.equal(res.json().error.code, 'method_not_allowed');
      assert.match(res.json().error.message, new RegExp(`^${method} is not allowed on /api/.*; it takes ${allow}$`));
    }
  });

  test('without a token, a path that exists with other methods is a 401 like any other', async () => {
    const res = await h.request('GET', '/api/connections/conn_x/actions/standInCreateCustomer', { token: null });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers.allow, undefined);
  });

  test('malformed JSON is a 400 that does not echo the body', async () => {
    const res = await h.request('POST', '/api/connections', { body: '{"apiKey":"sk_test_abcdefgh12345678",' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'invalid_input');
    assert.ok(!res.body.includes('sk_test_abcdefgh'));
  });

  test('a body over the limit is a 413 stating the limit, and nothing is stored', async () => {
    const rowsBefore = await h.countRows();
    const res = await h.request('POST', '/api/connections', { body: { name: 'x'.repeat(70 * 1024), apiKey: 'sk_test_abcdefgh1234' } });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error.code, 'payload_too_large');
    assert.match(res.json().error.message, /65536 bytes/);
    assert.deepEqual(await h.countRows(), rowsBefore);
  });

  test('JSON is accepted whatever the Content-Type says, as curl -d sends form encoding', async () => {
    const res = await h.request('POST', '/api/connections', {
      body: JSON.stringify({ name: 'form', apiKey: 'sk_test_contentTypeKey000001' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.statusCode, 201);
  });
});
