// `serve --workers N` and `serve --role` as users run them: real processes of the built command.
// The cluster answers on one port from two worker processes (told apart by the `pid` of their
// request log lines), takes concurrent writes from both on one store, replaces a worker that dies,
// prints the admin token once, and stops every process on SIGTERM.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';
import { newStorePlace, type StorePlace } from '../support/store-fixture.js';
import { closeAll } from '../support/cleanup.js';
import { eventually } from '../support/eventually.js';

let place: StorePlace | undefined;
let cluster: ServerProcess | undefined;
const adminToken = 'cluster-test-admin-token-0000000000001';

function logLines(server: ServerProcess): Record<string, unknown>[] {
  return server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const listeningPids = (server: ServerProcess) => logLines(server).filter((l) => l.msg === 'stripe-connector listening').map((l) => l.pid as number);

/** Pids whose request lines show they answered since `fromLine`. */
function answeringPids(server: ServerProcess, fromLine = 0): Set<number> {
  return new Set(logLines(server).slice(fromLine).filter((l) => l.msg === 'request').map((l) => l.pid as number));
}

/** One request per new connection, so the primary hands each to the next worker. */
async function healthz(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const res = await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
    assert.equal(res.status, 200);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

before(async () => {
  place = await newStorePlace('sc-cluster-');
  cluster = await startServerProcess(['serve', '--workers', '2', '--port', '0'], { ...place.env });
  await cluster.waitFor(/stripe-connector listening[\s\S]*stripe-connector listening/);
});
after(() => closeAll(() => cluster?.stop(), () => place?.remove()));

test('serve --workers 2 answers on one port from two processes and prints the admin token once', async () => {
  const server = cluster!;
  const listening = logLines(server).filter((l) => l.msg === 'stripe-connector listening');
  assert.equal(new Set(listening.map((l) => l.url)).size, 1, 'one port');
  const pids = new Set(listening.map((l) => l.pid as number));
  assert.equal(pids.size, 2, 'two worker processes');
  assert.ok(!pids.has(server.child.pid!), 'the primary does not serve');
  await healthz(server.url, 10);
  await eventually(async () => answeringPids(server), (answering) => [...pids].every((pid) => answering.has(pid)));
  assert.equal(server.stderr().match(/Admin token \(shown once/g)?.length, 1);
});

test('one scrape of /metrics counts what every worker saw', async () => {
  const server = cluster!;
  const token = /Admin token \(shown once, store it now\):\n {2}(\S+)/.exec(server.stderr())![1]!;
  const fromLine = logLines(server).length;
  // Refused without a store read (the id is malformed): each lands on the next worker.
  for (let i = 0; i < 10; i += 1) {
    const res = await fetch(`${server.url}/webhooks/stripe/not-a-connection`, { method: 'POST', headers: { connection: 'close', 'content-type': 'application/json' }, body: '{}' });
    assert.ok(res.status >= 400 && res.status < 500);
  }
  const refusers = new Set(logLines(server).slice(fromLine).filter((l) => l.msg === 'request' && l.method === 'POST').map((l) => l.pid));
  assert.equal(refusers.size, 2, 'both workers refused some');
  for (let i = 0; i < 4; i += 1) {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } });
    assert.equal(res.status, 200);
    const line = (await res.text()).split('\n').find((l) => l.startsWith('stripe_connector_inbound_webhooks_total{') && l.includes('outcome="refused_malformed_id"'));
    assert.equal(Number(line?.split(' ').at(-1)), 10, line);
  }
});

test('two worker processes writing at once to one store all succeed', async () => {
  const server = cluster!;
  const token = /Admin token \(shown once, store it now\):\n {2}(\S+)/.exec(server.stderr())![1]!;
  // Each creation counts the caller's tokens and inserts one in a transaction: the write that
  // meets another process's write on the same file.
  const answers = await Promise.all(
    Array.from({ length: 60 }, () => fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}`, connection: 'close' } })),
  );
  const statuses = answers.map((res) => res.status);
  assert.deepEqual(statuses, statuses.map(() => 201), await Promise.all(answers.filter((r) => r.status !== 201).map((r) => r.text())).then((t) => t.join('\n')));
  const list = (await (await fetch(`${server.url}/api/tokens`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: unknown[] };
  assert.equal(list.data.length, 61);
  const writers = new Set(logLines(server).filter((l) => l.msg === 'request' && l.method === 'POST').map((l) => l.pid));
  assert.equal(writers.size, 2, 'both processes wrote');
});

test('a worker that dies is replaced by a new process that answers', async () => {
  const server = cluster!;
  const [victim, survivor] = listeningPids(server);
  process.kill(victim!, 'SIGKILL');
  await server.waitFor(/serve worker exited unexpectedly; restarting it/);
  const replacement = await eventually(async () => listeningPids(server).filter((pid) => pid !== victim && pid !== survivor), (pids) => pids.length === 1, 30_000);
  const fromLine = logLines(server).length;
  await eventually(
    async () => {
      await healthz(server.url, 2);
      return answeringPids(server, fromLine);
    },
    (answering) => answering.has(replacement[0]!),
    10_000,
  );
  const line = logLines(server).find((l) => l.msg === 'serve worker exited unexpectedly; restarting it')!;
  assert.equal(line.workerPid, victim);
  assert.equal(line.signal, 'SIGKILL');
});

test('SIGTERM to the primary stops every worker and exits 0', async () => {
  const server = cluster!;
  const workers = logLines(server)
    .filter((l) => l.msg === 'stripe-connector listening')
    .map((l) => l.pid as number)
    .filter(alive);
  assert.equal(workers.length, 2);
  assert.equal(await server.stop(), 0);
  await eventually(async () => workers.filter(alive), (left) => left.length === 0);
  assert.match(server.output(), /stopped cleanly[\s\S]*stopped cleanly/);
});

test('serve --role worker answers probes and 404s the API, naming its role', async () => {
  const server = await startServerProcess(['serve', '--role', 'worker', '--port', '0'], { ...place!.env, STRIPE_CONNECTOR_ADMIN_TOKEN: adminToken });
  try {
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    const res = await fetch(`${server.url}/api/connections`, { headers: { authorization: `Bearer ${adminToken}` } });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /runs the worker role/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('--workers and --role refuse values out of range, naming the flag; --demo refuses --workers', async () => {
  for (const value of ['0', '65', 'two', '1.5']) {
    const { code, stderr } = await runCli(['serve', '--workers', value], { env: { DATA_DIR: place!.dataDir } });
    assert.equal(code, 1, value);
    assert.match(stderr, /--workers must be a whole number from 1 to 64/, value);
  }
  const role = await runCli(['serve', '--role', 'boss'], { env: { DATA_DIR: place!.dataDir } });
  assert.equal(role.code, 1);
  assert.match(role.stderr, /--role.*boss.*all, api, worker/);
  const demo = await runCli(['serve', '--demo', '--workers', '2']);
  assert.equal(demo.code, 1);
  assert.match(demo.stderr, /--demo runs everything in one process/);
});
