// Two `serve` processes' worth of services on one store: A runs the API role (no worker), B the
// worker role with a 30 s idle look at the outbox. On PostgreSQL, what A commits reaches B's
// subscriber within seconds, woken by NOTIFY (src/store/deliveries/wake-ups.ts), never before A's
// commit; on both stores A sends nothing itself and B takes what A left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { generateSubscriptionSecret } from '../../src/delivery/signing.js';
import { enqueueTriggerEvents } from '../../src/delivery/enqueue.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { insertSubscription, newStorePlace, type StorePlace } from '../support/store-fixture.js';
import { startSubscriber, type Subscriber } from '../support/recording-subscriber.js';
import { capturedLog } from '../support/captured-log.js';
import { eventually } from '../support/eventually.js';
import { closeAll } from '../support/cleanup.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined && process.env.TEST_DATABASE_URL !== '';
const postgresOnly = !onPostgres && 'PostgreSQL only: SQLite has no NOTIFY (its worker looks at its idle interval)';

let place: StorePlace | undefined;
let subscriber: Subscriber | undefined;
let a: RunningServer | undefined;
let b: RunningServer | undefined;
const bLog = capturedLog();
let config: (role: Config['role']) => Config;
let token = '';
let objectNumber = 0;

/** One new charge for the subscription, committed by A (as its inbound webhook or poll would). */
async function enqueueOnA(during?: () => Promise<void>): Promise<void> {
  objectNumber += 1;
  const objects = [{ stripeObjectId: `ch_wake_${objectNumber}`, objectCreated: 1_795_000_000 + objectNumber, data: { id: `ch_wake_${objectNumber}` }, subscriptionIds: ['sub_wake'] }];
  await a!.services.db.transaction().execute(async (tx) => {
    await enqueueTriggerEvents(tx, { connectionId: 'conn_wake', trigger: 'chargeAdded', objects });
    await during?.();
  });
}

before(async () => {
  place = await newStorePlace('sc-wake-');
  const masterKey = randomBytes(32);
  const { dataDir, databaseUrl } = place;
  config = (role) => loadConfig({}, { dataDir, databaseUrl, masterKey: masterKey.toString('base64'), callbackAllowPrivate: true, port: 0, role });
  a = await startServer(config('api'));
  subscriber = await startSubscriber();
  const secret = generateSubscriptionSecret();
  subscriber.addSecret(secret);
  const { db } = a.services;
  const alice = await createUserWithToken(db, { name: 'alice' });
  token = alice.token;
  const now = new Date().toISOString();
  await db
    .insertInto('connections')
    .values({ id: 'conn_wake', user_id: alice.userId, name: 'wake', mode: 'test', key_hint: 'sk_test_…abcd', key_ciphertext: 'sealed', api_base: 'http://127.0.0.1:1', api_version: null, rate_limit: null, key_check: 'verified', created_at: now })
    .execute();
  await insertSubscription(db, 'sub_wake', 'chargeAdded', 0, {
    user_id: alice.userId,
    connection_id: 'conn_wake',
    url: subscriber.url,
    secret_ciphertext: createKeyCipher(masterKey).seal(secret, 'sub_wake'),
  });
});

after(() => closeAll(() => a?.stop(), () => b?.stop(), () => subscriber?.close(), () => place?.remove()));

test('a process with the api role sends nothing itself; a worker-role process started later sends what it left', async () => {
  await enqueueOnA();
  // An all-role process would send within its 250 ms idle look: six times that passes unsent.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  assert.equal(subscriber!.requests.length, 0);
  b = await startServer(config('worker'), { deliveryIdleIntervalMs: 30_000, logger: bLog.logger });
  const [delivered] = await subscriber!.waitFor(1, 10_000);
  assert.equal(delivered!.body.data.id, `ch_wake_${objectNumber}`);
});

test('a delivery committed on the api process reaches the worker process in seconds, not at its 30 s idle look, and never before the commit', { skip: postgresOnly }, async () => {
  const before = subscriber!.received.length;
  const startedAt = Date.now();
  await enqueueOnA(async () => {
    // Written but not committed: nothing may be sent yet.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(subscriber!.received.length, before, 'sent before the commit');
  });
  await subscriber!.waitFor(before + 1, 5_000);
  assert.ok(Date.now() - startedAt < 10_000);
});

test('a delivery replayed through the api process is sent again by the worker process in seconds', { skip: postgresOnly }, async () => {
  const delivered = await a!.services.db.selectFrom('deliveries').select('id').where('status', '=', 'delivered').executeTakeFirstOrThrow();
  const before = subscriber!.received.length;
  const res = await fetch(`${a!.url}/api/deliveries/${delivered.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  const [again] = (await subscriber!.waitFor(before + 1, 5_000)).slice(before);
  assert.equal(again!.webhookId, delivered.id, 'the same webhook-id');
});

test('a worker whose listening connection is cut logs it once, listens again, and is woken as before', { skip: postgresOnly }, async () => {
  // What a failover does to the connection: the server ends it.
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where query = 'listen stripe_connector_deliveries' and datname = current_database()`.execute(a!.services.db);
  await eventually(async () => bLog.text(), (text) => text.includes('delivery wake-ups: listening again'), 10_000);
  assert.equal(bLog.lines().filter((line) => String(line.msg).startsWith('delivery wake-ups: lost')).length, 1, 'one line per outage');
  const before = subscriber!.received.length;
  await enqueueOnA();
  await subscriber!.waitFor(before + 1, 5_000);
});
