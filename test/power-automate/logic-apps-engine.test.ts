// The server as `serve` runs it, played against by a stand-in for the Logic Apps engine: it
// follows each Location, sleeps each Retry-After (scaled down: 1 s → 25 ms), and now and then calls
// the same Location twice as a retry would, while 2,000 customers are created concurrently — most
// through the API, many in the same second, some bulk-inserted with a `created` seconds in the past
// (listed late). Every customer must be in exactly one 200 answer. Then another flow subscribes
// through the instant trigger, receives events at its callback URL, and stops receiving them
// after the platform's DELETE of its Location.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { createUserWithToken } from '../../src/users/tokens.js';
import { startServeWorld, type ServeWorld } from '../trigger-sources/serve-world.js';

/** Engine time per Retry-After second: 25 ms, so a 2 s interval is 50 ms. */
const MS_PER_RETRY_AFTER_SECOND = 25;
const API_CUSTOMERS = 1600;
const LATE_BATCHES = 4;
const LATE_PER_BATCH = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Callback {
  url: string;
  bodies: { type: string; data: { id: string } }[];
  close(): Promise<void>;
}

/** A Logic Apps callback URL: takes any POST and answers 202, as the platform's does; signatures are not checked there. */
async function startCallback(): Promise<Callback> {
  const bodies: Callback['bodies'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Callback['bodies'][number]);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/workflows/abc/triggers/manual/paths/invoke?sig=xyz`,
    bodies,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a Logic Apps engine against the server and the emulator', () => {
  let world: ServeWorld;
  let authorization: string;
  let accounts = 0;
  before(async () => {
    world = await startServeWorld();
    authorization = `Bearer ${(await createUserWithToken(world.server.services.db, { name: 'flow maker' })).token}`;
  });
  after(() => world.close());

  /** A connection of the flow maker to a fresh emulator account, and an SDK client for that account. */
  async function connect() {
    const apiKey = `sk_test_engine${process.pid}x${++accounts}`;
    const response = await fetch(`${world.server.url}/api/connections`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `account ${accounts}`, apiKey, apiBase: world.emulator.url }),
    });
    assert.equal(response.status, 201);
    const stripe = new Stripe(apiKey, { host: '127.0.0.1', port: world.emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
    return { connectionId: ((await response.json()) as { id: string }).id, apiKey, stripe };
  }

  test('polling: 2,000 customers created concurrently, many in the same second, some late — each in exactly one 200 answer', { timeout: 240_000 }, async () => {
    const { connectionId, apiKey, stripe } = await connect();
    const get = async (url: string) => {
      const response = await fetch(url, { headers: { authorization: authorization } });
      return { status: response.status, text: await response.text(), location: response.headers.get('location'), retryAfter: Number(response.headers.get('retry-after')) };
    };

    // The engine: follows Location, honours Retry-After, repeats every 4th call as a retry would.
    const answers = new Map<string, string[]>();
    let stopping = false;
    let calls = 0;
    let repeats = 0;
    // The trigger starts "now" when its first call is answered: nothing is created before that, or
    // a loaded machine would create customers the trigger rightly never sees.
    let markStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const engine = (async () => {
      let url = `${world.server.url}/api/power-automate/connections/${connectionId}/poll/customerAdded?pollIntervalSeconds=2`;
      for (let quietAfterStop = 0; quietAfterStop < 2; ) {
        let answer = await get(url);
        calls += 1;
        if (calls === 1) markStarted();
        if (calls % 4 === 0) {
          const again = await get(url);
          repeats += 1;
          // A 200 is kept and answered again as it was; a 202 gave nothing, so its retry may find news.
          if (answer.status === 200) {
            assert.equal(again.status, 200, 'a retried call answers as the first');
            assert.equal(again.text, answer.text, 'a retried call answers the same items');
            assert.equal(again.location, answer.location);
          }
          answer = again;
        }
        assert.ok(answer.status === 200 || answer.status === 202, `${answer.status} ${answer.text}`);
        if (answer.status === 200) {
          const ids = (JSON.parse(answer.text) as { id: string }[]).map((c) => c.id);
          if (answers.has(url)) assert.deepEqual(ids, answers.get(url));
          answers.set(url, ids);
        } else if (stopping) {
          quietAfterStop += 1;
        }
        assert.ok(answer.location && answer.location.startsWith(world.server.url), String(answer.location));
        url = answer.location;
        await sleep(answer.retryAfter * MS_PER_RETRY_AFTER_SECOND);
      }
    })();

    await Promise.race([started, engine]);
    const startedAt = Math.ceil(Date.now() / 1000);
    // The world: customers through the API, 25 at a time, and late ones bulk-inserted in between.
    const expected = new Set<string>();
    const created = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          for (let i = next++; i < API_CUSTOMERS; i = next++) expected.add((await stripe.customers.create({ email: `c${i}@example.com` })).id);
        }),
      );
    })();
    const late = (async () => {
      for (let batch = 0; batch < LATE_BATCHES; batch += 1) {
        await sleep(2_500);
        const now = Math.floor(Date.now() / 1000);
        // Stamped up to 5 s back, never before the trigger started: listed after newer ones were.
        const from = Math.max(startedAt, now - 5);
        const bulk = await fetch(`${world.emulator.url}/_emulator/bulk`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: `type=customers&count=${LATE_PER_BATCH}&created_from=${from}&created_to=${now - 1}`,
        });
        assert.equal(bulk.status, 200);
        const { first_id: firstId } = (await bulk.json()) as { first_id: string };
        // Bulk ids are consecutive in the list; read them back to know them all.
        for await (const customer of stripe.customers.list({ created: { gte: from, lte: now - 1 }, limit: 100 })) {
          if (!customer.email) expected.add(customer.id);
        }
        assert.ok(expected.has(firstId));
      }
    })();
    await Promise.all([created, late]);
    assert.equal(expected.size, API_CUSTOMERS + LATE_BATCHES * LATE_PER_BATCH);

    // Give the engine until every customer has come, then let it see two quiet polls. The bound is
    // generous (it ends as soon as all have come, ≈ 14 s on an idle 2-core machine): under a full
    // test run's load the paced polls fell behind a 30 s bound with nothing lost.
    const deadline = Date.now() + 120_000;
    const seen = () => [...answers.values()].flat();
    while (seen().length < expected.size && Date.now() < deadline) await sleep(100);
    stopping = true;
    await engine;

    const all = seen();
    const counts = new Map<string, number>();
    for (const id of all) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.deepEqual([...counts].filter(([, n]) => n > 1), [], 'no customer in two answers');
    assert.deepEqual([...expected].filter((id) => !counts.has(id)), [], 'no customer missing');
    assert.equal(all.length, expected.size);
    assert.ok(repeats > 0 && answers.size > 1, `${answers.size} answers with items, ${repeats} repeated calls`);
  });

  test('instant: the callback URL receives each new customer once, and nothing after the platform deletes the Location', async () => {
    const { connectionId, stripe } = await connect();
    const callback = await startCallback();
    try {
      const response = await fetch(`${world.server.url}/api/power-automate/connections/${connectionId}/hooks/customerAdded`, {
        method: 'POST',
        headers: { authorization: authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ callbackUrl: callback.url }),
      });
      assert.equal(response.status, 201, await response.clone().text());
      const view = (await response.json()) as { id: string; mode: string; secret?: string };
      assert.equal(view.mode, 'hybrid');
      assert.equal(view.secret, undefined);
      const location = response.headers.get('location')!;
      assert.equal(location, `${world.server.url}/api/subscriptions/${view.id}`);

      const before = [];
      for (let i = 0; i < 10; i += 1) before.push((await stripe.customers.create({ email: `hook${i}@example.com` })).id);
      const deadline = Date.now() + 15_000;
      while (callback.bodies.length < before.length && Date.now() < deadline) await sleep(50);
      assert.deepEqual(callback.bodies.map((b) => b.data.id).sort(), [...before].sort());
      assert.ok(callback.bodies.every((b) => b.type === 'customerAdded'));

      const deleted = await fetch(location, { method: 'DELETE', headers: { authorization: authorization } });
      assert.equal(deleted.status, 200);
      for (let i = 0; i < 5; i += 1) await stripe.customers.create({ email: `gone${i}@example.com` });
      await sleep(1_500);
      assert.equal(callback.bodies.length, before.length, 'nothing arrives after the DELETE');
    } finally {
      await callback.close();
    }
  });
});
