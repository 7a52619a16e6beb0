// Two processes on one store pace one Stripe key together. Each "process" here has its own store
// handle (its own SQLite connection to the same file, or its own PostgreSQL pool on the same
// database) and its own limiter, as two `serve` processes would; Stripe is the emulator, whose
// request log tells when each request arrived.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createStripeClient } from '../../src/stripe/client.js';
import { SHARED_LOG_MARGIN_MS } from '../../src/stripe/rate-limiter.js';
import { storedStripePace } from '../../src/store/stripe-pace.js';
import type { Store } from '../../src/store/database.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { openStoreIn, openTestStore, type TestStore } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';

/** The most arrivals in any 1-s window [t, t + 1000 ms). */
function busiestSecond(arrivalsMs: number[]): number {
  const sorted = [...arrivalsMs].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; first < sorted.length; first += 1) {
    while (last < sorted.length && (sorted[last] as number) - (sorted[first] as number) < 1000) last += 1;
    most = Math.max(most, last - first);
  }
  return most;
}

describe("Stripe's per-key rate across processes sharing the store", () => {
  let emulator: RunningEmulator;
  let first: TestStore;
  let second: Store;

  before(async () => {
    emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
    first = await openTestStore({ empty: true });
    second = await openStoreIn(first.dataDir);
  });
  after(() => closeAll(() => second?.destroy(), () => first?.close(), () => emulator?.stop()));

  async function arrivalsAt(apiKey: string): Promise<Array<{ status: number; received_at_ms: number }>> {
    const res = await fetch(`${emulator.url}/_emulator/requests`, { headers: { authorization: `Bearer ${apiKey}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { data: Array<{ status: number; received_at_ms: number }> }).data;
  }

  test('120 requests from two processes on one test key never reach Stripe more than 25 in any second, and take what the rate implies', async () => {
    const apiKey = `sk_test_${randomUUID().replaceAll('-', '')}`;
    const clients = [first.store, second].map((store) => createStripeClient({ apiKey, apiBase: emulator.url, sharedPace: storedStripePace(store) }));
    // Open sockets first, as a serving process's keep-alive sockets are: the margin covers the
    // spread between admission and arrival on open sockets; a cold burst (25 new connections at
    // once on a loaded machine) was seen to spread by 150–200 ms, more than the margin.
    await Promise.all(Array.from({ length: 24 }, (_, i) => clients[i % 2]!.balance.retrieve()));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await fetch(`${emulator.url}/_emulator/requests`, { method: 'DELETE', headers: { authorization: `Bearer ${apiKey}` } });
    const startedMs = performance.now();
    await Promise.all(Array.from({ length: 120 }, (_, i) => clients[i % 2]!.balance.retrieve()));
    const elapsedMs = performance.now() - startedMs;

    const arrivals = await arrivalsAt(apiKey);
    assert.equal(arrivals.length, 120);
    assert.ok(arrivals.every((a) => a.status === 200));
    const busiest = busiestSecond(arrivals.map((a) => a.received_at_ms));
    const t0 = Math.min(...arrivals.map((a) => a.received_at_ms));
    assert.ok(busiest <= 25, `${busiest} requests arrived within one second: ${arrivals.map((a) => a.received_at_ms - t0).join(",")}`);
    // 25 at once, then 25 every 1 s + margin: the last batch leaves 4 windows after the first. The
    // upper bound only tells a shared pace from one that stalls; a loaded machine gets the slack.
    const windowsMs = 4 * (1000 + SHARED_LOG_MARGIN_MS);
    assert.ok(elapsedMs >= windowsMs - 100, `120 requests at 25/s took ${Math.round(elapsedMs)} ms`);
    assert.ok(elapsedMs < 20_000, `took ${Math.round(elapsedMs)} ms`);
  });

  test('each process counts the other: with 25 requests just sent by one, the other waits for the window to move', async () => {
    const apiKey = `sk_test_${randomUUID().replaceAll('-', '')}`;
    const [a, b] = [first.store, second].map((store) => createStripeClient({ apiKey, apiBase: emulator.url, sharedPace: storedStripePace(store) }));
    await Promise.all(Array.from({ length: 25 }, () => a!.balance.retrieve()));
    const sentMs = performance.now();
    await b!.balance.retrieve();
    const waitedMs = performance.now() - sentMs;
    const arrivals = (await arrivalsAt(apiKey)).map((r) => r.received_at_ms).sort((x, y) => x - y);
    assert.equal(arrivals.length, 26);
    assert.ok((arrivals[25] as number) - (arrivals[0] as number) >= 1000, `26th arrived ${(arrivals[25] as number) - (arrivals[0] as number)} ms after the first`);
    assert.ok(waitedMs < 5000, `waited ${Math.round(waitedMs)} ms`);
  });
});
