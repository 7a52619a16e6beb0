// API keys as Stripe reads them. Each distinct secret key is its own isolated account; a
// restricted key `rk_test_X` reads the account of `sk_test_X` but may not write (Stripe's 403);
// publishable keys and anything unrecognised get Stripe's 401. Live keys are refused unless the
// emulator was started with allowLiveKeys, so a real key pasted by mistake never "works" here.
import {
  invalidApiKey,
  missingApiKey,
  publishableKeyUsed,
  type StripeApiError,
} from './wire/errors.js';

export interface Credential {
  /** 'secret' (sk_) may read and write; 'restricted' (rk_) may only read. */
  access: 'secret' | 'restricted';
  /** The secret key whose account this credential opens (rk_test_X → sk_test_X). */
  accountKey: string;
  /** The key as Stripe shows it in messages: prefix, stars, last four. */
  redacted: string;
}

export interface AuthOptions {
  allowLiveKeys: boolean;
  /** When set, only these secret keys (and their rk_ twins) open accounts. */
  apiKeys: ReadonlySet<string> | undefined;
}

const KEY = /^(sk|rk|pk)_(test|live)_([A-Za-z0-9]+)$/;

export function redactKey(key: string): string {
  const match = /^([a-z]{2}_(?:test|live)_)(.*)$/.exec(key);
  const prefix = match?.[1] ?? '';
  const rest = match?.[2] ?? key;
  // Stripe shows the last four characters; a short key shows none, so a key is never echoed whole.
  const tail = rest.length > 8 ? rest.slice(-4) : '';
  return `${prefix}${'*'.repeat(Math.max(rest.length - tail.length, 4))}${tail}`;
}

/** The key from `Authorization: Bearer k` or Basic auth with the key as user name. */
export function keyFromHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value || undefined;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    return user || undefined;
  }
  return undefined;
}

export function authenticate(header: string | undefined, options: AuthOptions): Credential | StripeApiError {
  const key = keyFromHeader(header);
  if (key === undefined) return missingApiKey();
  const match = KEY.exec(key);
  if (match === null) return invalidApiKey(redactKey(key));
  const [, kind, mode, secret] = match;
  if (kind === 'pk') return publishableKeyUsed();
  if (mode === 'live' && !options.allowLiveKeys) return invalidApiKey(redactKey(key));
  const accountKey = `sk_${mode}_${secret}`;
  if (options.apiKeys !== undefined && !options.apiKeys.has(accountKey)) return invalidApiKey(redactKey(key));
  return { access: kind === 'sk' ? 'secret' : 'restricted', accountKey, redacted: redactKey(key) };
}
