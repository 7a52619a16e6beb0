// The store's tables as kysely sees them: one schema file, so every query is type-checked against
// the same shapes. Timestamps are ISO 8601 text and booleans are 0/1 integers because both read
// and sort the same way on SQLite and PostgreSQL; JSON payloads are text for the same reason.
import type { Insertable, Selectable } from 'kysely';

export interface UsersTable {
  id: string;
  name: string;
  /** 1 for the user created on first start. */
  is_admin: number;
  created_at: string;
}

export interface TokensTable {
  id: string;
  user_id: string;
  /** sha256 of the token, hex. The token itself is never stored. */
  token_hash: string;
  created_at: string;
}

export interface ConnectionsTable {
  id: string;
  user_id: string;
  name: string;
  mode: 'test' | 'live';
  /** e.g. sk_test_…abcd: the only part of the key ever shown again. */
  key_hint: string;
  /** AES-256-GCM sealed API key, see src/connections/key-cipher.ts. */
  key_ciphertext: string;
  api_base: string;
  api_version: string | null;
  /** Per-connection override of actionRateLimit; null: the global default. */
  rate_limit: number | null;
  /** 'verified' (balance read worked) or 'restricted' (a restricted key without balance access). */
  key_check: 'verified' | 'restricted';
  created_at: string;
}

export interface RunsTable {
  id: string;
  /** 'action' for now; trigger deliveries join later. */
  kind: string;
  user_id: string;
  connection_id: string;
  operation: string;
  status: 'succeeded' | 'failed';
  duration_ms: number;
  stripe_request_id: string | null;
  /** JSON, secrets redacted. */
  input: string;
  /** JSON of the action's output, null on failure. */
  output: string | null;
  /** JSON {code, message, status}, null on success. */
  error: string | null;
  created_at: string;
}

/** One row, id 'master': the master key's check value (src/connections/master-key-check.ts). */
export interface MasterKeyCheckTable {
  id: string;
  /** A fixed marker sealed under the master key, bound to a fixed purpose string. */
  check_value: string;
  updated_at: string;
}

export interface Database {
  users: UsersTable;
  tokens: TokensTable;
  connections: ConnectionsTable;
  runs: RunsTable;
  master_key_check: MasterKeyCheckTable;
}

export type UserRow = Selectable<UsersTable>;
export type TokenRow = Selectable<TokensTable>;
export type ConnectionRow = Selectable<ConnectionsTable>;
export type NewConnectionRow = Insertable<ConnectionsTable>;
export type RunRow = Selectable<RunsTable>;
export type NewRunRow = Insertable<RunsTable>;
