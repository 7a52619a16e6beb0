// The master key against the store it sealed, on a real store (a SQLite file in a temp dir, or a
// fresh PostgreSQL database with TEST_DATABASE_URL): a start with a wrong or missing key is
// refused, a key is generated only for a store holding nothing sealed, and `keys rotate` moves
// every sealed secret to a new key in one transaction or changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.js';
import { composeServices, openStoreAt, type Services } from '../../src/app/services.js';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { masterKeyFile } from '../../src/connections/master-key.js';
import { rotateMasterKey } from '../../src/connections/key-rotation.js';
import { createLogger } from '../../src/log.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import type { Store } from '../../src/store/database.js';
import { newStorePlace, type StorePlace as Place } from '../support/store-fixture.js';
import { addressWithoutServer } from '../support/free-address.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { testActions } from '../support/test-actions.js';
import { runCli } from '../support/processes.js';
import { closeAll } from '../support/cleanup.js';

const API_KEY = 'sk_test_51HmasterKeyTestKey00c0ffee';
const SUBSCRIPTION_SECRET = 'whsec_c3Vic2NyaXB0aW9uc2VjcmV0MDE=';
const ENDPOINT_SECRET = 'whsec_ZW5kcG9pbnRzZWNyZXQwMTIzNDU2';

/** What a user would see break: one sealed secret of each kind, and a connection to run actions on. */
interface SealedWorld {
  userId: string;
  connectionId: string;
  subscriptionId: string;
}

const b64 = (key: Buffer) => key.toString('base64');

describe('the master key and the store it sealed', () => {
  let stripe: StripeStandIn;
  const places: Place[] = [];
  const open: Services[] = [];

  before(async () => {
    stripe = await startStripeStandIn();
  });
  after(() =>
    closeAll(
      ...open.splice(0).map((services) => () => services.close()),
      ...places.splice(0).map((place) => () => place.remove()),
      () => stripe?.stop(),
    ),
  );

  const place = async () => {
    const p = await newStorePlace('sc-master-key-');
    places.push(p);
    return p;
  };

  const config = (p: Place, masterKey?: Buffer) =>
    loadConfig({}, { dataDir: p.dataDir, databaseUrl: p.databaseUrl, stripeApiBase: stripe.url, ...(masterKey ? { masterKey: b64(masterKey) } : {}) });

  /** A start as `serve` does it; with no key, STRIPE_CONNECTOR_MASTER_KEY is unset. */
  const start = async (p: Place, masterKey?: Buffer): Promise<Services> => {
    const services = await composeServices(config(p, masterKey), { logger: createLogger({ level: 'silent' }), actions: testActions });
    open.push(services);
    return services;
  };
  const stop = async (services: Services) => {
    open.splice(open.indexOf(services), 1);
    await services.close();
  };

  /** A connection made through the service, plus a subscription and a webhook endpoint sealed under `key`. */
  async function sealSomething(services: Services, key: Buffer): Promise<SealedWorld> {
    const { userId } = await createUserWithToken(services.db, { name: 'alice' });
    const connection = await services.connections.create(userId, { name: 'shop', apiKey: API_KEY });
    const cipher = createKeyCipher(key);
    const subscriptionId = `sub_${randomBytes(6).toString('hex')}`;
    const now = new Date().toISOString();
    await services.db
      .insertInto('subscriptions')
      .values({ id: subscriptionId, user_id: userId, connection_id: connection.id, trigger: 'chargeAdded', url: 'https://example.com/hook', mode: 'poll', poll_interval_seconds: 120, secret_ciphertext: cipher.seal(SUBSCRIPTION_SECRET, subscriptionId), status: 'active', since: now, created_at: now })
      .execute();
    await services.db
      .insertInto('webhook_endpoints')
      .values({ connection_id: connection.id, stripe_endpoint_id: 'we_1', url: 'https://example.com/webhooks', enabled_events: '[]', secret_ciphertext: cipher.seal(ENDPOINT_SECRET, connection.id), created_at: now, updated_at: now })
      .execute();
    return { userId, connectionId: connection.id, subscriptionId };
  }

  /** Runs an action on the connection: it reaches Stripe only if its API key opened. */
  async function actionWorks(services: Services, world: SealedWorld): Promise<void> {
    const seen = stripe.seen.length;
    const output = (await services.actions.run({ userId: world.userId, connectionId: world.connectionId, operation: 'standInCreateCustomer', input: { email: 'a@example.com' } })) as { id: string };
    assert.match(output.id, /^cus_/);
    assert.equal(stripe.seen[seen]?.apiKey, API_KEY, 'Stripe got the key the connection was made with');
  }

  /** Every sealed value and the check value, to show a refused operation changed nothing. */
  async function sealedSnapshot(db: Store): Promise<unknown> {
    return {
      connections: await db.selectFrom('connections').select(['id', 'key_ciphertext']).orderBy('id').execute(),
      subscriptions: await db.selectFrom('subscriptions').select(['id', 'secret_ciphertext']).orderBy('id').execute(),
      endpoints: await db.selectFrom('webhook_endpoints').select(['connection_id', 'secret_ciphertext']).orderBy('connection_id').execute(),
      check: await db.selectFrom('master_key_check').selectAll().execute(),
    };
  }

  const refusal = (p: Place) => (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, /STRIPE_CONNECTOR_MASTER_KEY/);
    assert.ok(error.message.includes(masterKeyFile(p.dataDir)), `names ${masterKeyFile(p.dataDir)}: ${error.message}`);
    assert.match(error.message, /Restore the master key that sealed this store/);
    assert.match(error.message, /keys rotate/);
    return true;
  };

  test('an empty store gets a generated DATA_DIR/master.key (mode 0600), which the next start uses', async () => {
    const p = await place();
    const first = await start(p);
    const file = masterKeyFile(p.dataDir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    assert.equal(key.length, 32);
    const world = await sealSomething(first, key);
    await stop(first);
    const again = await start(p);
    assert.deepEqual(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), key, 'the file is reused, not replaced');
    await actionWorks(again, world);
  });

  test('a start with a STRIPE_CONNECTOR_MASTER_KEY that did not seal the store is refused; the right key then works', async () => {
    const p = await place();
    const right = randomBytes(32);
    const first = await start(p, right);
    const world = await sealSomething(first, right);
    await stop(first);

    await assert.rejects(start(p, randomBytes(32)), refusal(p));
    assert.equal(existsSync(masterKeyFile(p.dataDir)), false, 'no key file is written beside the variable');

    const again = await start(p, right);
    await actionWorks(again, world);
    assert.equal(again.subscriptions.openSecret(await again.db.selectFrom('subscriptions').selectAll().where('id', '=', world.subscriptionId).executeTakeFirstOrThrow()), SUBSCRIPTION_SECRET);
  });

  test('a missing DATA_DIR/master.key on a store with sealed secrets is refused and no new key is written; restored, it works', async () => {
    const p = await place();
    const first = await start(p);
    const file = masterKeyFile(p.dataDir);
    const saved = readFileSync(file, 'utf8');
    const world = await sealSomething(first, Buffer.from(saved.trim(), 'base64'));
    await stop(first);

    unlinkSync(file);
    await assert.rejects(start(p), refusal(p));
    assert.equal(existsSync(file), false, 'no new key was generated');
    // A wrong file is refused as well.
    writeFileSync(file, b64(randomBytes(32)), { mode: 0o600 });
    await assert.rejects(start(p), refusal(p));

    writeFileSync(file, saved, { mode: 0o600 });
    await actionWorks(await start(p), world);
  });

  test('a store sealed before the check value existed is judged by its sealed rows, and gets the check value from the right key', async () => {
    const p = await place();
    const right = randomBytes(32);
    const first = await start(p, right);
    const world = await sealSomething(first, right);
    await first.db.deleteFrom('master_key_check').execute();
    await stop(first);

    await assert.rejects(start(p, randomBytes(32)), refusal(p));
    const again = await start(p, right);
    assert.equal((await again.db.selectFrom('master_key_check').selectAll().execute()).length, 1, 'the check value is written now');
    await actionWorks(again, world);
  });

  test('two processes starting at once on an empty store with different keys: one starts, the other is refused', async () => {
    const p = await place();
    // Migrated first, so the two starts race on the check value only.
    await (await openStoreAt(config(p))).destroy();
    const outcomes = await Promise.allSettled([start(p, randomBytes(32)), start(p, randomBytes(32))]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refusal(p)(refused.reason));
  });

  test('three processes starting at once on a fresh store with the same key all start, over one check value', async () => {
    const p = await place();
    const key = randomBytes(32);
    // Not migrated first: the starts race on the migrations and on the check value together.
    const outcomes = await Promise.allSettled([start(p, key), start(p, key), start(p, key)]);
    assert.deepEqual(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : o.status)), ['fulfilled', 'fulfilled', 'fulfilled']);
    const services = (outcomes[0] as PromiseFulfilledResult<Services>).value;
    assert.equal((await services.db.selectFrom('master_key_check').selectAll().execute()).length, 1);
  });

  test('keys rotate re-seals every secret: actions work under the new key, and the old key is refused from then on', async () => {
    const p = await place();
    const oldKey = randomBytes(32);
    const first = await start(p, oldKey);
    const world = await sealSomething(first, oldKey);
    await stop(first);

    const newKeyFile = join(p.dataDir, 'new.key');
    const db = await openStoreAt(config(p, oldKey));
    try {
      const report = await rotateMasterKey({ db, masterKey: b64(oldKey), dataDir: p.dataDir, newKeyFile, generate: true });
      assert.deepEqual(report.counts, [
        { label: 'connection API keys', count: 1 },
        { label: 'subscription secrets', count: 1 },
        { label: 'webhook endpoint secrets', count: 1 },
      ]);
      assert.equal(report.replaced, undefined, 'the key came from the variable: no file of the servers is touched');
    } finally {
      await db.destroy();
    }
    assert.equal(statSync(newKeyFile).mode & 0o777, 0o600);
    const newKey = Buffer.from(readFileSync(newKeyFile, 'utf8').trim(), 'base64');

    await assert.rejects(start(p, oldKey), refusal(p));
    const rotated = await start(p, newKey);
    await actionWorks(rotated, world);
    const subscription = await rotated.db.selectFrom('subscriptions').selectAll().where('id', '=', world.subscriptionId).executeTakeFirstOrThrow();
    assert.equal(rotated.subscriptions.openSecret(subscription), SUBSCRIPTION_SECRET);
    assert.equal(await rotated.webhookEndpoints.secretFor(world.connectionId), ENDPOINT_SECRET);
  });

  test('rotating a DATA_DIR/master.key replaces it with the new key and keeps the old one as master.key.old (0600)', async () => {
    const p = await place();
    const first = await start(p);
    const file = masterKeyFile(p.dataDir);
    const oldText = readFileSync(file, 'utf8');
    const world = await sealSomething(first, Buffer.from(oldText.trim(), 'base64'));
    await stop(first);

    const newKeyFile = join(p.dataDir, 'new.key');
    const db = await openStoreAt(config(p));
    try {
      const report = await rotateMasterKey({ db, masterKey: undefined, dataDir: p.dataDir, newKeyFile, generate: true });
      assert.deepEqual(report.replaced, { file, oldKeptIn: `${file}.old` });
    } finally {
      await db.destroy();
    }
    assert.equal(readFileSync(file, 'utf8').trim(), readFileSync(newKeyFile, 'utf8').trim());
    assert.equal(readFileSync(`${file}.old`, 'utf8').trim(), oldText.trim());
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(`${file}.old`).mode & 0o777, 0o600);
    await actionWorks(await start(p), world);
  });

  test('a rotation with the wrong old key, or over a secret that does not open, changes nothing', async () => {
    const p = await place();
    const right = randomBytes(32);
    const first = await start(p, right);
    const world = await sealSomething(first, right);
    await stop(first);

    const wrongFile = join(p.dataDir, 'wrong.key');
    writeFileSync(wrongFile, b64(randomBytes(32)), { mode: 0o600 });
    const newKeyFile = join(p.dataDir, 'new.key');
    const db = await openStoreAt(config(p, right));
    try {
      const before = await sealedSnapshot(db);
      await assert.rejects(
        rotateMasterKey({ db, masterKey: b64(right), dataDir: p.dataDir, oldKeyFile: wrongFile, newKeyFile, generate: true }),
        /wrong\.key is not the master key that sealed this store; nothing was changed/,
      );
      assert.deepEqual(await sealedSnapshot(db), before);
      assert.equal(existsSync(newKeyFile), false, 'no new key file is left behind');

      // One damaged secret among good ones: refused, naming the row, and nothing re-sealed.
      await db.updateTable('subscriptions').set({ secret_ciphertext: createKeyCipher(randomBytes(32)).seal('whsec_x', world.subscriptionId) }).execute();
      const damaged = await sealedSnapshot(db);
      await assert.rejects(
        rotateMasterKey({ db, masterKey: b64(right), dataDir: p.dataDir, newKeyFile, generate: true }),
        (error: Error) => error.message.includes(`subscriptions ${world.subscriptionId}`) && /Nothing was changed/.test(error.message),
      );
      assert.deepEqual(await sealedSnapshot(db), damaged);
      assert.equal(existsSync(newKeyFile), false);
    } finally {
      await db.destroy();
    }
    await actionWorks(await start(p, right), world);
  });

  test('`serve` with a wrong key exits non-zero with the refusal on stderr, no stack; `keys rotate` prints what it re-sealed', async () => {
    const p = await place();
    const right = randomBytes(32);
    const first = await start(p, right);
    await sealSomething(first, right);
    await stop(first);

    // Generous: a child through tsx on a busy 2-core machine has taken 20 s to start. A serve that
    // is not refused would listen until killed (code null).
    const served = await runCli(['serve', '--port', '0'], { env: { ...p.env, STRIPE_CONNECTOR_MASTER_KEY: b64(randomBytes(32)) }, timeoutMs: 60_000 });
    assert.equal(served.code, 1, served.stdout + served.stderr);
    assert.match(served.stderr, /STRIPE_CONNECTOR_MASTER_KEY is not the master key that sealed this store/);
    assert.ok(served.stderr.includes(masterKeyFile(p.dataDir)));
    assert.doesNotMatch(served.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(served.stdout, /listening/);

    const newKeyFile = join(p.dataDir, 'new.key');
    // A server still answering for this store holds the old key: the rotation refuses and changes nothing.
    const running = createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => running.listen(0, '127.0.0.1', resolve));
    const runningUrl = `http://127.0.0.1:${(running.address() as AddressInfo).port}`;
    try {
      const refused = await runCli(['keys', 'rotate', '--generate', '--new-key-file', newKeyFile], {
        env: { ...p.env, STRIPE_CONNECTOR_MASTER_KEY: b64(right), STRIPE_CONNECTOR_URL: runningUrl },
        timeoutMs: 60_000,
      });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`A server answers at ${runningUrl}: stop every server that uses this store`));
      assert.equal(existsSync(newKeyFile), false, 'nothing generated');
    } finally {
      await new Promise((resolve) => running.close(resolve));
    }
    const rotated = await runCli(['keys', 'rotate', '--generate', '--new-key-file', newKeyFile], {
      env: { ...p.env, STRIPE_CONNECTOR_MASTER_KEY: b64(right), STRIPE_CONNECTOR_URL: await addressWithoutServer() },
      timeoutMs: 60_000,
    });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /Re-sealed under the new master key: connection API keys: 1, subscription secrets: 1, webhook endpoint secrets: 1\./);
    assert.ok(!rotated.stdout.includes(readFileSync(newKeyFile, 'utf8').trim()), 'the key itself is never printed');
  });
});
