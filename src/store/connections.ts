// Operations on the connections table. Every read is scoped to its owner: a connection of another
// user is indistinguishable from one that does not exist.
import type { Store } from './database.js';
import type { ConnectionRow, NewConnectionRow } from './schema.js';

export async function insertConnection(db: Store, row: NewConnectionRow): Promise<void> {
  await db.insertInto('connections').values(row).execute();
}

export async function findOwnedConnection(db: Store, userId: string, id: string): Promise<ConnectionRow | undefined> {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function listOwnedConnections(db: Store, userId: string): Promise<ConnectionRow[]> {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Returns whether a row was removed. */
export async function deleteOwnedConnection(db: Store, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('connections')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
