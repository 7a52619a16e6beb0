// A 10,000-object backlog through the whole server as `serve` runs it (serve-world.ts): 10,000
// charges bulk-created in the emulator one second apart, before a poll-mode chargeAdded
// subscription whose `since` reaches back before them. All are delivered exactly once, oldest
// first as the delivery worker defines it: it claims the WORKER_BATCH oldest due deliveries, sends
// them with up to 32 requests in flight (started in claim order; one that is slow to connect or
// answer is overtaken by the others of its batch — 32 positions has been seen), and claims the
// next batch only when every send of this one has finished. So with no failures an event arrives
// after every event of an older batch: it never overtakes one WORKER_BATCH positions older or more.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServeWorld, type ServeWorld } from './serve-world.js';
import { DEFAULT_BATCH_SIZE } from '../../src/delivery/worker.js';

const BACKLOG = 10_000;
/** The delivery worker's default claim size, which `serve` uses. */
const WORKER_BATCH = DEFAULT_BATCH_SIZE;

let world: ServeWorld;
before(async () => {
  world = await startServeWorld();
});
after(() => world?.close());

test('a 10,000-charge backlog is delivered exactly once each, oldest first a claim of 100 at a time', async (t) => {
  const { connectionId, apiKey } = await world.connect();
  const nowSeconds = Math.floor(world.emulator.clock.nowMs() / 1000);
  const createdFrom = nowSeconds - 20_000;
  await world.bulkCharges(apiKey, BACKLOG, createdFrom);

  const startedMs = Date.now();
  const subscriptionId = await world.subscribe(connectionId, {
    trigger: 'chargeAdded',
    pollIntervalSeconds: 1,
    since: new Date((createdFrom - 60) * 1000).toISOString(),
  });
  const received = await world.subscriber.waitFor(BACKLOG, 120_000);
  t.diagnostic(`${BACKLOG} deliveries in ${Date.now() - startedMs} ms from subscribing`);

  // Nothing left to send, then nothing more arrived: each exactly once.
  const pending = async () =>
    (await world.api('GET', `/api/subscriptions/${subscriptionId}/deliveries?status=pending&limit=10`)).json.data.length as number;
  const deadline = Date.now() + 10_000;
  while ((await pending()) > 0) {
    assert.ok(Date.now() < deadline, 'deliveries still pending 10 s after the last arrival');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(received.length, BACKLOG);
  assert.equal(new Set(received.map((d) => d.body.data.id)).size, BACKLOG, 'no object twice');
  assert.equal(new Set(received.map((d) => d.webhookId)).size, BACKLOG);
  assert.deepEqual(world.subscriber.unverified, []);

  // Position of each object in creation order (one per second), in arrival order.
  const positions = received.map((d) => Date.parse(d.body.created) / 1000 - createdFrom);
  assert.deepEqual([...positions].sort((a, b) => a - b), Array.from({ length: BACKLOG }, (_, i) => i), 'exactly the backlog');
  let youngest = -1;
  let worst = 0;
  for (const [arrival, position] of positions.entries()) {
    worst = Math.max(worst, youngest - position);
    assert.ok(
      position > youngest - WORKER_BATCH,
      `arrival ${arrival}: object ${position} came after object ${youngest}, ${youngest - position} positions younger`,
    );
    youngest = Math.max(youngest, position);
  }
  t.diagnostic(`largest overtaking: ${worst} positions`);
});
