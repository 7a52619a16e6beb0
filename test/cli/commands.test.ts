import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { newStorePlace, openStoreIn, type StorePlace } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';
import { addressWithoutServer } from '../support/free-address.js';

const API_KEY = 'sk_test_51HcliCommandsSecretKeyZ9q8';

describe('the stripe-connector command against a running server', () => {
  let stripe: RunningEmulator;
  let place: StorePlace | undefined;
  let dataDir: string;
  let server: ServerProcess;
  let token: string;
  let createdOnStore: string;
  let env: Record<string, string>;
  const adminToken = () => server.stderr().match(/Admin token \(shown once, store it now\):\s+(sct_\S+)/)?.[1];
  const countUsers = async () => {
    const db = await openStoreIn(dataDir);
    try {
      return Number((await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    } finally {
      await db.destroy();
    }
  };

  before(async () => {
    stripe = await startEmulator({ port: 0, rateLimitPerSecond: false });
    place = await newStorePlace('sc-cli-');
    dataDir = place.dataDir;
    const created = await runCli(['token', 'create', '--name', 'ci'], { env: { DATA_DIR: dataDir, STRIPE_CONNECTOR_URL: await addressWithoutServer() } });
    assert.equal(created.code, 0, created.stderr);
    token = created.stdout.trim();
    createdOnStore = created.stderr;
    server = await startServerProcess(['serve', '--port', '0'], { DATA_DIR: dataDir, STRIPE_API_BASE: stripe.url });
    env = { STRIPE_CONNECTOR_URL: server.url, STRIPE_CONNECTOR_TOKEN: token };
  });
  after(() => closeAll(() => server?.stop(), () => stripe?.stop(), () => place?.remove()));

  test('token create prints a token once, usable against the server started on the same data directory', async () => {
    assert.match(token, /^sct_[A-Za-z0-9_-]{43}$/);
    const database = place!.databaseUrl === undefined ? undefined : new URL(place!.databaseUrl);
    const store = database ? `PostgreSQL at ${database.host}${database.pathname}` : `the SQLite store ${join(dataDir, 'connector.db')}`;
    assert.ok(createdOnStore.includes(`in ${store}`), `says which store it wrote: ${createdOnStore}`);
    const res = await fetch(`${server.url}/api/connections`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
  });

  test('the first start printed an admin token that works, on stderr only: stdout carries JSON log lines alone', async () => {
    const admin = adminToken();
    assert.ok(admin);
    assert.ok(!server.stdout().includes(admin), 'the token is not in the log stream');
    const stdoutLines = server.stdout().split('\n').filter((line) => line !== '');
    assert.ok(stdoutLines.length > 0);
    for (const line of stdoutLines) assert.doesNotThrow(() => JSON.parse(line), `a JSON log line: ${line}`);
    const res = await fetch(`${server.url}/api/connections`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(res.status, 200);
  });

  test('connections add reads the key from stdin; list shows it; run runs actions with typed --field values or --input; remove removes it', async () => {
    const added = await runCli(['connections', 'add', '--name', 'shop', '--api-key-stdin', '--api-base', stripe.url], { env, stdin: `${API_KEY}\n` });
    assert.equal(added.code, 0, added.stderr);
    const connection = JSON.parse(added.stdout);
    assert.equal(connection.keyHint, 'sk_test_…Z9q8');
    assert.ok(!added.stdout.includes(API_KEY));

    const on = ['--connection', connection.id];
    const [listed, created, product, fromInput, unknown] = await Promise.all([
      runCli(['connections', 'list'], { env }),
      runCli(['run', 'createCustomer', ...on, '--email', 'jenny@example.com', '--description', '123'], { env }),
      runCli(['run', 'createProduct', ...on, '--name', 'Widget', '--active', 'false'], { env }),
      runCli(['run', 'createProduct', ...on, '--input', '{"name":"Gadget","images":["https://example.com/g.png"]}'], { env }),
      runCli(['run', 'noSuchAction', ...on, '--email', 'a@example.com'], { env }),
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).data.map((c: { id: string }) => c.id), [connection.id]);
    assert.equal(created.code, 0, created.stderr);
    const customer = JSON.parse(created.stdout);
    assert.match(customer.id, /^cus_/);
    assert.equal(customer.email, 'jenny@example.com');
    assert.equal(customer.description, '123', 'a string field keeps a numeric-looking value as text');
    assert.equal(product.code, 0, product.stderr);
    assert.equal(JSON.parse(product.stdout).active, false, '--active false reaches the boolean field as false, typed by the published schema');
    assert.equal(fromInput.code, 0, fromInput.stderr);
    assert.deepEqual(JSON.parse(fromInput.stdout).images, ['https://example.com/g.png']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404 No action named "noSuchAction"; GET \/api\/operations lists the actions/);

    const removed = await runCli(['connections', 'remove', connection.id], { env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(JSON.parse(removed.stdout), { id: connection.id, deleted: true });
  });

  test('a refused call exits 1 with the server\'s message; a missing token says how to get one', async () => {
    const [bad, none, pk] = await Promise.all([
      runCli(['connections', 'list'], { env: { ...env, STRIPE_CONNECTOR_TOKEN: 'sct_wrong' } }),
      runCli(['connections', 'list'], { env: { STRIPE_CONNECTOR_URL: server.url } }),
      runCli(['connections', 'add', '--name', 'pk', '--api-key-stdin'], { env, stdin: 'pk_test_0000000000000000' }),
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /401 The token is not valid/);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /STRIPE_CONNECTOR_TOKEN is not set/);
    assert.equal(pk.code, 1);
    assert.match(pk.stderr, /publishable key/);
  });

  test('token list shows your tokens with the current one marked; token revoke makes one refused at once and keeps the last admin token', async () => {
    const extra = (await (await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()) as { id: string; token: string };
    const listed = await runCli(['token', 'list'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const data = JSON.parse(listed.stdout).data as { id: string; current: boolean }[];
    assert.equal(data.length, 2);
    assert.deepEqual(data.filter((t) => !t.current).map((t) => t.id), [extra.id]);
    assert.ok(!listed.stdout.includes(token) && !listed.stdout.includes(extra.token));

    const [revoked, unknown, lastAdmin] = await Promise.all([
      runCli(['token', 'revoke', extra.id], { env }),
      runCli(['token', 'revoke', 'tok_nope'], { env }),
      (async () => {
        const adminEnv = { ...env, STRIPE_CONNECTOR_TOKEN: adminToken()! };
        const [only] = JSON.parse((await runCli(['token', 'list'], { env: adminEnv })).stdout).data as { id: string }[];
        return runCli(['token', 'revoke', only!.id], { env: adminEnv });
      })(),
    ]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(JSON.parse(revoked.stdout), { id: extra.id, deleted: true });
    const refused = await fetch(`${server.url}/api/connections`, { headers: { authorization: `Bearer ${extra.token}` } });
    assert.equal(refused.status, 401);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404 No token with id "tok_nope"/);
    assert.equal(lastAdmin.code, 1);
    assert.match(lastAdmin.stderr, /409 No other admin user holds a token/);
  });

  test('token create without a token is refused while a server answers, writing nothing; with an admin token it creates the user through the server', async () => {
    const usersBefore = await countUsers();
    const asAdmin = { STRIPE_CONNECTOR_URL: server.url, STRIPE_CONNECTOR_TOKEN: adminToken()! };
    const [refused, throughServer, notAdmin, secondAdmin] = await Promise.all([
      runCli(['token', 'create', '--name', 'late'], { env: { DATA_DIR: dataDir, STRIPE_CONNECTOR_URL: server.url } }),
      runCli(['token', 'create', '--name', 'dana'], { env: asAdmin }),
      runCli(['token', 'create', '--name', 'erin'], { env }),
      runCli(['token', 'create', '--name', 'ops', '--admin'], { env: asAdmin }),
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`A server answers at ${server.url}.*STRIPE_CONNECTOR_TOKEN to an admin token`));
    assert.equal(refused.stdout, '');

    assert.equal(throughServer.code, 0, throughServer.stderr);
    const dana = throughServer.stdout.trim();
    assert.match(dana, /^sct_[A-Za-z0-9_-]{43}$/, 'only the token on stdout');
    assert.match(throughServer.stderr, /Created user usr_\w+ \(dana\) through the server/);
    const res = await fetch(`${server.url}/api/connections`, { headers: { authorization: `Bearer ${dana}` } });
    assert.equal(res.status, 200);

    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /403 Only an admin user may create users/);
    assert.equal(secondAdmin.code, 0, secondAdmin.stderr);
    const byOps = await fetch(`${server.url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${secondAdmin.stdout.trim()}` }, body: '{"name":"frank"}' });
    assert.equal(byOps.status, 201, '--admin made an admin');
    assert.equal(await countUsers(), usersBefore + 3, 'dana, ops and frank; nothing for the refused two');
  });

  test('connections add --api-base takes the server\'s rule: an origin not allowed exits 1 naming apiBase and STRIPE_API_BASE_ALLOWLIST', async () => {
    const refused = await runCli(['connections', 'add', '--name', 'probe', '--api-key-stdin', '--api-base', 'http://127.0.0.1:1'], { env, stdin: `${API_KEY}\n` });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /apiBase: is not an allowed Stripe API origin.*STRIPE_API_BASE_ALLOWLIST/);
  });

  test('a malformed STRIPE_API_BASE_ALLOWLIST stops serve with a message naming it', async () => {
    const result = await runCli(['serve', '--port', '0'], { env: { DATA_DIR: dataDir, STRIPE_API_BASE_ALLOWLIST: 'http://stripe-mock.internal:12111' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /STRIPE_API_BASE_ALLOWLIST entry 1 .*must use https/);
  });

  test('no API key or token ever appears in the server log', async () => {
    const logs = server.output().split('\n').filter((line) => line.startsWith('{'));
    assert.ok(logs.length > 5, 'the server did log requests');
    const text = logs.join('\n');
    assert.ok(!text.includes(API_KEY), 'API key');
    assert.ok(!text.includes(API_KEY.slice(-12)), 'a tail of the API key');
    assert.ok(!text.includes(token), 'token');
  });

  test('SIGTERM stops the server cleanly with exit code 0', async () => {
    assert.equal(await server.stop(), 0);
    assert.match(server.output(), /stopped cleanly/);
  });
});
