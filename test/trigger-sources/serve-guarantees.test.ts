// Delivery guarantees through the whole server as `serve` runs it (serve-world.ts):
// a subscriber that answers 500 for a while is retried on the configured backoff and then served,
// with every attempt in its delivery history; a Stripe event that arrives several times at
// POST /webhooks/stripe/{connectionId} reaches the subscriber once; forged and stale ones never do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startServeWorld, type ServeWorld } from './serve-world.js';

interface AttemptJson {
  attempt: number;
  startedAt: string;
  statusCode: number | null;
}
interface DeliveryJson {
  id: string;
  stripeObjectId: string;
  status: string;
  attempts: number;
  attemptsHistory: AttemptJson[];
}

/** Until `read` holds, checked every 20 ms, for at most timeoutMs. */
async function until<T>(what: string, read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline) assert.fail(`${what} within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('delivery guarantees through serve', () => {
  let world: ServeWorld;

  before(async () => {
    // The shortest first retry the configuration allows, so three failures take seconds, not 35 s.
    world = await startServeWorld({ DELIVERY_FIRST_RETRY_SECONDS: '1' });
  });
  after(() => world?.close());

  const history = async (subscriptionId: string): Promise<DeliveryJson[]> => {
    const answer = await world.api('GET', `/api/subscriptions/${subscriptionId}/deliveries`);
    assert.equal(answer.status, 200);
    return answer.json.data as DeliveryJson[];
  };

  test('a subscriber answering 500 for a while is retried with growing waits, then delivered, and every attempt is in its history', async () => {
    const { connectionId, stripe } = await world.connect();
    const subscriptionId = await world.subscribe(connectionId, { trigger: 'customerAdded', pollIntervalSeconds: 1 });
    world.subscriber.failNext(3);
    const receivedBefore = world.subscriber.received.length;
    const customer = await stripe.customers.create({ email: 'retried@example.com' });
    // Poll within 1 s, then waits of 0.5–1 s, 1–2 s and 2–4 s (first retry 1 s, doubling, jitter ≤ half).
    await world.subscriber.waitFor(receivedBefore + 1, 30_000);

    const [delivered] = world.subscriber.received.slice(receivedBefore);
    assert.equal(delivered!.body.data.id, customer.id);
    assert.deepEqual(
      world.subscriber.requests.filter((r) => r.webhookId === delivered!.webhookId).map((r) => r.status),
      [500, 500, 500, 204],
      'the same webhook-id every time',
    );
    const [row] = await until('the success recorded', () => history(subscriptionId), (rows) => rows[0]?.status === 'delivered');
    assert.equal(row!.id, delivered!.webhookId);
    assert.equal(row!.attempts, 4);
    assert.deepEqual(row!.attemptsHistory.map((a) => [a.attempt, a.statusCode]), [[1, 500], [2, 500], [3, 500], [4, 204]]);
    // Each wait is at least half its nominal value: 1 s, 2 s, 4 s.
    const started = row!.attemptsHistory.map((a) => Date.parse(a.startedAt));
    const waits = started.slice(1).map((t, i) => t - started[i]!);
    assert.ok(waits[0]! >= 500 && waits[1]! >= 1_000 && waits[2]! >= 2_000, `waits ${waits.join(', ')} ms`);
  });

  test('a Stripe event that arrives four times reaches the subscriber once; forged and stale events are refused and never delivered', async () => {
    const { connectionId, apiKey, stripe } = await world.connect();
    const subscriptionId = await world.subscribe(connectionId, { trigger: 'customerAdded', mode: 'webhook' });
    const endpointSecret = (await world.server.services.webhookEndpoints.secretFor(connectionId))!;
    const post = (body: string, signature: string) =>
      fetch(`${world.server.url}/webhooks/stripe/${connectionId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
        body,
      });
    const sign = (body: string, secret = endpointSecret, timestamp = Math.floor(Date.now() / 1000)) =>
      Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });

    const customer = await stripe.customers.create({ email: 'once@example.com' });
    // The emulator sends customer.created itself (the first arrival); the same event, re-signed, three more times.
    const [event] = (await stripe.events.list({ type: 'customer.created' })).data;
    const body = JSON.stringify(event);
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      const answer = await post(body, sign(body));
      answers.push([answer.status, await answer.json()]);
    }
    assert.ok(answers.every(([status]) => status === 200), JSON.stringify(answers));

    const forgedAbout = { ...event!.data.object, id: 'cus_forged', email: 'forged@example.com' };
    const forged = JSON.stringify({ ...event, id: 'evt_forged', data: { object: forgedAbout } });
    assert.equal((await post(forged, sign(forged, 'whsec_someone_else'))).status, 400, 'another secret');
    assert.equal((await post(forged, sign(forged, endpointSecret, Math.floor(Date.now() / 1000) - 400))).status, 400, 'stale by 400 s');

    const emulatorSends = () =>
      fetch(`${world.emulator.url}/_emulator/webhooks/deliveries?event=${event!.id}`, { headers: { authorization: `Bearer ${apiKey}` } })
        .then((r) => r.json() as Promise<{ data: { http_status: number | null }[] }>)
        .then((log) => log.data.map((d) => d.http_status));
    await until('the emulator’s own send acknowledged', emulatorSends, (statuses) => statuses.includes(200));
    const [row] = await until('the delivery recorded', () => history(subscriptionId), (rows) => rows[0]?.status === 'delivered');
    const deliveries = await history(subscriptionId);
    assert.deepEqual(deliveries.map((d) => [d.stripeObjectId, d.status, d.attempts]), [[customer.id, 'delivered', 1]]);
    const mine = world.subscriber.received.filter((d) => d.body.subscription === subscriptionId);
    assert.deepEqual(mine.map((d) => [d.webhookId, d.body.data.id]), [[row!.id, customer.id]]);
  });
});
