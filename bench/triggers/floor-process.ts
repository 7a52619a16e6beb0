// The floor: the least a durable webhook forwarder does per event, written bare — node:http in,
// the Stripe-Signature HMAC checked, the event stored by group commit in SQLite (raw
// better-sqlite3, one row, an appending key) and only then answered 200, the object POSTed to
// the subscriber with a Standard Webhooks signature over node:http keep-alive, and its delivery
// recorded by one batched UPDATE. No framework, no logging, no validation, no retries, no
// history, no subscriptions, no URL check: what any connector keeping the same promises costs at
// least. FLOOR_PROCESSES=2 runs two such processes on one port (node:cluster) and one SQLite file.
import cluster from 'node:cluster';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { announceReady } from './control.js';

const [dbFile, secret, subscriberUrl, processesArg, storeArg] = process.argv.slice(2) as [string, string, string, string, string];
const processes = Number(processesArg ?? '1');
/** 'sqlite' (default): stored before the 200, as the connector promises; 'none': nothing stored, answered at once — the HTTP hops alone. */
const stored = (storeArg ?? 'sqlite') === 'sqlite';

function serve(): http.Server {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec('create table if not exists outbox (id integer primary key, stripe_event_id text not null unique, body text not null, delivered integer not null default 0)');
  const insert = db.prepare('insert into outbox (stripe_event_id, body) values (?, ?) on conflict do nothing');
  const markDelivered = db.prepare('update outbox set delivered = 1 where id in (select value from json_each(?))');
  const target = new URL(subscriberUrl);
  const agent = new http.Agent({ keepAlive: true });
  const whsec = Buffer.from('c2VjcmV0LWZvci10aGUtZmxvb3ItYmVuY2g=', 'base64');

  let pending: { eventId: string; body: string; res: http.ServerResponse }[] = [];
  let delivered: number[] = [];
  let commitTimer: NodeJS.Timeout | undefined;
  let recordTimer: NodeJS.Timeout | undefined;
  const answer = Buffer.from('{"received":true}');

  let nextMemoryId = 0;
  const commit = () => {
    commitTimer = undefined;
    const group = pending;
    pending = [];
    const ids: number[] = [];
    if (stored) {
      db.transaction(() => {
        for (const p of group) ids.push(Number(insert.run(p.eventId, p.body).lastInsertRowid));
      })();
    } else for (const _ of group) ids.push((nextMemoryId += 1));
    group.forEach((p, i) => {
      p.res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
      send(ids[i]!, p.body);
    });
  };

  const record = () => {
    recordTimer = undefined;
    const ids = delivered;
    delivered = [];
    if (stored) markDelivered.run(JSON.stringify(ids));
  };

  const send = (id: number, body: string) => {
    const msgId = `msg_${id}`;
    const ts = Math.floor(Date.now() / 1000).toString();
    const signature = createHmac('sha256', whsec).update(`${msgId}.${ts}.${body}`).digest('base64');
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'webhook-id': msgId, 'webhook-timestamp': ts, 'webhook-signature': `v1,${signature}` } },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== undefined && res.statusCode < 300) {
            delivered.push(id);
            recordTimer ??= setTimeout(record, 5);
          }
        });
      },
    );
    req.on('error', () => {});
    req.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const header = String(req.headers['stripe-signature'] ?? '');
      const t = /t=(\d+)/.exec(header)?.[1];
      const v1 = /v1=([0-9a-f]{64})/.exec(header)?.[1];
      const expected = t === undefined ? undefined : createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
      if (!expected || !v1 || !timingSafeEqual(expected, Buffer.from(v1, 'hex')) || Math.abs(Date.now() / 1000 - Number(t)) > 300) {
        res.writeHead(400).end();
        return;
      }
      const event = JSON.parse(raw.toString('utf8')) as { id: string; type: string; data: { object: unknown } };
      const body = JSON.stringify({ type: 'chargeAdded', timestamp: new Date().toISOString(), data: event.data.object });
      pending.push({ eventId: event.id, body, res });
      if (!stored) commit();
      else commitTimer ??= setTimeout(commit, 5);
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}

if (processes > 1 && cluster.isPrimary) {
  for (let i = 0; i < processes; i += 1) cluster.fork();
  const workers = Object.values(cluster.workers ?? {});
  const ports = await Promise.all(workers.map((w) => new Promise<number>((resolve) => w!.once('message', (m: { port: number }) => resolve(m.port)))));
  // CPU of the workers, summed, answers the bench's probe as if one process.
  announceReady({ url: `http://127.0.0.1:${ports[0]}` }, () => {});
  process.removeAllListeners('message');
  process.on('message', async (message) => {
    if (message !== 'cpu') return;
    const replies = await Promise.all(workers.map((w) => new Promise<NodeJS.CpuUsage>((resolve) => { w!.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve(m.cpu)); w!.send('cpu'); })));
    const own = process.cpuUsage();
    process.send?.({ cpu: replies.reduce((a, c) => ({ user: a.user + c.user, system: a.system + c.system }), own), memory: process.memoryUsage() });
  });
  process.once('SIGTERM', () => { for (const w of workers) w!.kill(); process.exit(0); });
} else if (cluster.isWorker) {
  const server = serve();
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  process.on('message', (m) => { if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() }); });
} else {
  const server = serve();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
