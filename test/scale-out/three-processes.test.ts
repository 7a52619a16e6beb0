// Three real `serve` processes on one PostgreSQL store behave as one connector (docs/scaling.md):
// the action throttle (100 calls per connection per 60 s) and Stripe's pace for a test key (25
// requests/s) hold across them; one poll of a (connection, trigger) runs at a time cluster-wide
// and a process killed mid-backlog loses nothing; a revoked token is refused by every process.
// The emulator (in this process, its own rate limit off so its log shows the connector's own
// pace) is Stripe, its request log (GET /_emulator/requests) the witness on the wire.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startServeCluster, type ServeCluster } from '../support/serve-cluster.js';
import { busiestWindow, clearEmulatorRequests, emulatorRequests, overlapping, type EmulatorRequest } from '../support/emulator-request-log.js';
import { startSubscriber, type Subscriber } from '../support/recording-subscriber.js';

const PROCESSES = 3;
/** ACTION_RATE_LIMIT's default: 100 calls per connection per 60 s. */
const THROTTLE_LIMIT = 100;
const ACTION_CALLS = 330;
/** Stripe's rate for a test key: 25 requests per second. */
const STRIPE_TEST_RATE = 25;
const BACKLOG = 20_000;
/**
 * Everything the backlog run may take, kill and restart included: 51 s here (2 shared cores, load
 * 2.5); the bound leaves room for a loaded machine inside the runner's 240 s per file, so a slow
 * run fails naming what is missing rather than being cancelled.
 */
const BACKLOG_DEADLINE_MS = 150_000;
/** When this file started: its runs must end within the runner's 240 s per file (scripts/run-tests.mjs). */
const FILE_STARTED_MS = Date.now();
const FILE_BUDGET_MS = 220_000;
/** How long the emulator holds each charge list (a real Stripe list takes 100 ms and more). */
const LIST_DELAY_MS = 50;
/** Stripe's list endpoints the connector's pollers and reconciler read. */
const LIST_PATHS = new Set(['/v1/charges', '/v1/customers', '/v1/invoiceitems', '/v1/orders', '/v1/events']);

// Several processes share a store only through PostgreSQL: SQLite is one machine's file, and the
// cluster-wide rules (throttle, pace, poll leases) live in the shared store.
const skip = process.env.TEST_DATABASE_URL ? false : 'PostgreSQL pass only (TEST_DATABASE_URL unset): several serve processes share one store only on PostgreSQL';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A diagnostic, and the same line on stderr at once: a run the runner cancels still shows how far it got. */
function progress(t: { diagnostic(message: string): void }, message: string): void {
  t.diagnostic(message);
  process.stderr.write(`scale-out: ${message}\n`);
}

describe(`${PROCESSES} serve processes on one PostgreSQL store`, { skip }, () => {
  let cluster: ServeCluster;
  before(async () => {
    const startMs = Date.now();
    cluster = await startServeCluster({ processes: PROCESSES });
    process.stderr.write(`scale-out: ${PROCESSES} processes listening after ${Date.now() - startMs} ms\n`);
  });
  after(() => cluster?.close());

  const connect = async (apiKey: string): Promise<string> => {
    const created = await cluster.api<{ id: string }>(0, 'POST', '/api/connections', { name: apiKey, apiKey, apiBase: cluster.emulator.url });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.id;
  };

  test(`${ACTION_CALLS} concurrent action calls on one connection, round-robin over the processes: exactly ${THROTTLE_LIMIT} run, the rest are 429 with Retry-After, and Stripe never sees more than ${STRIPE_TEST_RATE} in any second`, async (t) => {
    const apiKey = `sk_test_scaleThrottle${process.pid}`;
    const connectionId = await connect(apiKey);
    await clearEmulatorRequests(cluster.emulator.url, apiKey);

    const answers = await Promise.all(
      Array.from({ length: ACTION_CALLS }, (_, i) =>
        cluster.api(i % PROCESSES, 'POST', `/api/connections/${connectionId}/actions/createCustomer`, { description: `call ${i}` }),
      ),
    );
    const byStatus = new Map<number, number>();
    for (const answer of answers) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(byStatus))}`);
    const log = await emulatorRequests(cluster.emulator.url, apiKey);
    const busiest = busiestWindow(log.data);
    t.diagnostic(`Stripe saw ${log.data.length} requests; at most ${busiest.count} in one second (from ${new Date(busiest.startMs).toISOString()})`);

    assert.equal(byStatus.get(200) ?? 0, THROTTLE_LIMIT, `exactly ${THROTTLE_LIMIT} calls succeed across the ${PROCESSES} processes`);
    const throttled = answers.filter((a) => a.status === 429);
    assert.equal(throttled.length, ACTION_CALLS - THROTTLE_LIMIT, `the other ${ACTION_CALLS - THROTTLE_LIMIT} are 429`);
    for (const answer of throttled) {
      const retryAfter = Number(answer.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `a 429 carries Retry-After of at least 1 s, got ${answer.headers.get('retry-after')}`);
    }
    assert.equal(log.dropped, 0, 'the request log kept every request');
    assert.ok(busiest.count <= STRIPE_TEST_RATE, `at most ${STRIPE_TEST_RATE} requests of the key in any 1-s window, saw ${busiest.count} from ${busiest.startMs}`);
  });

  test('a token revoked through one process is refused by every process on its next request', async () => {
    const created = await cluster.api<{ id: string; token: string }>(0, 'POST', '/api/tokens', {});
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const useEverywhere = () => Promise.all(cluster.urls.map((_, i) => cluster.api(i, 'GET', '/api/connections', undefined, created.body.token)));
    assert.deepEqual((await useEverywhere()).map((a) => a.status), Array(PROCESSES).fill(200), 'the new token works on every process');

    const revoked = await cluster.api(1, 'DELETE', `/api/tokens/${created.body.id}`);
    assert.ok(revoked.status >= 200 && revoked.status < 300, `revoked through process 1: ${revoked.status} ${JSON.stringify(revoked.body)}`);
    const afterRevoking = await useEverywhere();
    assert.deepEqual(afterRevoking.map((a) => a.status), Array(PROCESSES).fill(401), 'refused by every process at once');
    for (const answer of afterRevoking) assert.equal(typeof (answer.body as { error?: { code?: unknown } }).error?.code, 'string', 'in the error shape');
    const admin = await Promise.all(cluster.urls.map((_, i) => cluster.api(i, 'GET', '/api/connections')));
    assert.deepEqual(admin.map((a) => a.status), Array(PROCESSES).fill(200), "the caller's other token still works");
  });

  test(`a ${BACKLOG}-object poll backlog and a live webhook stream, one process killed and restarted midway: every object delivered, repeats only under the same webhook-id, and never two list requests of one path in flight`, async (t) => {
    const apiKey = `sk_test_scaleBacklog${process.pid}`;
    const connectionId = await connect(apiKey);
    const stripe = new Stripe(apiKey, { host: '127.0.0.1', port: new URL(cluster.emulator.url).port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
    const startedAtMs = Date.now();
    const nowSeconds = Math.floor(startedAtMs / 1000);

    const bulk = await fetch(`${cluster.emulator.url}/_emulator/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'charges', count: BACKLOG, created_from: nowSeconds - 60, created_to: nowSeconds - 1 }),
    });
    assert.equal(bulk.status, 200, await bulk.clone().text());
    // The emulator answers a list in well under a millisecond, on one event loop, so two polls at
    // once would rarely show as overlapping in its log; Stripe takes 100 ms and more. Every charge
    // list is held 50 ms here, so two list requests in flight at once cannot hide.
    const faults = `${cluster.emulator.url}/_emulator/faults`;
    const withKey = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const delay = await fetch(faults, { method: 'POST', headers: withKey, body: JSON.stringify({ kind: 'delay', delay_ms: LIST_DELAY_MS, share: 1, path_prefix: '/v1/charges' }) });
    assert.equal(delay.status, 200, await delay.clone().text());
    await clearEmulatorRequests(cluster.emulator.url, apiKey);

    const subscriber: Subscriber = await startSubscriber();
    let producing = true;
    let producer: Promise<void> | undefined;
    const customers: string[] = [];
    try {
      const subscribe = async (body: object) => {
        const created = await cluster.api<{ id: string; secret: string }>(0, 'POST', `/api/connections/${connectionId}/subscriptions`, { url: subscriber.url, ...body });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        subscriber.addSecret(created.body.secret);
        return created.body.id;
      };
      // The live stream first, so its customers are created while the backlog is being polled.
      const pushed = await subscribe({ trigger: 'customerAdded', mode: 'webhook' });
      const polled = await subscribe({ trigger: 'chargeAdded', pollIntervalSeconds: 1, since: new Date((nowSeconds - 120) * 1000).toISOString() });
      const kindOf = new Map([[polled, 'charges'], [pushed, 'customers']]);

      // A customer every 100 ms through Stripe, whatever state the processes are in.
      producer = (async () => {
        while (producing) {
          customers.push((await stripe.customers.create({})).id);
          await sleep(100);
        }
      })();
      const delivered = () => subscriber.received.length;
      const until = async (holds: () => boolean, timeoutMs: number) => {
        const deadline = Date.now() + timeoutMs;
        while (!holds() && Date.now() < deadline) await sleep(50);
      };

      await until(() => delivered() >= BACKLOG / 5, 40_000);
      progress(t, `${delivered()} deliveries after ${Date.now() - startedAtMs} ms: SIGKILL process 1`);
      await cluster.kill(1);
      const killedAt = delivered();
      await until(() => delivered() >= killedAt + BACKLOG / 5, 20_000);
      const restartAtMs = Date.now();
      await cluster.restart(1);
      progress(t, `${delivered()} deliveries: process 1 restarted in ${Date.now() - restartAtMs} ms`);
      await sleep(2_000);
      producing = false;
      await producer;

      const arrived = (kind: 'charges' | 'customers') => new Set(subscriber.received.filter((d) => kindOf.get(d.body.subscription) === kind).map((d) => d.body.data.id));
      const pending = async () => {
        let count = 0;
        for (const id of kindOf.keys()) {
          const answer = await cluster.api<{ data: unknown[] }>(0, 'GET', `/api/subscriptions/${id}/deliveries?status=pending&limit=1000`);
          count += answer.body.data.length;
        }
        return count;
      };
      const deadline = Math.min(startedAtMs + BACKLOG_DEADLINE_MS, FILE_STARTED_MS + FILE_BUDGET_MS);
      while (arrived('charges').size < BACKLOG || arrived('customers').size < customers.length || (await pending()) > 0) {
        if (Date.now() > deadline) break;
        await sleep(200);
      }
      progress(t, `${subscriber.received.length} deliveries (${arrived('charges').size} charges, ${arrived('customers').size} customers) ${Date.now() - startedAtMs} ms after the backlog was created`);

      // The connector's requests, read before the test lists the charges itself (the same account's log).
      const log = await emulatorRequests(cluster.emulator.url, apiKey);
      await fetch(faults, { method: 'DELETE', headers: withKey });
      const charges: string[] = [];
      for await (const charge of stripe.charges.list({ limit: 100 })) charges.push(charge.id);
      assert.equal(charges.length, BACKLOG);
      const expected = { charges: new Set(charges), customers: new Set(customers) };
      const deliveredIds = { charges: arrived('charges'), customers: arrived('customers') };
      assert.deepEqual([...expected.charges].filter((id) => !deliveredIds.charges.has(id)).slice(0, 5), [], `every one of the ${BACKLOG} charges delivered within ${BACKLOG_DEADLINE_MS / 1000} s`);
      assert.deepEqual([...expected.customers].filter((id) => !deliveredIds.customers.has(id)), [], `every one of the ${customers.length} live customers delivered`);
      assert.deepEqual(subscriber.unverified, [], 'every delivery verifies');
      const webhookIds = new Map<string, Set<string>>();
      for (const d of subscriber.received) {
        const key = `${d.body.subscription}/${d.body.data.id}`;
        webhookIds.set(key, (webhookIds.get(key) ?? new Set()).add(d.webhookId));
      }
      const repeatedUnderAnotherId = [...webhookIds].filter(([, ids]) => ids.size > 1);
      t.diagnostic(`${subscriber.received.length - webhookIds.size} repeats`);
      assert.deepEqual(repeatedUnderAnotherId.slice(0, 5).map(([key, ids]) => `${key}: ${[...ids].join(', ')}`), [], 'a repeat only under the same webhook-id');

      assert.equal(log.dropped, 0, 'the request log kept every request');
      const lists = log.data.filter((r) => r.method === 'GET' && LIST_PATHS.has(r.path));
      const byPath = new Map<string, EmulatorRequest[]>();
      for (const r of lists) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
      const overlaps = [...byPath.values()].flatMap((requests) => overlapping(requests));
      t.diagnostic(`${lists.length} list requests (${[...byPath].map(([path, r]) => `${path}: ${r.length}`).join(', ')}); ${overlaps.length} overlapping pairs`);
      assert.deepEqual(
        overlaps.slice(0, 3).map(([a, b]) => `${a.path} [${a.received_at_ms}, ${a.answered_at_ms}] and [${b.received_at_ms}, ${b.answered_at_ms}]`),
        [],
        'at most one list request of each path in flight at any moment',
      );
    } finally {
      producing = false;
      await producer?.catch(() => {});
      await subscriber.close();
    }
  });
});
