// A backlog through the whole server as `serve` runs it (serve-world.ts): the poll commits it in
// slices, so the subscriber is receiving events while the connector is still listing charges.
// Observed from the emulator's side: every list request the connector makes is logged with how
// many deliveries the subscriber had by then. (The delivery order is serve-backlog.test.ts's.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServeWorld, type ServeWorld } from './serve-world.js';

/** 3,000 charges one second apart: 30 pages, about 1.3 s of listing at the client's 25 requests/s. */
const BACKLOG = 3_000;

let world: ServeWorld;
before(async () => {
  world = await startServeWorld();
});
after(() => world?.close());

test('a backlog reaches the subscriber while the connector is still listing it, each charge once', async (t) => {
  const { connectionId, apiKey } = await world.connect();
  const nowSeconds = Math.floor(world.emulator.clock.nowMs() / 1000);
  const createdFrom = nowSeconds - 10_000;
  await world.bulkCharges(apiKey, BACKLOG, createdFrom);

  const lists: { received: number }[] = [];
  const stopLogging = world.emulator.state.addInterceptor((request) => {
    if (request.method === 'GET' && request.path.startsWith('/v1/charges')) lists.push({ received: world.subscriber.received.length });
    return undefined;
  });
  try {
    await world.subscribe(connectionId, {
      trigger: 'chargeAdded',
      pollIntervalSeconds: 120,
      since: new Date((createdFrom - 60) * 1000).toISOString(),
    });
    const received = await world.subscriber.waitFor(BACKLOG, 60_000);
    const listingDone = lists.length;
    t.diagnostic(`${listingDone} list calls; the first delivery had arrived by call ${lists.findIndex((l) => l.received > 0) + 1}`);

    assert.ok(lists.at(-1)!.received > 0, 'deliveries had begun before the last list call');
    assert.ok(listingDone > BACKLOG / 100, 'the backlog took more calls than its pages: it was sliced');
    const positions = received.map((d) => Date.parse(d.body.created) / 1000 - createdFrom);
    assert.deepEqual([...positions].sort((a, b) => a - b), Array.from({ length: BACKLOG }, (_, i) => i), 'each charge once');
  } finally {
    stopLogging();
  }
});
