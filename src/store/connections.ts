// Operations on the connections table. Every read is scoped to its owner: a connection of another
// user is indistinguishable from one that does not exist.
import type { Store } from './database.js';
import type { ConnectionRow, NewConnectionRow } from './schema.js';
import { compiledOnce } from './statement-cache.js';

export async function insertConnection(db: Store, row: NewConnectionRow): Promise<void> {
  await db.insertInto('connections').values(row).execute();
}

/** Whoever owns it: for the background paths (polls, reconciliation), which act for every user. */
export async function findConnection(db: Store, id: string): Promise<ConnectionRow | undefined> {
  return db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOwnedConnection(db: Store, userId: string, id: string): Promise<ConnectionRow | undefined> {
  return db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

// The action path's one read per call: compiled once (statement-cache.ts).
const tokenWithOwnedConnection = compiledOnce((db: Store, id: string, tokenHash: string) =>
  db
    .selectFrom('tokens')
    .leftJoin('connections', (join) => join.onRef('connections.user_id', '=', 'tokens.user_id').on('connections.id', '=', id))
    .selectAll('connections')
    .select(['tokens.token_hash as token_hash', 'tokens.user_id as token_user_id'])
    .where('tokens.token_hash', '=', tokenHash),
);

/**
 * The token's user and, in the same query, that user's connection `id` (undefined when the id is
 * unknown or another user's): the action route's two lookups as one indexed read (auth.ts says why).
 * Undefined when no token has this hash.
 */
export async function findTokenWithOwnedConnection(
  db: Store,
  tokenHash: string,
  id: string,
): Promise<{ tokenHash: string; userId: string; connection: ConnectionRow | undefined } | undefined> {
  const row = (await tokenWithOwnedConnection(db, id, tokenHash)).rows[0];
  if (!row) return undefined;
  const { token_hash, token_user_id, ...connection } = row;
  return { tokenHash: token_hash, userId: token_user_id, connection: connection.id === null ? undefined : (connection as ConnectionRow) };
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
