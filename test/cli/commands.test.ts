import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const API_KEY = 'sk_test_51HcliCommandsSecretKeyZ9q8';

describe('the stripe-connector command against a running server', () => {
  let stripe: RunningEmulator;
  let dataDir: string;
  let server: ServerProcess;
  let token: string;
  let env: Record<string, string>;

  before(async () => {
    stripe = await startEmulator({ port: 0, rateLimitPerSecond: false });
    dataDir = mkdtempSync(join(tmpdir(), 'sc-cli-'));
    const created = await runCli(['token', 'create', '--name', 'ci'], { env: { DATA_DIR: dataDir } });
    assert.equal(created.code, 0, created.stderr);
    token = created.stdout.trim();
    server = await startServerProcess(['serve', '--port', '0'], { DATA_DIR: dataDir, STRIPE_API_BASE: stripe.url });
    env = { STRIPE_CONNECTOR_URL: server.url, STRIPE_CONNECTOR_TOKEN: token };
  });
  after(async () => {
    await server?.stop();
    await stripe.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('token create prints a token once, usable against the server started on the same data directory', async () => {
    assert.match(token, /^sct_[A-Za-z0-9_-]{43}$/);
    const res = await fetch(`${server.url}/api/connections`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
  });

  test('the first start printed an admin token that works', async () => {
    const admin = server.output().match(/Admin token \(shown once, store it now\):\s+(sct_\S+)/)?.[1];
    assert.ok(admin);
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
    assert.match(unknown.stderr, /404 No operation with id "noSuchAction"/);

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
