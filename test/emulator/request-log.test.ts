import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h?.stop());

interface Logged { method: string; path: string; status: number; received_at_ms: number; answered_at_ms: number }

test("an account's request log lists its API requests with arrival and answer times, and nothing of other accounts", async () => {
  const key = h.newKey();
  const other = h.newKey();
  const before = Date.now();
  await h.stripe(key).customers.create({ email: 'a@example.com' });
  await h.stripe(key).customers.list({ limit: 3 });
  await assert.rejects(h.stripe(key).customers.retrieve('cus_missing'));
  await h.stripe(other).products.create({ name: 'elsewhere' });
  const answer = await h.raw('GET', '/_emulator/requests', { key });
  assert.equal(answer.status, 200);
  const data = answer.body.data as Logged[];
  assert.deepEqual(
    data.map((r) => [r.method, r.path, r.status]),
    [
      ['POST', '/v1/customers', 200],
      ['GET', '/v1/customers', 200],
      ['GET', '/v1/customers/cus_missing', 404],
    ],
  );
  for (const r of data) {
    assert.ok(r.received_at_ms >= before - 5 && r.received_at_ms <= Date.now(), 'arrival is a wall-clock time');
    assert.ok(r.answered_at_ms >= r.received_at_ms);
  }
  assert.equal(answer.body.dropped, 0);
});

test('an injected delay shows as the time between arrival and answer, and DELETE empties the log', async () => {
  const key = h.newKey();
  const added = await h.raw('POST', '/_emulator/faults', {
    key,
    body: JSON.stringify({ kind: 'delay', delay_ms: 150, next: 1, path_prefix: '/v1/charges' }),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(added.status, 200);
  await h.stripe(key).charges.list();
  const [listed] = (await h.raw('GET', '/_emulator/requests', { key })).body.data as Logged[];
  assert.ok(listed!.answered_at_ms - listed!.received_at_ms >= 140, JSON.stringify(listed));
  const cleared = await h.raw('DELETE', '/_emulator/requests', { key });
  assert.deepEqual(cleared.body.data, []);
  assert.deepEqual((await h.raw('GET', '/_emulator/requests', { key })).body.data, []);
});
