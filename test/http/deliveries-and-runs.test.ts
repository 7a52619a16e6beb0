// Delivery history, replay and the merged run history over the HTTP API: the real services and
// app (inject), a store from the fixture, the emulator on port 0 behind the connection, the real
// delivery worker sending to a local subscriber on port 0, on an emulated clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Harness } from '../support/harness.js';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';
import { closeAll } from '../support/cleanup.js';
import { enqueueTriggerEvents } from '../../src/delivery/enqueue.js';

const DELIVERY_FIELDS = [
  'attempts',
  'attemptsHistory',
  'createdAt',
  'deliveredAt',
  'event',
  'firstAttemptAt',
  'id',
  'lastError',
  'lastStatusCode',
  'nextAttemptAt',
  'objectCreated',
  'status',
  'stripeObjectId',
  'subscription',
];

interface DeliveryJson {
  id: string;
  status: string;
  stripeObjectId: string;
  objectCreated: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  attemptsHistory?: { attempt: number; statusCode: number | null; error: string | null; startedAt: string }[];
}

interface RunJson {
  id: string;
  kind: string;
  operation: string;
  status: string;
  connection: string;
  createdAt: string;
  subscription?: string;
  delivery?: string;
  statusCode?: number | null;
  error?: unknown;
}

describe('delivery history, replay and run history over HTTP', () => {
  let world: EmulatorWorld | undefined;
  let h: Harness;
  let subscriber: http.Server | undefined;
  let clockMs = Date.parse('2026-11-26T06:00:00.000Z');
  let connectionId = '';
  let subscriptionId = '';
  let secret = '';
  const objects = ['cus_old', 'cus_fail', 'cus_new'];

  before(async () => {
    world = await startEmulatorWorld({
      config: { callbackAllowPrivate: true },
      services: { stripeRequestsPerSecond: false, nowMs: () => clockMs },
      apiKey: `sk_test_history${process.pid}`,
    });
    ({ harness: h, connectionId } = world);
    // cus_fail is refused with a 500; everything else is taken.
    subscriber = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { id: string } };
        res.writeHead(body.data.id === 'cus_fail' ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => subscriber!.listen(0, '127.0.0.1', resolve));

    const created = await h.request('POST', `/api/connections/${connectionId}/subscriptions`, {
      body: { trigger: 'customerAdded', url: `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/hook` },
    });
    assert.equal(created.statusCode, 201, created.body);
    subscriptionId = created.json().id;
    secret = created.json().secret;

    // Three customers noticed by one poll (oldest first, one second apart), then one worker round.
    const createdS = Math.floor(clockMs / 1000) - 10;
    await enqueueTriggerEvents(
      h.services.db,
      {
        connectionId,
        trigger: 'customerAdded',
        objects: objects.map((id, i) => ({ stripeObjectId: id, objectCreated: createdS + i, data: { id }, subscriptionIds: [subscriptionId] })),
      },
      clockMs,
    );
    clockMs += 1000;
    assert.equal(await h.services.deliveryWorker.runOnce(), 3);
    clockMs += 1000;
    const action = await h.request('POST', `/api/connections/${connectionId}/actions/createCustomer`, { body: { email: 'jenny@example.com' } });
    assert.equal(action.statusCode, 200, action.body);
  });

  after(() =>
    closeAll(
      () => subscriber?.closeAllConnections(),
      () => subscriber && new Promise<void>((resolve) => subscriber!.close(() => resolve())),
      () => world?.close(),
    ),
  );

  test('the deliveries list is camelCase with ISO times and each attempt, newest object first, and shows no secret', async () => {
    const res = await h.request('GET', `/api/subscriptions/${subscriptionId}/deliveries`);
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(!res.body.includes(secret));
    const { data, hasMore } = res.json() as { data: DeliveryJson[]; hasMore: boolean };
    assert.equal(hasMore, false);
    assert.deepEqual(data.map((d) => d.stripeObjectId), ['cus_new', 'cus_fail', 'cus_old']);
    for (const delivery of data) assert.deepEqual(Object.keys(delivery).sort(), DELIVERY_FIELDS);
    const [newest, failing] = data;
    assert.equal(newest!.status, 'delivered');
    assert.equal(newest!.nextAttemptAt, null, 'a delivered delivery is due no more');
    assert.equal(newest!.objectCreated, '2026-11-26T05:59:52Z', 'the Stripe object\'s creation second');
    assert.equal(failing!.status, 'pending');
    assert.equal(failing!.lastStatusCode, 500);
    assert.ok(Date.parse(failing!.nextAttemptAt!) > clockMs - 1000, 'the retry is scheduled after the failed attempt');
    assert.deepEqual(failing!.attemptsHistory!.map((a) => [a.attempt, a.statusCode, a.error]), [[1, 500, 'answered 500']]);
    assert.equal(failing!.attemptsHistory![0]!.startedAt, new Date(Date.parse('2026-11-26T06:00:01.000Z')).toISOString());
  });

  test('pages of `limit` follow each other through startingAfter without a gap or a repeat; a foreign cursor is a 400 naming it', async () => {
    const first = (await h.request('GET', `/api/subscriptions/${subscriptionId}/deliveries?limit=2`)).json() as { data: DeliveryJson[]; hasMore: boolean };
    assert.equal(first.data.length, 2);
    assert.equal(first.hasMore, true);
    const second = (await h.request('GET', `/api/subscriptions/${subscriptionId}/deliveries?limit=2&startingAfter=${first.data[1]!.id}`)).json() as {
      data: DeliveryJson[];
      hasMore: boolean;
    };
    assert.equal(second.hasMore, false);
    assert.deepEqual([...first.data, ...second.data].map((d) => d.stripeObjectId), ['cus_new', 'cus_fail', 'cus_old']);

    const onlyPending = (await h.request('GET', `/api/subscriptions/${subscriptionId}/deliveries?status=pending`)).json() as { data: DeliveryJson[] };
    assert.deepEqual(onlyPending.data.map((d) => d.stripeObjectId), ['cus_fail']);

    const foreign = await h.request('GET', `/api/subscriptions/${subscriptionId}/deliveries?startingAfter=msg_not_this_one`);
    assert.equal(foreign.statusCode, 400);
    assert.deepEqual(foreign.json().error.details, [{ field: 'query.startingAfter', message: 'is not a delivery of this subscription' }]);
    const badLimit = await h.request('GET', `/api/subscriptions/${subscriptionId}/deliveries?limit=0`);
    assert.equal(badLimit.statusCode, 400);
    assert.equal(badLimit.json().error.details[0].field, 'query.limit');
  });

  test('retry answers the delivery as queued again, in the same camelCase view', async () => {
    const list = (await h.request('GET', `/api/subscriptions/${subscriptionId}/deliveries`)).json() as { data: DeliveryJson[] };
    const delivered = list.data.find((d) => d.stripeObjectId === 'cus_new')!;
    const res = await h.request('POST', `/api/deliveries/${delivered.id}/retry`);
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json() as DeliveryJson;
    assert.deepEqual(Object.keys(view).sort(), DELIVERY_FIELDS.filter((f) => f !== 'attemptsHistory'));
    assert.equal(view.id, delivered.id, 'same id, so the subscriber sees the same webhook-id');
    assert.equal(view.status, 'pending');
    assert.equal(view.attempts, 0);
    assert.ok(Date.parse(view.nextAttemptAt!) >= clockMs, 'due again from now on');
    assert.equal((await h.request('POST', `/api/deliveries/${delivered.id}/retry`, { token: h.bob.token })).statusCode, 404);
  });

  test('GET /api/runs merges action runs and delivery attempts newest first, with the same filters on both', async () => {
    const all = (await h.request('GET', '/api/runs')).json().data as RunJson[];
    assert.deepEqual(
      all.map((r) => [r.kind, r.operation]),
      [['action', 'createCustomer'], ['delivery', 'customerAdded'], ['delivery', 'customerAdded'], ['delivery', 'customerAdded']],
    );
    const times = all.map((r) => r.createdAt);
    assert.deepEqual(times, [...times].sort().reverse());
    const failed = all.filter((r) => r.kind === 'delivery' && r.status === 'failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.statusCode, 500);
    assert.equal(failed[0]!.error, 'answered 500');
    assert.equal(failed[0]!.subscription, subscriptionId);
    assert.equal(failed[0]!.connection, connectionId);
    const deliveries = (await h.request('GET', `/api/subscriptions/${subscriptionId}/deliveries`)).json().data as DeliveryJson[];
    assert.equal(failed[0]!.delivery, deliveries.find((d) => d.stripeObjectId === 'cus_fail')!.id);
    assert.ok(!JSON.stringify(all).includes(secret));

    const runs = async (query: string) => ((await h.request('GET', `/api/runs?${query}`)).json().data as RunJson[]).map((r) => `${r.kind}:${r.status}`);
    assert.deepEqual(await runs('operation=customerAdded&status=failed'), ['delivery:failed']);
    assert.deepEqual(await runs('status=succeeded'), ['action:succeeded', 'delivery:succeeded', 'delivery:succeeded']);
    assert.deepEqual(await runs('operation=createCustomer'), ['action:succeeded']);
    // The three attempts of one worker round share their start time: which one comes second is open.
    assert.deepEqual((await runs(`connection=${connectionId}&limit=2`)).map((r) => r.split(':')[0]), ['action', 'delivery']);
    assert.deepEqual(await runs('connection=conn_someone_else'), []);
    assert.deepEqual(((await h.request('GET', '/api/runs', { token: h.bob.token })).json().data as RunJson[]).length, 0, "another user's runs are not listed");
  });

  test('GET /api/runs pages through startingAfter without a gap or a repeat; another user\'s run id is a 400 naming the field', async () => {
    const all = (await h.request('GET', '/api/runs')).json() as { data: RunJson[]; hasMore: boolean };
    assert.equal(all.hasMore, false);
    const paged: string[] = [];
    let startingAfter = '';
    for (let page = 0; page < all.data.length; page += 1) {
      const res = (await h.request('GET', `/api/runs?limit=1${startingAfter}`)).json() as { data: RunJson[]; hasMore: boolean };
      paged.push(...res.data.map((r) => r.id));
      assert.equal(res.hasMore, paged.length < all.data.length);
      if (!res.hasMore) break;
      startingAfter = `&startingAfter=${res.data.at(-1)!.id}`;
    }
    assert.deepEqual(paged, all.data.map((r) => r.id));
    const foreign = await h.request('GET', `/api/runs?startingAfter=${all.data[0]!.id}`, { token: h.bob.token });
    assert.equal(foreign.statusCode, 400);
    assert.deepEqual(foreign.json().error.details, [{ field: 'query.startingAfter', message: 'is not one of your runs' }]);
  });

  test('a subscription body is checked field by field, and nothing is stored for a bad one', async () => {
    const before = (await h.request('GET', '/api/subscriptions')).json().data.length;
    const bad = await h.request('POST', `/api/connections/${connectionId}/subscriptions`, {
      body: { trigger: 'refundAdded', url: 'ftp://127.0.0.1/hook', mode: 'sometimes', since: 'yesterday' },
    });
    assert.equal(bad.statusCode, 400);
    const details = bad.json().error.details as { field: string; message: string }[];
    assert.deepEqual(details.map((p) => p.field).sort(), ['mode', 'since', 'trigger', 'url']);
    assert.match(details.find((p) => p.field === 'trigger')!.message, /chargeAdded.*customerAdded.*invoiceItemAdded.*orderAdded/);
    const empty = await h.request('POST', `/api/connections/${connectionId}/subscriptions`);
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(empty.json().error.details.map((p: { field: string }) => p.field).sort(), ['trigger', 'url']);
    assert.equal((await h.request('GET', '/api/subscriptions')).json().data.length, before);
  });
});
