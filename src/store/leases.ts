// Operations on the leases table (migration 009_leases): one row per named piece of background
// work that must run in one process at a time across every process sharing the store. A grant
// raises the row's fencing token; the holder's commits check that token inside their own
// transaction (holdsLease), so a holder that paused past its expiry (GC, network) cannot commit
// over the process that took over. Expiry is read by the database's clock on PostgreSQL, so
// machines whose clocks differ by seconds agree on it; SQLite is one machine, so its local clock.
// Plain rows and one-statement upserts, not advisory locks: PostgreSQL's session locks are lost
// or shared behind PgBouncer in transaction mode and never expire when their holder hangs.
import { sql, type RawBuilder } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Store } from './database.js';

export interface LeaseGrant {
  name: string;
  holder: string;
  /** The fencing token of this grant. */
  token: number;
}

/** Now, in ms since the epoch: the database's clock on PostgreSQL, this process's on SQLite. */
function clockMs(db: Store): RawBuilder<number> {
  if (isPostgres(db)) {
    // clock_timestamp(), not now(): now() stands still for a whole transaction.
    return sql<number>`(extract(epoch from clock_timestamp()) * 1000)::double precision`;
  }
  return sql<number>`${Date.now()}`;
}

/**
 * Grants the lease `name` to `holder` for `ttlMs` when it is free (expired, released or never
 * taken) or `holder` has it already, in one statement; undefined when another holder's grant is
 * still running. Every grant raises the token, a re-grant to the same holder included, so the
 * newest grant is the only one whose commits pass.
 */
export async function acquireLease(db: Store, name: string, holder: string, ttlMs: number): Promise<LeaseGrant | undefined> {
  const now = clockMs(db);
  const row = await db
    .insertInto('leases')
    .values({ name, holder, token: 1, expires_at_ms: sql<number>`${now} + ${ttlMs}` })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({
          holder: (eb) => eb.ref('excluded.holder'),
          token: sql<number>`leases.token + 1`,
          expires_at_ms: (eb) => eb.ref('excluded.expires_at_ms'),
        })
        .where((eb) => eb.or([eb('leases.expires_at_ms', '<=', now), eb('leases.holder', '=', holder)])),
    )
    .returning('token')
    .executeTakeFirst();
  return row === undefined ? undefined : { name, holder, token: Number(row.token) };
}

/** Extends the grant to `ttlMs` from now; false when the lease has been granted again since (lost). */
export async function renewLease(db: Store, grant: LeaseGrant, ttlMs: number): Promise<boolean> {
  const result = await db
    .updateTable('leases')
    .set({ expires_at_ms: sql<number>`${clockMs(db)} + ${ttlMs}` })
    .where('name', '=', grant.name)
    .where('holder', '=', grant.holder)
    .where('token', '=', grant.token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Frees the lease at once, so the next process need not wait for its expiry; a lost grant changes nothing. */
export async function releaseLease(db: Store, grant: LeaseGrant): Promise<void> {
  await db
    .updateTable('leases')
    .set({ expires_at_ms: 0 })
    .where('name', '=', grant.name)
    .where('holder', '=', grant.holder)
    .where('token', '=', grant.token)
    .execute();
}

/**
 * The fencing check, inside the transaction of a commit made under the grant: true while the lease
 * has not been granted again. It writes the row (changing nothing), so on PostgreSQL the row stays
 * locked until the commit and a process taking the lease over waits for it, then reads what it
 * wrote; on SQLite the write lock does the same.
 */
export async function holdsLease(trx: Store, grant: LeaseGrant): Promise<boolean> {
  const result = await trx
    .updateTable('leases')
    .set({ token: (eb) => eb.ref('token') })
    .where('name', '=', grant.name)
    .where('holder', '=', grant.holder)
    .where('token', '=', grant.token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Inside a transaction: a lock named `name` held until it ends, for one-time work that must not
 * run twice at once (the admin bootstrap). The row is created on first use and held by nobody, so
 * it never stands in for a lease; the upsert takes its row lock on PostgreSQL (a second
 * transaction waits for the first to end, even while the row is still being inserted) and the
 * write lock on SQLite.
 */
export async function lockUntilCommit(trx: Store, name: string): Promise<void> {
  await trx
    .insertInto('leases')
    .values({ name, holder: '', token: 0, expires_at_ms: 0 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ token: (eb) => eb.ref('leases.token') }))
    .execute();
}
