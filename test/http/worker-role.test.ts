// A process started with --role worker listens for probes only: /healthz and /readyz answer, every
// API and webhook route — with a token or without, known or not — is a 404 saying where to go.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { closeAll } from '../support/cleanup.js';

let h: Harness | undefined;
before(async () => {
  h = await startHarness({ config: { role: 'worker' } });
});
after(() => closeAll(() => h?.close()));

test('a worker-role process answers /healthz and /readyz', async () => {
  assert.deepEqual((await h!.request('GET', '/healthz', { token: null })).json(), { status: 'ok' });
  const ready = await h!.request('GET', '/readyz', { token: null });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready' });
});

test('a worker-role process answers every other route 404, saying it runs the worker role', async () => {
  const cases: [string, string, string | null][] = [
    ['GET', '/api/connections', h!.alice.token],
    ['GET', '/api/connections', null],
    ['POST', '/api/tokens', h!.alice.token],
    ['POST', '/webhooks/stripe/conn_0123456789abcdef01234567', null],
    ['GET', '/openapi.json', null],
    ['GET', '/nothing/here', null],
  ];
  const before = await h!.countRows();
  for (const [method, url, token] of cases) {
    const res = await h!.request(method, url, { token, ...(method === 'POST' ? { body: {} } : {}) });
    assert.equal(res.statusCode, 404, `${method} ${url}`);
    const { error } = res.json();
    assert.equal(error.code, 'not_found');
    assert.match(error.message, /runs the worker role/);
    assert.match(error.message, /--role api or --role all/);
  }
  assert.deepEqual(await h!.countRows(), before, 'nothing was written');
});
