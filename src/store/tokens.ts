// Operations on the tokens table. Only hashes are stored and looked up.
import type { Store } from './database.js';
import type { TokenRow } from './schema.js';

export async function insertToken(db: Store, token: TokenRow): Promise<void> {
  await db.insertInto('tokens').values(token).execute();
}

export async function findTokenByHash(db: Store, tokenHash: string): Promise<TokenRow | undefined> {
  return db.selectFrom('tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** A user's tokens, oldest first (id breaks ties within one millisecond). */
export async function listTokensOfUser(db: Store, userId: string): Promise<TokenRow[]> {
  return db.selectFrom('tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

export async function countTokensOfUser(db: Store, userId: string): Promise<number> {
  const row = await db.selectFrom('tokens').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The token `id` when it belongs to `userId`; undefined for an unknown id or another user's. */
export async function findTokenOfUser(db: Store, userId: string, id: string): Promise<TokenRow | undefined> {
  return db.selectFrom('tokens').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** How many tokens admin users hold between them. */
export async function countAdminTokens(db: Store): Promise<number> {
  const row = await db
    .selectFrom('tokens')
    .innerJoin('users', 'users.id', 'tokens.user_id')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('users.is_admin', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes the token `id` of `userId`; false when there was none. */
export async function deleteTokenOfUser(db: Store, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('tokens').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
