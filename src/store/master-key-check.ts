// Operations on the master key's check value (migration 005_master_key_check): one row, id 'master'.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const ROW_ID = 'master';

export async function readKeyCheckValue(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('master_key_check').select('check_value').where('id', '=', ROW_ID).executeTakeFirst();
  return row?.check_value;
}

/**
 * Writes the check value unless one exists, and returns the one the store holds afterwards: two
 * processes starting at once on an empty store both insert, one wins, and each then checks its
 * key against the winner's value.
 */
export async function insertKeyCheckValueIfAbsent(db: Kysely<Database>, checkValue: string, nowIso: string): Promise<string> {
  await db
    .insertInto('master_key_check')
    .values({ id: ROW_ID, check_value: checkValue, updated_at: nowIso })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const stored = await readKeyCheckValue(db);
  if (stored === undefined) throw new Error('The master key check value was written but cannot be read back');
  return stored;
}

/** Sets the check value, whether one exists or not (key rotation, inside its transaction). */
export async function writeKeyCheckValue(db: Kysely<Database>, checkValue: string, nowIso: string): Promise<void> {
  await db
    .insertInto('master_key_check')
    .values({ id: ROW_ID, check_value: checkValue, updated_at: nowIso })
    .onConflict((oc) => oc.column('id').doUpdateSet({ check_value: checkValue, updated_at: nowIso }))
    .execute();
}
