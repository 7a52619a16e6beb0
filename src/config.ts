// Runtime configuration from the environment (README.md, "Configuration"). Command-line flags win
// where both exist: the CLI passes its flags as `overrides`.
import { resolve } from 'node:path';
import { apiOriginOf, STRIPE_API_ORIGIN } from './connections/api-base.js';
import { DEFAULT_SUBSCRIPTIONS_PER_CONNECTION } from './trigger-sources/subscription-cap.js';
import { DEFAULT_SERVE_ROLE, type ServeRole } from './app/roles.js';

export interface Config {
  /** Server port. Default 4242. */
  port: number;
  /** Bind address. Default 127.0.0.1: nothing is exposed beyond this machine unless asked. */
  host: string;
  /** SQLite database and generated master key live here. Default ./data. */
  dataDir: string;
  /** postgres://… selects PostgreSQL; undefined selects embedded SQLite. */
  databaseUrl: string | undefined;
  /** 32 bytes, base64. Undefined: read from DATA_DIR/master.key (mode 0600), generated there only for an empty store. */
  masterKey: string | undefined;
  /** The first user's token. Undefined: generated and printed once on first start. */
  adminToken: string | undefined;
  /** Default Stripe base URL for new connections, as an origin. Default https://api.stripe.com. */
  stripeApiBase: string;
  /**
   * Further origins a connection's apiBase may use besides https://api.stripe.com and
   * stripeApiBase (STRIPE_API_BASE_ALLOWLIST, comma-separated). Default none. Plain http only to
   * loopback (src/connections/api-base.ts).
   */
  stripeApiBaseAllowlist: string[];
  /** Stripe-Version sent on every call. Undefined: the version pinned by the stripe SDK in use. */
  stripeApiVersion: string | undefined;
  /** The address Stripe can reach, for webhook endpoint registration. Default http://HOST:PORT. */
  publicUrl: string;
  /** Allow subscriber URLs on loopback/private networks. Default false. */
  callbackAllowPrivate: boolean;
  /** Subscriptions one connection may have, paused ones included (SUBSCRIPTIONS_PER_CONNECTION). Default 50. At least 1. */
  subscriptionsPerConnection: number;
  /** Action calls allowed per connection per window. Default 100, as the original connector. */
  actionRateLimit: number;
  /** The throttling window. Default 60 s, as the original connector. */
  actionRateWindowSeconds: number;
  /**
   * Wait after a delivery's first failed attempt; each further wait doubles, up to 4 h, for at
   * least 24 h (src/delivery/backoff.ts). Default 5 s. At least 1.
   */
  deliveryFirstRetrySeconds: number;
  /**
   * How long a worker's claim on a delivery lasts: the deliveries of a worker that crashed are sent
   * again (same webhook-id) once it runs out. Default 60 s. At least 15: the 10 s send timeout plus
   * the recording of the answer, so a live worker's claim never runs out mid-send.
   */
  deliveryLeaseSeconds: number;
  /**
   * Time a client has to send a whole request, headers and body; then 408 and the socket closes, so
   * a client dripping bytes cannot hold a connection open. Default 30 s: a 1 MiB body at 35 KiB/s.
   */
  httpRequestTimeoutSeconds: number;
  /** Time a client has to send the request headers. Default 10 s; at most httpRequestTimeoutSeconds. */
  httpHeadersTimeoutSeconds: number;
  /** An idle keep-alive connection is closed after this long. Default 5 s (Node's own default). */
  httpKeepAliveTimeoutSeconds: number;
  /** Open connections at most; further ones are closed at once. Default 1024. */
  httpMaxConnections: number;
  /** What this process runs (`serve --role`, no variable): default 'all' (src/app/roles.ts). */
  role: ServeRole;
}

export type ConfigOverrides = Partial<Config>;

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

function intAtLeast(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const value = intFrom(env, name, fallback);
  if (value < min) throw new Error(`${name} must be at least ${min}, got "${env[name]}"`);
  return value;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function httpTimeouts(env: NodeJS.ProcessEnv, overrides: ConfigOverrides) {
  const httpRequestTimeoutSeconds = overrides.httpRequestTimeoutSeconds ?? intAtLeast(env, 'HTTP_REQUEST_TIMEOUT_SECONDS', 30, 1);
  const httpHeadersTimeoutSeconds = overrides.httpHeadersTimeoutSeconds ?? intAtLeast(env, 'HTTP_HEADERS_TIMEOUT_SECONDS', Math.min(10, httpRequestTimeoutSeconds), 1);
  // Node refuses a headers timeout longer than the request timeout that contains it.
  if (httpHeadersTimeoutSeconds > httpRequestTimeoutSeconds) {
    throw new Error(`HTTP_HEADERS_TIMEOUT_SECONDS (${httpHeadersTimeoutSeconds}) must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (${httpRequestTimeoutSeconds})`);
  }
  return {
    httpRequestTimeoutSeconds,
    httpHeadersTimeoutSeconds,
    httpKeepAliveTimeoutSeconds: overrides.httpKeepAliveTimeoutSeconds ?? intAtLeast(env, 'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 5, 1),
    httpMaxConnections: overrides.httpMaxConnections ?? intAtLeast(env, 'HTTP_MAX_CONNECTIONS', 1024, 1),
  };
}

// A base URL named in the environment is checked as a connection's apiBase is, so that a bad
// value stops the start naming its variable instead of failing every connection later.
function originFrom(name: string, value: string, position?: number): string {
  const parsed = apiOriginOf(value.trim());
  if ('origin' in parsed) return parsed.origin;
  // The value is repeated unless it may carry credentials (user:password@host).
  const which = position === undefined ? '' : ` entry ${position}`;
  const shown = value.includes('@') ? '' : ` ("${value.trim()}")`;
  throw new Error(`${name}${which}${shown} ${parsed.problem}`);
}

function originListFrom(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (raw === undefined) return [];
  // Empty entries (a trailing comma, spaces) are skipped rather than refused.
  const entries = raw.split(',').filter((entry) => entry.trim() !== '');
  return entries.map((entry, index) => originFrom(name, entry, index + 1));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const port = overrides.port ?? intFrom(env, 'PORT', 4242);
  const host = overrides.host ?? nonEmpty(env.HOST) ?? '127.0.0.1';
  return {
    port,
    host,
    dataDir: resolve(overrides.dataDir ?? nonEmpty(env.DATA_DIR) ?? './data'),
    databaseUrl: overrides.databaseUrl ?? nonEmpty(env.DATABASE_URL),
    masterKey: overrides.masterKey ?? nonEmpty(env.STRIPE_CONNECTOR_MASTER_KEY),
    adminToken: overrides.adminToken ?? nonEmpty(env.STRIPE_CONNECTOR_ADMIN_TOKEN),
    stripeApiBase: overrides.stripeApiBase ?? originFrom('STRIPE_API_BASE', nonEmpty(env.STRIPE_API_BASE) ?? STRIPE_API_ORIGIN),
    stripeApiBaseAllowlist: overrides.stripeApiBaseAllowlist ?? originListFrom(env, 'STRIPE_API_BASE_ALLOWLIST'),
    stripeApiVersion: overrides.stripeApiVersion ?? nonEmpty(env.STRIPE_API_VERSION),
    publicUrl: overrides.publicUrl ?? nonEmpty(env.PUBLIC_URL) ?? `http://${host}:${port}`,
    callbackAllowPrivate: overrides.callbackAllowPrivate ?? boolFrom(env, 'CALLBACK_ALLOW_PRIVATE', false),
    subscriptionsPerConnection: overrides.subscriptionsPerConnection ?? intAtLeast(env, 'SUBSCRIPTIONS_PER_CONNECTION', DEFAULT_SUBSCRIPTIONS_PER_CONNECTION, 1),
    actionRateLimit: overrides.actionRateLimit ?? intFrom(env, 'ACTION_RATE_LIMIT', 100),
    actionRateWindowSeconds: overrides.actionRateWindowSeconds ?? intFrom(env, 'ACTION_RATE_WINDOW_SECONDS', 60),
    deliveryFirstRetrySeconds: overrides.deliveryFirstRetrySeconds ?? intAtLeast(env, 'DELIVERY_FIRST_RETRY_SECONDS', 5, 1),
    deliveryLeaseSeconds: overrides.deliveryLeaseSeconds ?? intAtLeast(env, 'DELIVERY_LEASE_SECONDS', 60, 15),
    ...httpTimeouts(env, overrides),
    role: overrides.role ?? DEFAULT_SERVE_ROLE,
  };
}
