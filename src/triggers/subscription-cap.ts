// The cap on subscriptions per connection (SUBSCRIPTIONS_PER_CONNECTION). Each subscription costs
// a poll of Stripe every interval (poll mode) and a delivery per event, all on the connection's one
// Stripe rate (25 requests/s in test mode): without a cap one connection could be made to poll
// Stripe, and post to subscribers, without bound. The count and the insert are one transaction
// that first locks the connection's row, so two creations racing for the last place serialise:
// the second sees the first's row and is refused.
import { sql, type Kysely } from 'kysely';
import { ConnectorError } from '../errors.js';
import type { OutboxDatabase, SubscriptionRow } from '../delivery/outbox-tables.js';

/** Subscriptions one connection may have, paused ones included, when SUBSCRIPTIONS_PER_CONNECTION is unset. */
export const DEFAULT_SUBSCRIPTIONS_PER_CONNECTION = 50;

export function tooManySubscriptions(max: number): ConnectorError {
  return new ConnectorError(
    409,
    'conflict',
    `This connection has ${max} subscriptions, the most allowed (SUBSCRIPTIONS_PER_CONNECTION=${max}): ` +
      'delete one first, or ask the operator to raise SUBSCRIPTIONS_PER_CONNECTION',
    { limit: max, setting: 'SUBSCRIPTIONS_PER_CONNECTION' },
  );
}

async function countOf(db: Kysely<OutboxDatabase>, connectionId: string): Promise<number> {
  const row = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  // PostgreSQL's count is a bigint, which pg hands over as a string.
  return Number(row.n);
}

/** A 409 when the connection is full already: spares the Stripe call of a creation that cannot succeed. */
export async function assertRoomForSubscription(db: Kysely<OutboxDatabase>, connectionId: string, max: number): Promise<void> {
  if ((await countOf(db, connectionId)) >= max) throw tooManySubscriptions(max);
}

/** Inserts the subscription unless its connection has `max` already (then a 409, nothing written). */
export async function insertSubscriptionWithinCap(db: Kysely<OutboxDatabase>, row: SubscriptionRow, max: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    // A write to the connection's row: on PostgreSQL a row lock held to the commit, on SQLite the
    // database's write lock; either way the next creation for this connection waits here and
    // then counts this one. No dialect-specific SQL (no SELECT … FOR UPDATE, which SQLite lacks).
    await sql`update connections set name = name where id = ${row.connection_id}`.execute(tx);
    if ((await countOf(tx, row.connection_id)) >= max) throw tooManySubscriptions(max);
    await tx.insertInto('subscriptions').values(row).execute();
  });
}
