// The delivery guarantee under crashes: a worker process killed with SIGKILL at random moments
// while it delivers, restarted five times, and a last one left to finish. Every object reaches the
// subscriber at least once; a repeat carries the same webhook-id and the same body; nothing is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { openTestStore } from '../support/store-fixture.js';
import { enqueueTriggerEvents } from '../../src/delivery/enqueue.js';
import { generateSubscriptionSecret } from '../../src/delivery/signing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OBJECTS = 300;

test('a worker killed with SIGKILL five times while delivering loses nothing, and repeats only with the same webhook-id', async () => {
  const store = await openTestStore();
  const secret = generateSubscriptionSecret();
  const verifier = new Webhook(secret);
  const received: { webhookId: string; body: string }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const subscriber = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      verifier.verify(body, req.headers as Record<string, string>);
      received.push({ webhookId: String(req.headers['webhook-id']), body });
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
      // A little work per event widens the window in which a kill falls between send and record.
      setTimeout(() => res.writeHead(204).end(), 2);
    });
  });
  await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
  const receivedAtLeast = (count: number) =>
    received.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }));

  const children: ChildProcess[] = [];
  const startWorker = () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/delivery/worker-process.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: store.dataDir,
        DATABASE_URL: store.databaseUrl ?? '',
        SUBSCRIPTION_SECRET: secret,
        LEASE_MS: '300',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };
  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });

  try {
    await store.db
      .insertInto('subscriptions')
      .values({
        id: 'sub_crash',
        user_id: 'usr_1',
        connection_id: 'conn_1',
        trigger: 'chargeAdded',
        url: `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/hook`,
        mode: 'poll',
        poll_interval_seconds: 120,
        secret_ciphertext: 'sealed',
        status: 'active',
        since: new Date(0).toISOString(),
        created_at: new Date().toISOString(),
      })
      .execute();
    await enqueueTriggerEvents(store.db, {
      connectionId: 'conn_1',
      trigger: 'chargeAdded',
      objects: Array.from({ length: OBJECTS }, (_, i) => ({
        stripeObjectId: `ch_${i}`,
        objectCreated: 1_795_000_000 + i,
        data: { id: `ch_${i}` },
        subscriptionIds: ['sub_crash'],
      })),
    });

    // Five kills, each after a random further 10–50 requests have arrived.
    let target = 0;
    for (let round = 0; round < 5; round += 1) {
      const child = startWorker();
      target = received.length + 10 + Math.floor(Math.random() * 40);
      await receivedAtLeast(Math.min(target, OBJECTS));
      await kill(child);
    }
    const last = startWorker();
    // Until the last worker has recorded every delivery (checked every 50 ms, for at most 60 s).
    const deadline = Date.now() + 60_000;
    for (;;) {
      const left = await store.db.selectFrom('deliveries').select('id').where('status', '!=', 'delivered').execute();
      if (left.length === 0) break;
      assert.ok(Date.now() < deadline, `${left.length} deliveries still not delivered after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await kill(last);

    const deliveries = await store.db.selectFrom('deliveries').select(['id', 'stripe_object_id']).execute();
    const objectOf = new Map(deliveries.map((d) => [d.id, d.stripe_object_id]));
    const bodies = new Map<string, string>();
    for (const { webhookId, body } of received) {
      assert.ok(objectOf.has(webhookId), `unknown webhook-id ${webhookId}`);
      const seen = bodies.get(webhookId);
      if (seen !== undefined) assert.equal(body, seen, 'a repeat carries the same body');
      bodies.set(webhookId, body);
      assert.equal((JSON.parse(body) as { data: { id: string } }).data.id, objectOf.get(webhookId));
    }
    assert.equal(bodies.size, OBJECTS, 'every object delivered at least once');
    assert.ok(received.length >= OBJECTS);
  } finally {
    await Promise.all(children.map(kill));
    subscriber.closeAllConnections();
    await new Promise<void>((resolve) => subscriber.close(() => resolve()));
    await store.close();
  }
});
