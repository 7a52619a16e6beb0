// POST /api/users: an admin creates a user and receives its first token, shown once.
import { forbidden } from '../errors.js';
import type { Store } from '../store/database.js';
import { isAdminUser } from '../store/users.js';
import { createUserWithToken } from './tokens.js';
import { checkUserName } from './user-name.js';

export interface NewUser {
  name: string;
  /** Default false. */
  admin?: boolean | undefined;
}

export interface CreatedUserView {
  id: string;
  name: string;
  /** Shown this once; only its sha256 is stored. */
  token: string;
}

/**
 * Refuses a caller who is not an admin. Read from the store on each call, like the token itself,
 * so a change of role applies from the next request. Callers check this before reading the body:
 * a non-admin learns nothing from a body's validation. `what` completes the refusal's "Only an
 * admin user may …" (default "create users").
 */
export async function requireAdmin(db: Store, callerId: string, what = 'create users'): Promise<void> {
  if (!(await isAdminUser(db, callerId))) throw forbidden(`Only an admin user may ${what}`);
}

/** A new user with one token; the caller must have passed requireAdmin. */
export async function createUser(db: Store, input: NewUser): Promise<CreatedUserView> {
  const name = checkUserName(input.name);
  const created = await createUserWithToken(db, { name, isAdmin: input.admin === true });
  return { id: created.userId, name, token: created.token };
}
