// Every column that holds a secret sealed with the master key (src/connections/key-cipher.ts), and
// the id each seal is bound to. The one list the start-up key check and key rotation read: a new
// sealed column is added here, or rotation would leave it under the old key.
import { sql } from 'kysely';
import type { Store } from './database.js';

export interface SealedColumn {
  table: string;
  column: string;
  /** The column whose value the seal is bound to (its associated data). */
  boundTo: string;
  /** In the user's words, plural, for counts: "connection API keys". */
  label: string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'connections', column: 'key_ciphertext', boundTo: 'id', label: 'connection API keys' },
  { table: 'subscriptions', column: 'secret_ciphertext', boundTo: 'id', label: 'subscription secrets' },
  { table: 'webhook_endpoints', column: 'secret_ciphertext', boundTo: 'connection_id', label: 'webhook endpoint secrets' },
];

export interface SealedValue {
  boundTo: string;
  sealed: string;
}

// Table and column names come from SEALED_COLUMNS only, never from input; sql.table/sql.ref quote them.

/** The column's sealed values, oldest bound id first; `limit` of them, or all. */
export async function readSealedValues(db: Store, column: SealedColumn, limit?: number): Promise<SealedValue[]> {
  const query = sql<SealedValue>`select ${sql.ref(column.boundTo)} as "boundTo", ${sql.ref(column.column)} as "sealed" from ${sql.table(column.table)} order by ${sql.ref(column.boundTo)}${limit === undefined ? sql`` : sql` limit ${limit}`}`;
  return (await query.execute(db)).rows;
}

/** Replaces one sealed value; returns whether the row was still there with the value read. */
export async function replaceSealedValue(db: Store, column: SealedColumn, value: SealedValue, resealed: string): Promise<boolean> {
  const result = await sql`update ${sql.table(column.table)} set ${sql.ref(column.column)} = ${resealed} where ${sql.ref(column.boundTo)} = ${value.boundTo} and ${sql.ref(column.column)} = ${value.sealed}`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

export async function anySealedValue(db: Store): Promise<boolean> {
  for (const column of SEALED_COLUMNS) {
    if ((await readSealedValues(db, column, 1)).length > 0) return true;
  }
  return false;
}
