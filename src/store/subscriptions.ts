// Operations on the subscriptions table for their owners (src/trigger-sources/subscriptions.ts). Every
// read by id is scoped to its owner: another user's subscription is indistinguishable from one
// that does not exist.
import { sql } from 'kysely';
import type { Store } from './database.js';
import type { SubscriptionRow } from './schema.js';

export async function findOwnedSubscription(db: Store, userId: string, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** Deletes the subscription with its deliveries and their history (foreign keys cascade). */
export async function deleteOwnedSubscription(db: Store, userId: string, id: string): Promise<void> {
  await db.deleteFrom('subscriptions').where('id', '=', id).where('user_id', '=', userId).execute();
}

/** Takes back a subscription just inserted, whose creation failed after the insert. */
export async function deleteSubscription(db: Store, id: string): Promise<void> {
  await db.deleteFrom('subscriptions').where('id', '=', id).execute();
}

export async function setOwnedSubscriptionStatus(db: Store, userId: string, id: string, status: SubscriptionRow['status']): Promise<void> {
  await db.updateTable('subscriptions').set({ status }).where('id', '=', id).where('user_id', '=', userId).execute();
}

/** Subscriptions of the connection, paused ones included. */
export async function countSubscriptionsOfConnection(db: Store, connectionId: string): Promise<number> {
  const row = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  // PostgreSQL's count is a bigint, which pg hands over as a string.
  return Number(row.n);
}

/**
 * Inserts the subscription unless its connection has `max` already; false then, and nothing
 * written. The count and the insert are one transaction that first locks the connection's row, so
 * two creations racing for the last place serialise: the second sees the first's row.
 */
export async function insertSubscriptionUnlessFull(db: Store, row: SubscriptionRow, max: number): Promise<boolean> {
  try {
    await db.transaction().execute(async (tx) => {
      // A write to the connection's row: on PostgreSQL a row lock held to the commit, on SQLite the
      // database's write lock; either way the next creation for this connection waits here and
      // then counts this one. No dialect-specific SQL (no SELECT … FOR UPDATE, which SQLite lacks).
      await sql`update connections set name = name where id = ${row.connection_id}`.execute(tx);
      if ((await countSubscriptionsOfConnection(tx, row.connection_id)) >= max) throw new ConnectionFull();
      await tx.insertInto('subscriptions').values(row).execute();
    });
    return true;
  } catch (error) {
    if (error instanceof ConnectionFull) return false;
    throw error;
  }
}

/** Rolls the transaction back: the lock is released and nothing is written. */
class ConnectionFull extends Error {}
