// bench/triggers/steps: the webhook path's steps timed in one process, where the machine's other
// load reaches least — the connector's own code per event, without HTTP in front of it:
// signature check, group commit into the outbox (with the handoff), body and signature of the
// delivery, the send itself to a subscriber in another process, and recording the outcome. Each
// step runs over the same events in groups of GROUP (what the inbound route and the worker
// gather under load); the figure is process CPU (user + system) per event, least of ROUNDS.
//
//   npm run bench -- triggers/steps         (BENCH_EVENTS=5000, BENCH_GROUP=32, BENCH_ROUNDS=3)
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { InboundWebhooks } from '../../src/trigger-sources/inbound-webhook.js';
import { verifyStripeWebhook } from '../../src/stripe/webhook-signature.js';
import type { ReadyDelivery } from '../../src/delivery/handoff.js';
import { eventBody } from '../../src/delivery/event-body.js';
import { deliverySigner, generateSubscriptionSecret } from '../../src/delivery/signing.js';
import { sendDelivery, type SendResult } from '../../src/delivery/send.js';
import { cachedUrlCheck } from '../../src/delivery/url-guard.js';
import { recordAttempts, type AttemptOutcome } from '../../src/delivery/record-attempt.js';
import { describeMachine } from '../emulator/machine.js';
import { startTsChild, stopAllChildren } from './children.js';
import { loadNow } from './world.js';

process.setSourceMapsEnabled(false);

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const GROUP = Number(process.env.BENCH_GROUP ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

async function timed(work: () => Promise<void>): Promise<number> {
  const before = cpuUs();
  await work();
  return cpuUs() - before;
}

function chargeEvent(n: string, createdSeconds: number): string {
  return JSON.stringify({
    id: `evt_${n}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: createdSeconds,
    type: 'charge.succeeded',
    data: {
      object: {
        id: `ch_${n}`,
        object: 'charge',
        amount: 2000,
        amount_captured: 2000,
        amount_refunded: 0,
        balance_transaction: `txn_${n}`,
        billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null },
        captured: true,
        created: createdSeconds,
        currency: 'usd',
        customer: null,
        description: `bench:${n}`,
        failure_code: null,
        failure_message: null,
        livemode: false,
        metadata: {},
        outcome: { network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 32, seller_message: 'Payment complete.', type: 'authorized' },
        paid: true,
        payment_method: `card_${n}`,
        payment_method_details: { card: { brand: 'visa', country: 'US', exp_month: 8, exp_year: 2030, funding: 'credit', last4: '4242', network: 'visa' }, type: 'card' },
        receipt_email: null,
        receipt_number: null,
        receipt_url: 'https://pay.stripe.com/receipts/x',
        refunded: false,
        statement_descriptor: null,
        status: 'succeeded',
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
}

async function main(): Promise<void> {
  const subscriber = await startTsChild<{ url: string }>('./subscriber-process.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-bench-steps-'));
  const store = openStore({ dataDir, databaseUrl: undefined });
  await migrateToLatest(store);
  const db = store;
  const nowMs = Date.now();
  const iso = new Date(nowMs).toISOString();
  await store.insertInto('users').values({ id: 'usr_1', name: 'bench', is_admin: 0, created_at: iso }).execute();
  await store
    .insertInto('connections')
    .values({ id: 'conn_1', user_id: 'usr_1', name: 'bench', mode: 'test', key_hint: 'sk_test_…abcd', key_ciphertext: 'sealed', api_base: 'http://127.0.0.1:9', api_version: null, rate_limit: null, key_check: 'verified', created_at: iso })
    .execute();
  await db
    .insertInto('subscriptions')
    .values({ id: 'sub_1', user_id: 'usr_1', connection_id: 'conn_1', trigger: 'chargeAdded', url: subscriber.ready.url, mode: 'webhook', poll_interval_seconds: 120, secret_ciphertext: 'sealed', status: 'active', since: new Date(nowMs - 3_600_000).toISOString(), created_at: iso })
    .execute();
  const endpointSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const subscriptionSecret = generateSubscriptionSecret();

  const rows: Record<string, number[]> = { verify: [], commit: [], body: [], send: [], record: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const t = Math.floor(Date.now() / 1000);
    const bodies = Array.from({ length: EVENTS }, (_, i) => chargeEvent(`r${round}x${i}`, t));
    const headers = bodies.map((body) => `t=${t},v1=${createHmac('sha256', endpointSecret).update(`${t}.${body}`).digest('hex')}`);

    rows.verify!.push(
      (await timed(async () => {
        for (let i = 0; i < EVENTS; i += 1) verifyStripeWebhook(bodies[i]!, headers[i], endpointSecret);
      })) / EVENTS,
    );

    // Verify + group commit through the real InboundWebhooks, GROUP requests at a time.
    const handedOver: ReadyDelivery[] = [];
    const inbound = new InboundWebhooks({
      db: store,
      secretFor: async () => endpointSecret,
      handoff: { reserve: (at) => ({ claimToken: randomBytes(12).toString('hex'), lockedUntil: new Date(at + 60_000).toISOString() }), accept: (ready) => handedOver.push(...ready) },
    });
    rows.commit!.push(
      (await timed(async () => {
        for (let i = 0; i < EVENTS; i += GROUP) {
          await Promise.all(bodies.slice(i, i + GROUP).map((body, j) => inbound.receive('conn_1', body, headers[i + j])));
        }
      })) / EVENTS - rows.verify!.at(-1)!,
    );

    const sign = deliverySigner(subscriptionSecret);
    const built: { ready: ReadyDelivery; body: string; headers: ReturnType<typeof sign> }[] = [];
    rows.body!.push(
      (await timed(async () => {
        for (const ready of handedOver) {
          const body = eventBody(ready.delivery, ready.event, ready.subscription);
          built.push({ ready, body, headers: sign(ready.delivery.id, new Date(), body) });
        }
      })) / handedOver.length,
    );

    const check = cachedUrlCheck(5_000);
    const outcomes: AttemptOutcome[] = [];
    rows.send!.push(
      (await timed(async () => {
        for (let i = 0; i < built.length; i += GROUP) {
          await Promise.all(
            built.slice(i, i + GROUP).map(async ({ ready, body, headers: h }) => {
              const startedAtMs = Date.now();
              const result: SendResult = await sendDelivery(ready.subscription.url, body, h, { allowPrivate: true, check });
              outcomes.push({ claimed: ready.delivery, result, startedAtMs, endedAtMs: Date.now() });
            }),
          );
        }
      })) / built.length,
    );

    rows.record!.push(
      (await timed(async () => {
        for (let i = 0; i < outcomes.length; i += GROUP) await recordAttempts(db, outcomes.slice(i, i + GROUP));
      })) / outcomes.length,
    );
    if (handedOver.length !== EVENTS || outcomes.some((o) => !o.result.delivered)) throw new Error('not every event was stored and delivered');
  }

  const least = (values: number[]) => Math.min(...values);
  console.log(`machine: ${describeMachine()}; load average ${loadNow()}`);
  console.log(`${EVENTS} charge.succeeded events (${Buffer.byteLength(chargeEvent('x', 0))} bytes each) per round, groups of ${GROUP}, ${ROUNDS} rounds; CPU µs per event, least round (every round)`);
  console.log('');
  console.log('| step | CPU µs per event |');
  console.log('|---|---:|');
  const label: Record<string, string> = {
    verify: 'Stripe-Signature check and JSON parse (SDK constructEvent)',
    commit: 'group commit: seen ids inserted (RETURNING tells the new), subscriptions, trigger event, delivery (claimed)',
    body: 'delivery body and Standard Webhooks signature',
    send: 'send (node:http keep-alive, cached URL check) to a subscriber in another process',
    record: 'record the outcome: attempt insert + one UPDATE … FROM per chunk of delivered rows',
  };
  let total = 0;
  for (const [name, values] of Object.entries(rows)) {
    total += least(values);
    console.log(`| ${label[name]} | ${least(values).toFixed(1)} (${values.map((v) => v.toFixed(0)).join(', ')}) |`);
  }
  console.log(`| sum (no inbound HTTP server, no logging) | ${total.toFixed(1)} |`);
  await store.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

try {
  await main();
} finally {
  await stopAllChildren();
}
