// A user's own API tokens: list them, add one, revoke one. Another user's token is never seen:
// an id that is not the caller's is the same 404 as an unknown one.
import { ConnectorError, notFound } from '../errors.js';
import type { Store } from '../store/database.js';
import { newId } from '../ids.js';
import { countAdminTokens, countTokensOfUser, deleteTokenOfUser, findTokenOfUser, insertToken, listTokensOfUser } from '../store/tokens.js';
import { isAdminUser, lockAdminUsers } from '../store/users.js';
import { generateToken, hashToken } from './tokens.js';

/**
 * Tokens one user may hold. Each is a row read on no hot path, but without a bound one token could
 * fill the store with more; 100 is far beyond one per script or machine.
 */
export const MAX_TOKENS_PER_USER = 100;

/** A token as the API shows it: never the token or its hash. */
export interface TokenView {
  id: string;
  createdAt: string;
  /** true for the token this request was made with. */
  current: boolean;
}

export async function listOwnTokens(db: Store, userId: string, presentedToken: string): Promise<TokenView[]> {
  const presented = hashToken(presentedToken);
  const rows = await listTokensOfUser(db, userId);
  return rows.map((row) => ({ id: row.id, createdAt: row.created_at, current: row.token_hash === presented }));
}

export interface IssuedToken {
  id: string;
  /** Shown this once; only its sha256 is stored. */
  token: string;
}

export async function addOwnToken(db: Store, userId: string, now: Date = new Date()): Promise<IssuedToken> {
  // Counted outside a transaction: concurrent requests may overshoot by a few, which the bound
  // tolerates, and a read-then-write SQLite transaction can fail outright when another process writes between.
  if ((await countTokensOfUser(db, userId)) >= MAX_TOKENS_PER_USER) {
    throw new ConnectorError(409, 'conflict', `You hold ${MAX_TOKENS_PER_USER} tokens, the most one user may; revoke one first (DELETE /api/tokens/{id})`);
  }
  const token = generateToken();
  const id = newId('tok');
  await insertToken(db, { id, user_id: userId, token_hash: hashToken(token), created_at: now.toISOString() });
  return { id, token };
}

/**
 * Revokes one of the caller's tokens; from the next request on, in any process sharing the store,
 * it is refused (tokens are read from the store on every request, never cached). The last token
 * held by any admin is kept: without it no one could create users any more, and no route could give
 * an admin a token back.
 */
export async function revokeOwnToken(db: Store, userId: string, tokenId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // The lock comes first, for every caller: two admins revoking their last tokens at once are
    // then counted one after the other (the second is refused), and on SQLite the transaction
    // starts as a writer — one that read first cannot become a writer after another process wrote.
    await lockAdminUsers(trx);
    if ((await isAdminUser(trx, userId)) && (await findTokenOfUser(trx, userId, tokenId)) && (await countAdminTokens(trx)) <= 1) {
      throw new ConnectorError(
        409,
        'conflict',
        'No other admin user holds a token: revoking this one would leave no admin able to sign in. Create another admin token first (POST /api/tokens, or POST /api/users with "admin": true), then revoke this one.',
      );
    }
    if (!(await deleteTokenOfUser(trx, userId, tokenId))) throw notFound('token', tokenId);
  });
}
