// The generator: signed Stripe events POSTed to one URL, each with its own event id and charge
// id, signed with the endpoint's secret the way Stripe signs (Stripe-Signature: t=<unix s>,
// v1=<hex HMAC-SHA256 of "<t>.<raw body>">). The charge's description carries the send time
// ("bench:<ms>", performance.timeOrigin + performance.now()) for the subscriber. Two loads:
// closed (`concurrency` requests in flight, the next sent as one is answered) and open (a fixed
// rate, sent on schedule whatever the answers; the time stamped is the scheduled one, so a stall
// of the server shows as latency rather than as fewer sends).
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { announceReady } from './control.js';

export interface GeneratorRun {
  url: string;
  secret: string;
  /** A Stripe event as JSON with the placeholders __EVT__, __OBJ__, __SENT__ and "__CREATED__". */
  template: string;
  /** Distinguishes the ids of one run from another's. */
  runId: string;
  load: { kind: 'closed'; concurrency: number } | { kind: 'open'; perSecond: number };
  durationMs: number;
}

export interface GeneratorResult {
  sent: number;
  accepted: number;
  failed: number;
  /** Non-2xx statuses or error codes seen, with counts. */
  failures: Record<string, number>;
  durationMs: number;
  /** Send to answer, ms. */
  ackLatenciesMs: number[];
}

const clockMs = () => performance.timeOrigin + performance.now();

async function run(spec: GeneratorRun): Promise<GeneratorResult> {
  const target = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.load.kind === 'closed' ? spec.load.concurrency : 256 });
  const render = compileTemplate(spec.template);
  const result: GeneratorResult = { sent: 0, accepted: 0, failed: 0, failures: {}, durationMs: 0, ackLatenciesMs: [] };
  let n = 0;

  const sendOne = (sentMs: number) =>
    new Promise<void>((resolve) => {
      n += 1;
      const seq = `${spec.runId}${n.toString(36)}`;
      const created = Math.floor(sentMs / 1000);
      const body = render({ __EVT__: `evt_${seq}`, __OBJ__: `ch_${seq}`, __SENT__: `bench:${sentMs.toFixed(3)}`, '"__CREATED__"': String(created) });
      const t = Math.floor(Date.now() / 1000);
      const v1 = createHmac('sha256', spec.secret).update(`${t}.${body}`).digest('hex');
      result.sent += 1;
      const fail = (why: string) => {
        result.failed += 1;
        result.failures[why] = (result.failures[why] ?? 0) + 1;
        resolve();
      };
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'stripe-signature': `t=${t},v1=${v1}` },
        },
        (res) => {
          res.resume();
          res.once('end', () => {
            if (res.statusCode === 200) {
              result.accepted += 1;
              result.ackLatenciesMs.push(clockMs() - sentMs);
              resolve();
            } else fail(String(res.statusCode));
          });
        },
      );
      req.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'error'));
      req.end(body);
    });

  const startedMs = clockMs();
  const deadlineMs = startedMs + spec.durationMs;
  if (spec.load.kind === 'closed') {
    const lane = async () => {
      while (clockMs() < deadlineMs) await sendOne(clockMs());
    };
    await Promise.all(Array.from({ length: spec.load.concurrency }, lane));
  } else {
    const intervalMs = 1000 / spec.load.perSecond;
    const inFlight: Promise<void>[] = [];
    let due = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = clockMs();
        while (due * intervalMs + startedMs <= Math.min(now, deadlineMs)) {
          inFlight.push(sendOne(startedMs + due * intervalMs));
          due += 1;
        }
        if (now >= deadlineMs) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    await Promise.all(inFlight);
  }
  result.durationMs = clockMs() - startedMs;
  agent.destroy();
  return result;
}

const PLACEHOLDERS = ['__EVT__', '__OBJ__', '__SENT__', '"__CREATED__"'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

/** The template cut once at its placeholders, so each event is a handful of concatenations. */
function compileTemplate(template: string): (values: Record<Placeholder, string>) => string {
  const found = PLACEHOLDERS.map((name) => {
    const at = template.indexOf(name);
    if (at < 0) throw new Error(`template lacks ${name}`);
    return { name, at };
  }).sort((a, b) => a.at - b.at);
  const literals: string[] = [];
  let from = 0;
  for (const { name, at } of found) {
    literals.push(template.slice(from, at));
    from = at + name.length;
  }
  literals.push(template.slice(from));
  const names = found.map((f) => f.name);
  return (values) => {
    let out = literals[0]!;
    for (let i = 0; i < names.length; i += 1) out += values[names[i]!] + literals[i + 1]!;
    return out;
  };
}

announceReady({}, (message) => {
  if (typeof message === 'object' && message !== null && 'run' in message) {
    void run((message as { run: GeneratorRun }).run).then((result) => process.send?.({ result }));
  }
});
