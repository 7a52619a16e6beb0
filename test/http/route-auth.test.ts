// Authentication is decided on the route the router matched. Every route in /openapi.json is asked
// for without a token over a real socket (so no client normalises the URL), under the spellings an
// attacker tries first: percent-encoded letters and slashes, doubled slashes, dot segments, other
// case, a trailing slash, matrix parameters and query tricks. None may answer 2xx, and none may
// reach a handler: the store and the Stripe behind it see nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { PUBLIC_ROUTES } from '../../src/http/auth.js';
import { closeAll } from '../support/cleanup.js';

interface Answer {
  status: number;
  body: string;
}

function rawRequest(port: number, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The same path in the spellings that a prefix check on the raw URL, or a lax router, lets through. */
function spellingsOf(path: string): string[] {
  const [, first = '', ...rest] = path.split('/');
  const tail = rest.length > 0 ? `/${rest.join('/')}` : '';
  const encodeAll = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`).join('');
  return [
    path,
    `/%${first.charCodeAt(0).toString(16)}${first.slice(1)}${tail}`,
    `/${encodeAll(first)}${tail}`,
    `/${first}${tail.replace('/', '%2F')}`,
    `/${first}${tail.replaceAll('/', '%2f')}`,
    `/${path}`,
    `/${first}//${rest.join('/')}`,
    `/${first}/.${tail}`,
    `/${first}/%2E${tail}`,
    `/${first}/../${first}${tail}`,
    `/healthz/../${first}${tail}`,
    `/webhooks/stripe/x/../../..${path}`,
    `/${first.toUpperCase()}${tail}`,
    path.toUpperCase(),
    `${path}/`,
    `/${first};x${tail}`,
    `${path};x`,
    `${path}?`,
    `${path}?token=x&authorization=x`,
    `${path}%3F`,
    `${path}%23`,
    `${path}#x`,
    `${path}%00`,
    `${path}%20`,
  ];
}

describe('routes answer only with a token, whatever the spelling of their URL', () => {
  let h: Harness;
  let stripe: StripeStandIn;
  let port: number;
  let openApi: { paths: Record<string, Record<string, { security?: unknown[] }>> };
  let ids: Record<string, string>;

  before(async () => {
    stripe = await startStripeStandIn();
    h = await startHarness({ config: { stripeApiBase: stripe.url, port: 0, host: '127.0.0.1', callbackAllowPrivate: true }, services: { actions: testActions } });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    port = (h.app.server.address() as AddressInfo).port;
    // Real ids of alice's, so that a request that did reach a handler would find something to answer with.
    const connection = await h.request('POST', '/api/connections', { body: { name: 'real', apiKey: 'sk_test_routeAuthKey000000000001' } });
    assert.equal(connection.statusCode, 201, connection.body);
    ids = { id: connection.json().id, connectionId: connection.json().id, operation: testActions[0]!.name };
    openApi = JSON.parse((await rawRequest(port, 'GET', '/openapi.json')).body);
  });
  after(() => closeAll(() => h?.close(), () => stripe?.stop()));

  const isPublic = (operation: { security?: unknown[] }) => Array.isArray(operation.security) && operation.security.length === 0;

  test('the routes /openapi.json publishes without security are exactly the ones the server answers without a token', () => {
    const published = Object.entries(openApi.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => isPublic(operation))
        .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    assert.deepEqual(published.sort(), [...PUBLIC_ROUTES].sort());
  });

  test('no route but the public ones answers 2xx or reaches a handler without a token, under any spelling', async () => {
    const rowsBefore = await h.countRows();
    const stripeCallsBefore = stripe.seen.length;
    // A handler reached with an unknown id would answer 404, which is not among the answers allowed.
    const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => (path.startsWith('/api/connections') ? ids[name] : undefined) ?? 'sub_unknown');
    // Bodies that would do harm if a handler took them: a connection whose key check calls an address.
    const body = JSON.stringify({ name: 'attacker', apiKey: 'sk_test_attackerKey00000000000001', trigger: 'chargeAdded', url: 'http://127.0.0.1:9/x' });
    let asked = 0;
    for (const [template, methods] of Object.entries(openApi.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (isPublic(operation)) continue;
        for (const spelling of spellingsOf(fill(template))) {
          const answer = await rawRequest(port, method.toUpperCase(), spelling, method === 'get' || method === 'delete' ? undefined : body);
          asked++;
          assert.ok(answer.status < 200 || answer.status >= 300, `${method.toUpperCase()} ${spelling} answered ${answer.status} without a token: ${answer.body}`);
          // 401 from the auth hook, or 400 from the router for a URL it cannot decode: both come before any handler.
          assert.ok([400, 401].includes(answer.status), `${method.toUpperCase()} ${spelling} answered ${answer.status}: ${answer.body}`);
          const error = (JSON.parse(answer.body) as { error: { code: string } }).error;
          assert.equal(error.code, answer.status === 401 ? 'unauthorized' : 'invalid_input');
        }
      }
    }
    assert.ok(asked > 200, `asked ${asked} requests`);
    assert.deepEqual(await h.countRows(), rowsBefore, 'nothing was written');
    assert.equal(stripe.seen.length, stripeCallsBefore, 'no request reached Stripe');
  });

  test('the spelling from the report, GET /%61pi/connections, is a 401 and lists nothing', async () => {
    const answer = await rawRequest(port, 'GET', '/%61pi/connections');
    assert.equal(answer.status, 401);
    assert.doesNotMatch(answer.body, /"data"/);
  });

  test('HEAD, the automatic twin of every GET route, needs a token too', async () => {
    assert.equal((await rawRequest(port, 'HEAD', '/api/connections')).status, 401);
    assert.equal((await rawRequest(port, 'HEAD', '/%61pi/runs')).status, 401);
  });

  test('a URL that matches no route needs a token as well, so 404 and 401 do not tell routes apart', async () => {
    assert.equal((await rawRequest(port, 'GET', '/api/nothing-here')).status, 401);
    assert.equal((await rawRequest(port, 'GET', '/nothing-here')).status, 401);
  });

  test('the public routes still answer without a token', async () => {
    assert.equal((await rawRequest(port, 'GET', '/healthz')).status, 200);
    assert.equal((await rawRequest(port, 'GET', '/openapi.json')).status, 200);
    const webhook = await rawRequest(port, 'POST', `/webhooks/stripe/${ids.id}`, '{}');
    assert.notEqual(webhook.status, 401);
    assert.ok(webhook.status >= 400, 'an unsigned webhook is refused by its signature check');
  });
});
