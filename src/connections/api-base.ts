// Where a connection may send its key. A connection's apiBase is refused unless its origin is
// Stripe's own, the server's STRIPE_API_BASE, or one an operator listed in
// STRIPE_API_BASE_ALLOWLIST: otherwise any user could point the key check (one GET /v1/balance) at
// any host or loopback port and read from the answer whether something listens there (a port
// scanner, SSRF). The decision is made on the text alone, before any connection is opened, and the
// refusal is the same whatever listens at the address. Plain http is allowed only to this machine
// (the emulator, a local mock), even when listed: an API key must never cross a network in clear.
import { invalidInput } from '../errors.js';

/** Stripe's API origin: always allowed. */
export const STRIPE_API_ORIGIN = 'https://api.stripe.com';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The normalised origin (URL.origin) of a base URL, or why it cannot be one. Form only. */
export function apiOriginOf(value: string): { origin: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'must be an absolute URL such as https://api.stripe.com' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return { problem: 'must use https (plain http is allowed only for 127.0.0.1/localhost/[::1]: a key must not cross a network in clear)' };
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return { problem: 'must be a bare origin such as https://api.stripe.com, without path, query or credentials' };
  }
  return { origin: url.origin };
}

/** The origins a connection may use: Stripe's, STRIPE_API_BASE's, and STRIPE_API_BASE_ALLOWLIST's. */
export function allowedApiOrigins(defaultApiBase: string, listed: readonly string[] = []): ReadonlySet<string> {
  const origins = new Set([STRIPE_API_ORIGIN]);
  for (const value of [defaultApiBase, ...listed]) {
    const parsed = apiOriginOf(value);
    if ('origin' in parsed) origins.add(parsed.origin);
  }
  return origins;
}

/**
 * The origin to store for a connection's apiBase, or a 400 naming the field. The answer never
 * repeats the value (nor lists the allowed origins), so that it is the same for every refused one.
 */
export function checkApiBase(value: string, allowed: ReadonlySet<string>, field = 'apiBase'): string {
  const parsed = apiOriginOf(value);
  if ('problem' in parsed) throw invalidInput([{ field, message: parsed.problem }]);
  if (!allowed.has(parsed.origin)) {
    throw invalidInput([
      {
        field,
        message:
          'is not an allowed Stripe API origin: only https://api.stripe.com, the server\'s STRIPE_API_BASE ' +
          'and the origins its operator lists in STRIPE_API_BASE_ALLOWLIST are',
      },
    ]);
  }
  return parsed.origin;
}
