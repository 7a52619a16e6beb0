// GET /api/stream over a real socket: the harness's app listening on port 0, read with fetch and a
// stream reader as the console reads it. A delivery is made by a second instance of the services
// on the same store (as another process would), and an action is called through the API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';
import { closeAll } from '../support/cleanup.js';
import { insertConnectionRow, insertSubscriptionRow } from '../support/delivery-seed.js';
import { composeServices, type Services } from '../../src/app/services.js';
import { loadConfig } from '../../src/config.js';
import { enqueueTriggerEvents } from '../../src/delivery/enqueue.js';

interface StreamEvent {
  event: string;
  data: { id: string; stripeObjectId?: string; subscription?: string; connection?: string; kind?: string; operation?: string };
}

/** Reads SSE events until `wanted` matches one or `timeoutMs` passes; returns every event read. */
async function readUntil(body: ReadableStream<Uint8Array>, wanted: (e: StreamEvent) => boolean, timeoutMs = 10_000): Promise<StreamEvent[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: StreamEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadline - Date.now()))]);
      if (chunk === 'timeout' || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) {
          const parsed = { event, data: JSON.parse(data) as StreamEvent['data'] };
          events.push(parsed);
          if (wanted(parsed)) return events;
        }
      }
    }
    throw new Error(`the wanted event did not come within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
  } finally {
    await reader.cancel();
  }
}

describe('GET /api/stream', () => {
  let world: EmulatorWorld | undefined;
  let other: Services | undefined;
  let base = '';

  before(async () => {
    world = await startEmulatorWorld({ services: { stripeRequestsPerSecond: false } });
    const h = world.harness;
    await insertSubscriptionRow(h.services.db, 'sub_stream', h.alice.userId, world.connectionId, 'customerAdded');
    await insertConnectionRow(h.services.db, 'conn_bob', h.bob.userId);
    await insertSubscriptionRow(h.services.db, 'sub_bob', h.bob.userId, 'conn_bob', 'customerAdded');
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    other = await composeServices(loadConfig({}, { dataDir: h.dataDir, databaseUrl: h.databaseUrl, stripeApiBase: world.emulator.url }));
  });

  after(() => closeAll(() => other?.close(), () => world?.close()));

  const open = (query = '', token = world!.harness.alice.token) => fetch(`${base}/api/stream${query}`, { headers: { authorization: `Bearer ${token}` } });

  test('a delivery made by another instance on the same store arrives as a delivery event', async () => {
    const res = await open('?subscription=sub_stream');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const made = enqueueTriggerEvents(other!.db, {
      connectionId: world!.connectionId,
      trigger: 'customerAdded',
      objects: [{ stripeObjectId: 'cus_from_elsewhere', objectCreated: Math.floor(Date.now() / 1000), data: { id: 'cus_from_elsewhere' }, subscriptionIds: ['sub_stream'] }],
    });
    const events = await readUntil(res.body!, (e) => e.event === 'delivery' && e.data.stripeObjectId === 'cus_from_elsewhere');
    await made;
    const delivery = events.at(-1)!.data;
    assert.equal(delivery.subscription, 'sub_stream');
    assert.equal(delivery.connection, world!.connectionId);
  });

  test('an action call arrives as a run event', async () => {
    const res = await open();
    assert.equal(res.status, 200);
    const called = await world!.action('createCustomer', { email: 'stream@example.com' });
    assert.equal(called.statusCode, 200);
    const runId = String(called.headers['run-id']);
    const events = await readUntil(res.body!, (e) => e.event === 'run' && e.data.id === runId);
    assert.equal(events.at(-1)!.data.operation, 'createCustomer');
  });

  test('needs a token; another user\'s subscription is a 404 and a bad field a 400', async () => {
    assert.equal((await fetch(`${base}/api/stream`)).status, 401);
    assert.equal((await open('?subscription=sub_bob')).status, 404);
    const bad = await open('?colour=blue');
    assert.equal(bad.status, 400);
    assert.ok(((await bad.json()) as { error: { details: { field: string }[] } }).error.details.some((d) => d.field === 'query.colour'));
  });
});
