// A store as a console user meets it after a few busy days, written directly (multi-row INSERTs in
// large transactions, not through the API, so a million rows take a minute rather than hours):
// connections and subscriptions of one user, then deliveries spread evenly over SPAN_MS, each with
// its trigger event, and, when asked, each settled delivery's attempt (what GET /api/runs lists)
// and action runs. bench/console/api.bench.ts and pages.bench.ts both fill theirs here.
import { sql, type RawBuilder } from 'kysely';
import type { Store } from '../../src/store/database.js';

export const CONNECTIONS = 3;
export const SUBSCRIPTIONS_PER_CONNECTION = 2;
export const SPAN_MS = 4 * 24 * 3600_000;
const ROWS_PER_STATEMENT = 1000;
const ROWS_PER_TRANSACTION = 50_000;

export interface FillOptions {
  deliveries: number;
  /** One attempt per settled (delivered or failed) delivery, a second one for each failed one. */
  attempts?: boolean;
  /** Action runs in the runs table, spread over the same span. */
  actionRuns?: number;
}

export interface Filled {
  subscriptions: { id: string; connection: string }[];
  nowMs: number;
  fillSeconds: number;
}

const hexId = (prefix: string, ms: number, i: number): string => `${prefix}_${ms.toString(16).padStart(12, '0')}${i.toString(16).padStart(12, '0')}`;

/** In transactions of ROWS_PER_TRANSACTION rows, each written ROWS_PER_STATEMENT at a time by `statements`. */
async function inBatches(db: Store, count: number, statements: (from: number, to: number) => RawBuilder<unknown>[]): Promise<void> {
  for (let base = 0; base < count; base += ROWS_PER_TRANSACTION) {
    await db.transaction().execute(async (tx) => {
      for (let from = base; from < Math.min(base + ROWS_PER_TRANSACTION, count); from += ROWS_PER_STATEMENT) {
        for (const statement of statements(from, Math.min(from + ROWS_PER_STATEMENT, count))) await statement.execute(tx);
      }
    });
  }
}

export async function fillStore(db: Store, userId: string, options: FillOptions): Promise<Filled> {
  const nowMs = Date.now();
  const startMs = nowMs - SPAN_MS;
  const subscriptions: { id: string; connection: string }[] = [];
  for (let c = 0; c < CONNECTIONS; c++) {
    const connection = `conn_bench${c}`;
    await db
      .insertInto('connections')
      .values({ id: connection, user_id: userId, name: connection, mode: 'test', key_hint: 'sk_test_…0000', key_ciphertext: 'unused', api_base: 'https://api.stripe.com', api_version: null, rate_limit: null, key_check: 'verified', created_at: new Date(startMs).toISOString() })
      .execute();
    for (let s = 0; s < SUBSCRIPTIONS_PER_CONNECTION; s++) {
      const id = `sub_bench${c}${s}`;
      await db
        .insertInto('subscriptions')
        .values({ id, user_id: userId, connection_id: connection, trigger: s === 0 ? 'customerAdded' : 'chargeAdded', url: 'http://127.0.0.1:9/hook', mode: 'poll', poll_interval_seconds: 120, secret_ciphertext: 'sealed', status: 'paused', since: new Date(startMs).toISOString(), created_at: new Date(startMs).toISOString() })
        .execute();
      subscriptions.push({ id, connection });
    }
  }

  // 97% delivered, 2% failed, pending only in the last hour (the worker keeps up; backoff is recent).
  const msOf = (i: number, count: number) => startMs + Math.floor((i * SPAN_MS) / count);
  const statusOf = (i: number, ms: number) => (nowMs - ms < 3600_000 && i % 10 === 0 ? 'pending' : i % 50 === 0 ? 'failed' : 'delivered');
  const fillStarted = performance.now();
  await inBatches(db, options.deliveries, (from, to) => {
    const events = [];
    const deliveries = [];
    const attempts = [];
    for (let i = from; i < to; i++) {
      const ms = msOf(i, options.deliveries);
      const at = new Date(ms).toISOString();
      const subscription = subscriptions[i % subscriptions.length]!;
      const status = statusOf(i, ms);
      events.push(sql`(${hexId('evt', ms, i)}, ${subscription.connection}, 'customerAdded', ${`obj_${i}`}, ${at}, '{}', ${at})`);
      deliveries.push(sql`(${hexId('msg', ms, i)}, ${subscription.id}, ${hexId('evt', ms, i)}, ${`obj_${i}`}, ${at}, ${status}, ${status === 'pending' ? 0 : 1}, ${at}, ${status === 'delivered' ? at : null}, ${at})`);
      if (options.attempts && status !== 'pending') {
        // ids ordered by time, as src/ids.ts makes them; a failed delivery's second attempt 30 s later.
        const tries = status === 'failed' ? 2 : 1;
        for (let a = 1; a <= tries; a++) {
          const started = ms + 50 + (a - 1) * 30_000;
          const code = status === 'failed' ? 500 : 200;
          attempts.push(sql`(${hexId('att', started, i * 2 + a)}, ${hexId('msg', ms, i)}, ${a}, ${new Date(started).toISOString()}, 42, ${code}, ${code === 200 ? null : 'HTTP 500'}, ${code === 200 ? null : 'upstream unavailable'})`);
        }
      }
    }
    return [
      sql`insert into trigger_events (id, connection_id, trigger, stripe_object_id, object_created, data, created_at) values ${sql.join(events)}`,
      sql`insert into deliveries (id, subscription_id, event_id, stripe_object_id, object_created, status, attempts, next_attempt_at, delivered_at, created_at) values ${sql.join(deliveries)}`,
      ...(attempts.length > 0 ? [sql`insert into delivery_attempts (id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_snippet) values ${sql.join(attempts)}`] : []),
    ];
  });
  const runs = options.actionRuns ?? 0;
  await inBatches(db, runs, (from, to) => {
    const rows = [];
    for (let i = from; i < to; i++) {
      const ms = msOf(i, runs);
      const failed = i % 20 === 0;
      rows.push(
        sql`(${hexId('run', ms, i)}, 'action', ${userId}, ${subscriptions[i % subscriptions.length]!.connection}, 'createCustomer', ${failed ? 'failed' : 'succeeded'}, 180, ${`req_${i}`}, ${'{"email":"a@example.com"}'}, ${failed ? null : '{"id":"cus_1"}'}, ${failed ? '{"code":"card_declined","message":"Your card was declined."}' : null}, ${new Date(ms).toISOString()})`,
      );
    }
    return [sql`insert into runs (id, kind, user_id, connection_id, operation, status, duration_ms, stripe_request_id, input, output, error, created_at) values ${sql.join(rows)}`];
  });
  await sql`analyze`.execute(db);
  return { subscriptions, nowMs, fillSeconds: (performance.now() - fillStarted) / 1000 };
}
