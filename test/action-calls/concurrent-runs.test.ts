// Twenty action calls at once through one connection (one shared Stripe client): each call's run
// records the request id of its own Stripe call, and every answered call is already in the run
// history when its answer arrives (the history is written by group commit, run-recorder.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../support/harness.js';
import { testActions } from '../support/test-actions.js';
import { closeAll } from '../support/cleanup.js';

// A Stripe at the network boundary whose request ids name the customer they created, answering
// in reverse order of arrival so the calls' responses interleave.
function startNamingStripe(): Promise<{ url: string; server: Server }> {
  let waiting: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (requestId: string, body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
        res.end(JSON.stringify(body));
      };
      if (req.url?.startsWith('/v1/balance')) return answer('req_balance', { object: 'balance', available: [], pending: [], livemode: false });
      const email = new URLSearchParams(Buffer.concat(chunks).toString()).get('email') ?? '';
      const n = /^c(\d+)@/.exec(email)?.[1] ?? 'x';
      waiting.push(() => answer(`req_for_${n}`, { id: `cus_${n}`, object: 'customer', email, created: 1_795_000_000 }));
      if (waiting.length === 20) {
        const all = waiting.reverse();
        waiting = [];
        for (const send of all) send();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

describe('concurrent action calls', () => {
  let stripe: { url: string; server: Server };
  let h: Harness;
  let connectionId: string;

  before(async () => {
    stripe = await startNamingStripe();
    h = await startHarness({ config: { stripeApiBase: stripe.url }, services: { actions: testActions } });
    connectionId = (await h.request('POST', '/api/connections', { body: { name: 'c', apiKey: 'sk_test_concurrentRuns00000001' } })).json().id;
  });
  after(() =>
    closeAll(
      () => h?.close(),
      () => stripe?.server.closeAllConnections(),
      () => stripe && new Promise((resolve) => stripe.server.close(resolve)),
    ),
  );

  test("each of 20 concurrent calls records its own Stripe request id, and is in the run history once answered", async () => {
    const calls = Array.from({ length: 20 }, async (_, n) => {
      const res = await h.request('POST', `/api/connections/${connectionId}/actions/standInCreateCustomer`, { body: { email: `c${n}@example.com` } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().id, `cus_${n}`);
      // Read straight after the answer, before any other call can finish: the row must be there.
      const run = await h.services.db.selectFrom('runs').selectAll().where('output', '=', JSON.stringify(res.json())).executeTakeFirst();
      assert.ok(run, `the run of call ${n} is stored when it is answered`);
      assert.equal(run.stripe_request_id, `req_for_${n}`);
    });
    await Promise.all(calls);
    const listed = (await h.request('GET', `/api/runs?connection=${connectionId}&limit=100`)).json().data;
    assert.equal(listed.length, 20);
  });
});
