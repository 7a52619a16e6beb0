// Operations on the tokens table. Only hashes are stored and looked up.
import type { Store } from './database.js';
import type { TokenRow } from './schema.js';

export async function insertToken(db: Store, token: TokenRow): Promise<void> {
  await db.insertInto('tokens').values(token).execute();
}

export async function findTokenByHash(db: Store, tokenHash: string): Promise<TokenRow | undefined> {
  return db.selectFrom('tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}
