// The CLI over the API — subscriptions, deliveries, runs, operations — as child processes against
// `serve` as a child process (port 0, a real SQLite file) and the emulator on port 0. Each command's
// table is read as a user reads it; its --json is compared with the API's own answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, runCli, startServerProcess, type CliResult, type ServerProcess } from '../support/processes.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BUILT_MAIN, ensureBuiltCli } from '../support/built-cli.js';

// The children run the built command; build it first if src/ is newer.
before(ensureBuiltCli);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'sct_cli_api_commands_admin_token_0000000000001';

/** A subscriber that answers 204 and keeps the webhook-id of each request. */
async function startReceiver(): Promise<{ url: string; webhookIds: string[]; close(): Promise<void> }> {
  const webhookIds: string[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      webhookIds.push(String(request.headers['webhook-id']));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    webhookIds,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The table's data lines (header and blank lines left out), each split on its column gaps. */
function tableRows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/ {2,}/));
}

function ok(result: CliResult): CliResult {
  assert.equal(result.code, 0, `exit 0 expected; stderr:\n${result.stderr}`);
  return result;
}

describe('the CLI over the API: subscriptions, deliveries, runs, operations', () => {
  let stripe: RunningEmulator;
  let dataDir: string;
  let server: ServerProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let env: Record<string, string>;
  let connectionId = '';
  const cli = (...args: string[]) => runCli(args, { env });

  async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as T };
  }

  before(async () => {
    stripe = await startEmulator({ port: 0, rateLimitPerSecond: false });
    receiver = await startReceiver();
    dataDir = mkdtempSync(join(tmpdir(), 'sc-cli-api-'));
    server = await startServerProcess(['serve', '--port', '0'], {
      DATA_DIR: dataDir,
      STRIPE_API_BASE: stripe.url,
      STRIPE_CONNECTOR_ADMIN_TOKEN: TOKEN,
      CALLBACK_ALLOW_PRIVATE: 'true',
    });
    env = { STRIPE_CONNECTOR_URL: server.url, STRIPE_CONNECTOR_TOKEN: TOKEN };
    const connection = await api<{ id: string }>('POST', '/api/connections', { name: 'emulated', apiKey: 'sk_test_cliapi000000000000000000' });
    assert.equal(connection.status, 201);
    connectionId = connection.json.id;
  });
  after(async () => {
    await server?.stop();
    await receiver?.close();
    await stripe.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('operations lists every action and trigger with its inputs, required ones marked; --json is the API\'s answer', async () => {
    const [table, json] = await Promise.all([cli('operations'), cli('operations', '--json')]);
    const lines = ok(table).stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^KIND +NAME +TITLE +INPUTS \(\* required\)$/);
    const byName = new Map(tableRows(table.stdout).map((row) => [row[1], row]));
    assert.deepEqual(
      [...byName.keys()],
      ['createCustomer', 'getCustomer', 'updateCustomer', 'createProduct', 'updateProduct', 'chargeAdded', 'customerAdded', 'invoiceItemAdded', 'orderAdded'],
    );
    assert.deepEqual(byName.get('getCustomer'), ['action', 'getCustomer', 'Get customer', 'id*']);
    assert.match(byName.get('createProduct')![3]!, /^name\*, id, active, caption, description, images, shippable, url$/);
    assert.deepEqual(byName.get('chargeAdded')!.slice(0, 1).concat(byName.get('chargeAdded')!.slice(3)), ['trigger', 'url*, mode, pollIntervalSeconds, since']);
    assert.deepEqual(JSON.parse(ok(json).stdout), (await api('GET', '/api/operations')).json);
  });

  test('subscriptions create shows the secret once; list is a table (or the API\'s JSON) one page at a time; pause, resume and delete', async () => {
    const created = ok(await cli('subscriptions', 'create', 'chargeAdded', '--connection', connectionId, '--url', receiver.url, '--poll-interval', '30'));
    const record = Object.fromEntries(created.stdout.trimEnd().split('\n').map((line) => line.split(/ {2,}/) as [string, string]));
    assert.match(record.id!, /^sub_/);
    assert.deepEqual([record.trigger, record.connection, record.url, record.mode, record.pollIntervalSeconds, record.status], ['chargeAdded', connectionId, receiver.url, 'poll', '30', 'active']);
    assert.match(record.secret!, /^whsec_/);
    assert.match(created.stderr, /shown this once/);
    const second = JSON.parse(ok(await cli('subscriptions', 'create', 'invoiceItemAdded', '--connection', connectionId, '--url', receiver.url, '--mode', 'poll', '--json')).stdout);
    assert.equal(second.trigger, 'invoiceItemAdded');
    assert.equal(second.pollIntervalSeconds, 120);
    assert.match(second.secret, /^whsec_/);

    const [table, json, firstPage] = await Promise.all([cli('subscriptions', 'list'), cli('subscriptions', 'list', '--json'), cli('subscriptions', 'list', '--limit', '1')]);
    assert.match(ok(table).stdout.split('\n')[0]!, /^ID +TRIGGER +CONNECTION +MODE +EVERY +STATUS +CREATED +URL$/);
    assert.deepEqual(
      tableRows(table.stdout).map((row) => [row[0], row[1], row[4], row[5], row[7]]),
      [
        [second.id, 'invoiceItemAdded', '120s', 'active', receiver.url],
        [record.id, 'chargeAdded', '30s', 'active', receiver.url],
      ],
      'newest first',
    );
    assert.equal(table.stderr, '', 'one page holds them all: no hint of more');
    assert.deepEqual(JSON.parse(ok(json).stdout), (await api('GET', '/api/subscriptions')).json);
    assert.ok(!json.stdout.includes('whsec_'), 'a list never shows a secret');
    assert.deepEqual(tableRows(ok(firstPage).stdout).map((row) => row[0]), [second.id]);
    assert.equal(firstPage.stderr, `More follow: add --starting-after ${second.id} for the next page.\n`);
    const nextPage = ok(await cli('subscriptions', 'list', '--limit', '1', '--starting-after', second.id));
    assert.deepEqual(tableRows(nextPage.stdout).map((row) => row[0]), [record.id]);
    assert.equal(nextPage.stderr, '');

    const paused = ok(await cli('subscriptions', 'pause', record.id!));
    assert.match(paused.stdout, new RegExp(`^id +${record.id}$[\\s\\S]*^status +paused$`, 'm'));
    assert.equal((await api<{ status: string }>('GET', `/api/subscriptions/${record.id}`)).json.status, 'paused');
    const resumed = JSON.parse(ok(await cli('subscriptions', 'resume', record.id!, '--json')).stdout);
    assert.deepEqual(resumed, (await api('GET', `/api/subscriptions/${record.id}`)).json);
    assert.equal(resumed.status, 'active');

    const [deleted, deletedJson] = await Promise.all([cli('subscriptions', 'delete', record.id!), cli('subscriptions', 'delete', second.id, '--json')]);
    assert.equal(ok(deleted).stdout, `Deleted subscription ${record.id}.\n`);
    assert.deepEqual(JSON.parse(ok(deletedJson).stdout), { id: second.id, deleted: true });
    assert.equal(ok(await cli('subscriptions', 'list')).stdout, 'No subscriptions.\n');
  });

  test('deliveries list shows a subscription\'s deliveries, by --status and a page at a time; retry sends one again with the same webhook-id', async () => {
    const subscription = await api<{ id: string }>('POST', `/api/connections/${connectionId}/subscriptions`, { trigger: 'customerAdded', url: receiver.url, pollIntervalSeconds: 1 });
    assert.equal(subscription.status, 201);
    const sub = subscription.json.id;
    const customers: string[] = [];
    for (const email of ['one@example.com', 'two@example.com']) {
      customers.push((await api<{ id: string }>('POST', `/api/connections/${connectionId}/actions/createCustomer`, { email })).json.id);
    }
    type Listed = { data: { id: string; status: string; stripeObjectId: string }[]; hasMore: boolean };
    const delivered = await eventually('both customers delivered', async () => {
      const page = (await api<Listed>('GET', `/api/subscriptions/${sub}/deliveries`)).json;
      return page.data.length === 2 && page.data.every((d) => d.status === 'delivered') ? page : undefined;
    });

    const [table, failed, firstPage, json] = await Promise.all([
      cli('deliveries', 'list', sub),
      cli('deliveries', 'list', sub, '--status', 'failed'),
      cli('deliveries', 'list', sub, '--status', 'delivered', '--limit', '1'),
      cli('deliveries', 'list', sub, '--json'),
    ]);
    assert.match(ok(table).stdout.split('\n')[0]!, /^ID +STATUS +ATTEMPTS +OBJECT +CREATED +LAST HTTP +NEXT ATTEMPT +LAST ERROR$/);
    assert.deepEqual(
      tableRows(table.stdout).map((row) => [row[0], row[1], row[2], row[3], row[5], row[6], row[7]]),
      delivered.data.map((d) => [d.id, 'delivered', '1', d.stripeObjectId, '204', '-', '-']),
    );
    assert.deepEqual(new Set(delivered.data.map((d) => d.stripeObjectId)), new Set(customers));
    assert.equal(ok(failed).stdout, 'No deliveries.\n');
    assert.deepEqual(tableRows(ok(firstPage).stdout).map((row) => row[0]), [delivered.data[0]!.id]);
    assert.equal(firstPage.stderr, `More follow: add --starting-after ${delivered.data[0]!.id} for the next page.\n`);
    assert.deepEqual(JSON.parse(ok(json).stdout), (await api('GET', `/api/subscriptions/${sub}/deliveries`)).json);

    const target = delivered.data[1]!;
    const retried = ok(await cli('deliveries', 'retry', target.id));
    assert.match(retried.stdout, new RegExp(`^id +${target.id}$[\\s\\S]*^stripeObjectId +${target.stripeObjectId}$[\\s\\S]*^status +pending$[\\s\\S]*^attempts +0$`, 'm'));
    await eventually('the retried delivery sent again', async () => (receiver.webhookIds.filter((id) => id === target.id).length === 2 ? true : undefined));
    assert.equal(JSON.parse(ok(await cli('deliveries', 'retry', target.id, '--json')).stdout).id, target.id);
  });

  test('runs list is a table of action calls and delivery attempts, filtered by connection, operation and status; --json is the API\'s answer', async () => {
    const missing = await api('POST', `/api/connections/${connectionId}/actions/getCustomer`, { id: 'cus_missing' });
    assert.equal(missing.status, 404);
    const [failed, json, elsewhere, all] = await Promise.all([
      cli('runs', 'list', '--operation', 'getCustomer', '--status', 'failed', '--connection', connectionId),
      cli('runs', 'list', '--operation', 'getCustomer', '--json'),
      cli('runs', 'list', '--connection', 'conn_000000000000000000000000'),
      cli('runs', 'list', '--limit', '1000'),
    ]);
    assert.match(ok(failed).stdout.split('\n')[0]!, /^ID +KIND +OPERATION +CONNECTION +STATUS +MS +STARTED +DETAIL$/);
    const rows = tableRows(failed.stdout);
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0]![1], rows[0]![2], rows[0]![3], rows[0]![4]], ['action', 'getCustomer', connectionId, 'failed']);
    assert.match(rows[0]![7]!, /No customer with id "cus_missing"/);
    assert.deepEqual(JSON.parse(ok(json).stdout), (await api('GET', '/api/runs?operation=getCustomer')).json);
    assert.equal(ok(elsewhere).stdout, 'No runs.\n');
    const kinds = new Set(tableRows(ok(all).stdout).map((row) => `${row[1]} ${row[2]}`));
    assert.ok(kinds.has('action createCustomer') && kinds.has('delivery customerAdded'), [...kinds].join(', '));
  });

  test('runs list --follow prints the latest runs, then each new one once, as a table or JSON lines; SIGTERM stops it with exit 0', async () => {
    const follow = (json: boolean) => {
      const child = spawn(process.execPath, [BUILT_MAIN, 'runs', 'list', '--follow', '--interval', '1', '--operation', 'updateCustomer', ...(json ? ['--json'] : [])], {
        cwd: ROOT,
        env: childEnv(env),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out = { stdout: '', stderr: '' };
      child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { child, out, exited };
    };
    const customer = (await api<{ id: string }>('POST', `/api/connections/${connectionId}/actions/createCustomer`, { email: 'followed@example.com' })).json.id;
    const update = (description: string) => api('POST', `/api/connections/${connectionId}/actions/updateCustomer`, { id: customer, description });
    await update('before');
    const [table, lines] = [follow(false), follow(true)];
    try {
      // Generous: a child starting through tsx on a busy 2-core machine has been seen to take 20 s.
      await eventually('both following', async () => (/following/.test(table.out.stderr) && /following/.test(lines.out.stderr) ? true : undefined));
      const before = tableRows(table.out.stdout);
      assert.equal(before.length, 1, table.out.stdout);
      assert.match(table.out.stdout.split('\n')[0]!, /^ID +KIND +OPERATION/);
      await update('after');
      await update('later');
      const runs = (await api<{ data: { id: string }[] }>('GET', '/api/runs?operation=updateCustomer')).json.data;
      assert.equal(runs.length, 3);
      const oldestFirst = runs.map((run) => run.id).reverse();
      await eventually('the new runs printed', async () => (tableRows(table.out.stdout).length === 3 && lines.out.stdout.trimEnd().split('\n').length === 3 ? true : undefined));
      // Two more rounds of requests: nothing is printed twice.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.deepEqual(tableRows(table.out.stdout).map((row) => row[0]), oldestFirst);
      assert.equal(table.out.stdout.match(/^ID /gm)?.length, 1, 'one header');
      const printed = lines.out.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string });
      assert.deepEqual(printed, [...runs].reverse());

      table.child.kill('SIGTERM');
      lines.child.kill('SIGINT');
      assert.equal(await table.exited, 0, table.out.stderr);
      assert.equal(await lines.exited, 0, lines.out.stderr);
      assert.equal(table.out.stderr, 'runs: following, a request every 1 s; stop with Ctrl-C\n', 'stopping is no error');
    } finally {
      for (const { child } of [table, lines]) if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('refusals exit 1 with a message naming what is wrong, and create nothing', async () => {
    const subscriptionsBefore = (await api('GET', '/api/subscriptions')).json;
    const results = await Promise.all([
      cli('subscriptions', 'pause', 'sub_nope'),
      cli('subscriptions', 'create', 'chargeAdded', '--connection', connectionId, '--url', 'ftp://example.com/x'),
      cli('subscriptions', 'create', 'chargeAdded', '--connection', connectionId, '--url', receiver.url, '--poll-interval', '0'),
      cli('subscriptions', 'create', 'chargeAdded', '--connection', connectionId, '--url', receiver.url, '--mode', 'sometimes'),
      cli('deliveries', 'list', 'sub_nope', '--status', 'bogus'),
      cli('deliveries', 'retry', 'msg_nope'),
      cli('runs', 'list', '--limit', '0'),
      cli('runs', 'list', '--follow', '--starting-after', 'run_x'),
      cli('runs', 'list', '--bogus'),
      cli('connections', 'remove', 'conn_nope'),
      runCli(['operations'], { env: { STRIPE_CONNECTOR_URL: server.url } }),
    ]);
    const expected = [
      /^404 No subscription with id "sub_nope"/,
      /^400 .*url/,
      /^--poll-interval must be a whole number from 1 to 86400/,
      /argument 'sometimes' is invalid\. Allowed choices are poll, webhook, hybrid/,
      /argument 'bogus' is invalid\. Allowed choices are pending, delivered, failed/,
      /^404 No delivery with id "msg_nope"/,
      /^--limit must be a whole number from 1 to 1000/,
      /^--follow shows the newest runs: it does not take --starting-after/,
      /unknown option '--bogus'/,
      /^404 No connection with id "conn_nope"/,
      /^STRIPE_CONNECTOR_TOKEN is not set/,
    ];
    results.forEach((result, i) => {
      assert.equal(result.code, 1, `case ${i}: ${result.stderr}`);
      assert.match(result.stderr, expected[i]!, `case ${i}`);
      assert.equal(result.stdout, '', `case ${i}: nothing on stdout`);
    });
    assert.deepEqual((await api('GET', '/api/subscriptions')).json, subscriptionsBefore);
  });
});
