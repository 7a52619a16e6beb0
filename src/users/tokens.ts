// API tokens: generated once, shown once, stored only as sha256, and compared in constant time.
// A token is 256 random bits, so an unsalted sha256 cannot be reversed by guessing.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/database.js';
import { newId } from '../ids.js';
import { findAdminUser, insertUser } from '../store/users.js';
import { findTokenByHash, insertToken } from '../store/tokens.js';
import { lockUntilCommit } from '../store/leases.js';
import { findTokenWithOwnedConnection } from '../store/connections.js';
import type { ConnectionRow } from '../store/schema.js';

/** Prefix that makes a leaked token recognisable to secret scanners. */
export const TOKEN_PREFIX = 'sct_';
/** A token supplied by the operator (STRIPE_CONNECTOR_ADMIN_TOKEN) must be at least this long. */
export const MIN_TOKEN_LENGTH = 24;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  // The one-shot crypto.hash (Node ≥ 20.12): ≈ 0.3 µs against ≈ 1–2 µs for a createHash object.
  return hash('sha256', token, 'hex');
}

export interface CreatedUser {
  userId: string;
  token: string;
}

export async function createUserWithToken(
  db: Store,
  options: { name: string; isAdmin?: boolean; token?: string; now?: Date },
): Promise<CreatedUser> {
  return db.transaction().execute((trx) => insertUserWithToken(trx, options));
}

/** createUserWithToken inside the caller's transaction. */
async function insertUserWithToken(
  trx: Store,
  options: { name: string; isAdmin?: boolean; token?: string; now?: Date },
): Promise<CreatedUser> {
  const token = options.token ?? generateToken();
  const userId = newId('usr');
  const createdAt = (options.now ?? new Date()).toISOString();
  await insertUser(trx, { id: userId, name: options.name, is_admin: options.isAdmin ? 1 : 0, created_at: createdAt });
  await insertToken(trx, { id: newId('tok'), user_id: userId, token_hash: hashToken(token), created_at: createdAt });
  return { userId, token };
}

/** The lock the admin bootstrap runs under (src/store/leases.ts, lockUntilCommit). */
const ADMIN_BOOTSTRAP_LOCK = 'startup:admin-bootstrap';

// The lookup is by hash already; the constant-time comparison keeps the final check free of an
// early-exit timing signal should the lookup ever become a prefix or case-insensitive match.
function sameHash(storedHex: string, presentedHex: string): boolean {
  const stored = Buffer.from(storedHex, 'hex');
  const given = Buffer.from(presentedHex, 'hex');
  return stored.length === given.length && timingSafeEqual(stored, given);
}

/** The user a bearer token belongs to, or undefined. */
export async function authenticate(db: Store, token: string): Promise<string | undefined> {
  const presented = hashToken(token);
  const row = await findTokenByHash(db, presented);
  return row && sameHash(row.token_hash, presented) ? row.user_id : undefined;
}

export interface AuthenticatedWithConnection {
  userId: string;
  /** The user's connection with the id asked for; undefined when unknown or another user's. */
  connection: ConnectionRow | undefined;
}

/** authenticate() and the user's connection `connectionId`, in one store read; undefined: no such token. */
export async function authenticateWithConnection(db: Store, token: string, connectionId: string): Promise<AuthenticatedWithConnection | undefined> {
  const presented = hashToken(token);
  const found = await findTokenWithOwnedConnection(db, presented, connectionId);
  return found && sameHash(found.tokenHash, presented) ? { userId: found.userId, connection: found.connection } : undefined;
}

export type AdminBootstrap =
  | { kind: 'generated'; token: string }
  | { kind: 'from-environment' }
  | { kind: 'existing' };

/**
 * The first start creates the admin user. Its token is STRIPE_CONNECTOR_ADMIN_TOKEN when set
 * (also added to an existing admin on a later start, so the variable keeps working), otherwise a
 * generated one that the caller prints once. Processes starting together on one store run this
 * one after the other (a lock held until the commit), so they create one admin between them, and
 * the variable's token once.
 */
export async function ensureAdmin(db: Store, adminToken: string | undefined): Promise<AdminBootstrap> {
  if (adminToken !== undefined && adminToken.length < MIN_TOKEN_LENGTH) {
    throw new Error(`STRIPE_CONNECTOR_ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  return db.transaction().execute(async (trx) => {
    await lockUntilCommit(trx, ADMIN_BOOTSTRAP_LOCK);
    return bootstrapAdmin(trx, adminToken);
  });
}

async function bootstrapAdmin(db: Store, adminToken: string | undefined): Promise<AdminBootstrap> {
  const admin = await findAdminUser(db);
  if (!admin) {
    if (adminToken !== undefined) {
      await insertUserWithToken(db, { name: 'admin', isAdmin: true, token: adminToken });
      return { kind: 'from-environment' };
    }
    const created = await insertUserWithToken(db, { name: 'admin', isAdmin: true });
    return { kind: 'generated', token: created.token };
  }
  if (adminToken !== undefined && !(await findTokenByHash(db, hashToken(adminToken)))) {
    await insertToken(db, {
      id: newId('tok'),
      user_id: admin.id,
      token_hash: hashToken(adminToken),
      created_at: new Date().toISOString(),
    });
    return { kind: 'from-environment' };
  }
  return adminToken !== undefined ? { kind: 'from-environment' } : { kind: 'existing' };
}
