// The whole server killed with SIGKILL at random moments, restarted five times on the same DATA_DIR
// `serve` as a child process (through tsx, as test/support/processes.ts starts
// it), a real SQLite file (or PostgreSQL with TEST_DATABASE_URL), the emulator in this process in
// real time with its webhook retries compressed, a chargeAdded subscription polled every 1 s and a
// customerAdded subscription in webhook mode (PUBLIC_URL is the server's fixed port, so the
// emulator's webhooks reach each incarnation), and charges and customers created throughout.
// Every other kill lands while a delivery is in flight (the subscriber holds its answer and the
// test kills the server before it can record it); the others at a seeded-random time. Then the last
// server drains. Every object arrives at least once; a repeat carries the same webhook-id and the
// same body; every body verifies; the outbox ends with each object delivered and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startEmulator } from '../../src/emulator/index.js';
import { seededRandom } from '../../src/emulator/faults/seeded-random.js';
import { startServerProcess, type ServerProcess } from '../support/processes.js';
import { newStorePlace, openStoreIn } from '../support/store-fixture.js';
import { startSubscriber } from '../support/recording-subscriber.js';
import { freePort } from '../support/free-address.js';

const KILLS = 5;
const ADMIN_TOKEN = 'sc_admin_serve_crash_test_token_0000001';
// GUARANTEE_SEED=<n> repeats a failing run's kill moments and creation pace.
const SEED = Number(process.env.GUARANTEE_SEED ?? Math.floor(Math.random() * 2 ** 31));


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test(`serve killed with SIGKILL five times during polling and delivery loses nothing, and repeats only with the same webhook-id (seed ${SEED})`, async (t) => {
  t.diagnostic(`seed ${SEED} (GUARANTEE_SEED=${SEED} repeats it)`);
  // Two streams, so the kill moments do not depend on how many objects were created meanwhile.
  const killRandom = seededRandom(SEED);
  const paceRandom = seededRandom(SEED + 1);
  const say = (message: string) => `${message} (seed ${SEED})`;
  // Stripe retries a webhook for three days; compressed here to every 0.5 s for 90 s, longer than a
  // restart through tsx takes on a loaded machine (20–30 s has been seen), and soon after it.
  const retryDelaysMs = Array.from({ length: 180 }, () => 500);
  const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false, webhooks: { retryDelaysMs, timeoutMs: 2_000 } });
  const subscriber = await startSubscriber();
  const place = await newStorePlace('sc-serve-crash-');
  const port = await freePort();
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    ...place.env,
    STRIPE_API_BASE: emulator.url,
    STRIPE_CONNECTOR_ADMIN_TOKEN: ADMIN_TOKEN,
    CALLBACK_ALLOW_PRIVATE: 'true',
    // The shortest lease allowed: a killed server's claimed deliveries are sent again 15 s later.
    DELIVERY_LEASE_SECONDS: '15',
    DELIVERY_FIRST_RETRY_SECONDS: '1',
  };
  let server: ServerProcess | undefined;
  const kill = async () => {
    const child = server!.child;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server!.exited;
  };
  const api = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${server!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { id: string; secret: string };
    assert.equal(response.status, 201, JSON.stringify(json));
    return json;
  };

  const created = { charges: [] as string[], customers: [] as string[] };
  let producing = true;
  let producer: Promise<void> | undefined;
  try {
    server = await startServerProcess(['serve'], env);
    const apiKey = `sk_test_crash${process.pid}`;
    const connection = await api('POST', '/api/connections', { name: 'crashing', apiKey, apiBase: emulator.url });
    const polled = await api('POST', `/api/connections/${connection.id}/subscriptions`, { trigger: 'chargeAdded', url: subscriber.url, pollIntervalSeconds: 1 });
    const pushed = await api('POST', `/api/connections/${connection.id}/subscriptions`, { trigger: 'customerAdded', url: subscriber.url, mode: 'webhook' });
    subscriber.addSecret(polled.secret);
    subscriber.addSecret(pushed.secret);
    const subscriptionOf = new Map([[polled.id, 'charges'], [pushed.id, 'customers']] as const);

    const stripe = new Stripe(apiKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
    // A charge and a customer every 100–300 ms, whatever state the server is in.
    producer = (async () => {
      while (producing) {
        created.charges.push((await stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_visa' })).id);
        created.customers.push((await stripe.customers.create({})).id);
        await sleep(100 + paceRandom() * 200);
      }
    })();

    let heldKills = 0;
    for (let round = 1; round <= KILLS; round += 1) {
      if (round % 2 === 1) {
        // Killed between sending a delivery and recording the answer: the subscriber holds it.
        let cancel = () => {};
        const held = new Promise<void>((resolve) => {
          cancel = subscriber.holdNext(async () => {
            await kill();
            heldKills += 1;
            resolve();
          });
        });
        // Deliveries arrive every few hundred ms; should none come, the kill happens anyway.
        await Promise.race([held, sleep(10_000)]);
        cancel();
      } else {
        await sleep(200 + killRandom() * 1_300);
      }
      await kill();
      const restartAtMs = Date.now();
      server = await startServerProcess(['serve'], env);
      t.diagnostic(`round ${round}: restarted in ${Date.now() - restartAtMs} ms`);
    }
    // A little more creation against the last server, then let it drain.
    await sleep(500);
    producing = false;
    await producer;

    const expected = created.charges.length + created.customers.length;
    t.diagnostic(`${created.charges.length} charges, ${created.customers.length} customers created; ${heldKills} kills with a delivery in flight`);
    const drainStartMs = Date.now();
    const deadline = drainStartMs + 60_000;
    const arrived = () => new Set(subscriber.received.map((d) => d.body.data.id));
    const pending = async () => {
      let count = 0;
      for (const id of subscriptionOf.keys()) {
        const response = await fetch(`${server!.url}/api/subscriptions/${id}/deliveries?status=pending&limit=1000`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        count += ((await response.json()) as { data: unknown[] }).data.length;
      }
      return count;
    };
    // Drained: every object arrived, and nothing is left to send (a delivery whose answer a kill
    // cut off is sent again once its claim runs out).
    while (arrived().size < expected || (await pending()) > 0) {
      if (Date.now() > deadline) {
        const missing = [...created.charges, ...created.customers].filter((id) => !arrived().has(id));
        assert.fail(say(`not drained within 60 s of the last restart: ${missing.length} of ${expected} objects never arrived (${missing.slice(0, 5).join(', ')}), ${await pending()} deliveries pending`));
      }
      await sleep(50);
    }
    t.diagnostic(`drained in ${Date.now() - drainStartMs} ms`);
    assert.equal(await server.stop(), 0, 'the last server stops cleanly');

    // Every body verified (the subscriber answered 401 otherwise), and each object has one webhook-id and one body.
    assert.deepEqual(subscriber.unverified, [], say('every signature verifies'));
    const byObject = new Map<string, { webhookIds: Set<string>; bodies: Set<string>; kind: string }>();
    for (const delivered of subscriber.received) {
      const kind = subscriptionOf.get(delivered.body.subscription);
      assert.ok(kind, say(`a delivery for an unknown subscription ${delivered.body.subscription}`));
      const entry = byObject.get(delivered.body.data.id) ?? { webhookIds: new Set(), bodies: new Set(), kind };
      entry.webhookIds.add(delivered.webhookId);
      entry.bodies.add(delivered.raw);
      byObject.set(delivered.body.data.id, entry);
    }
    for (const [objectId, entry] of byObject) {
      assert.equal(entry.webhookIds.size, 1, say(`${objectId} came with webhook-ids ${[...entry.webhookIds].join(', ')}`));
      assert.equal(entry.bodies.size, 1, say(`${objectId}'s repeats carry the same body`));
    }
    for (const kind of ['charges', 'customers'] as const) {
      const delivered = [...byObject].filter(([, entry]) => entry.kind === kind).map(([id]) => id).sort();
      assert.deepEqual(delivered, [...created[kind]].sort(), say(`every one of the ${kind}, and nothing else`));
    }
    const repeats = subscriber.received.length - byObject.size;
    t.diagnostic(`${subscriber.received.length} deliveries received for ${byObject.size} objects: ${repeats} repeats`);
    assert.ok(repeats >= heldKills, say(`a delivery whose answer a kill cut off is sent again (${repeats} repeats, ${heldKills} such kills)`));

    const store = await openStoreIn(place.dataDir);
    try {
      const rows = await store.selectFrom('deliveries').select(['stripe_object_id', 'status']).execute();
      assert.equal(rows.length, expected, say('one outbox row per object'));
      assert.deepEqual(rows.filter((r) => r.status !== 'delivered'), [], say('all recorded as delivered'));
    } finally {
      await store.destroy();
    }
  } finally {
    producing = false;
    await producer?.catch(() => {});
    if (server) await kill();
    await subscriber.close();
    await emulator.stop();
    await place.remove();
  }
});
