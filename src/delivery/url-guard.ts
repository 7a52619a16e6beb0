// Subscriber URLs must not turn the connector into a way into the networks it runs in (SSRF).
// http/https only, no credentials, and every address the host resolves to must be public unicast:
// loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10),
// unspecified, carrier-grade NAT, multicast, documentation, benchmarking, IPv4-embedding IPv6
// prefixes (6to4, Teredo, NAT64) and every other special range are refused unless
// CALLBACK_ALLOW_PRIVATE is set. The check runs on the resolved addresses, not the name, and the
// sender connects to the very address that passed, so a DNS answer that changes between check and
// send (rebinding) cannot slip through.
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { invalidInput } from '../errors.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export interface UrlGuardOptions {
  /** Allow loopback/private/link-local targets (CALLBACK_ALLOW_PRIVATE). Default false. */
  allowPrivate?: boolean;
  /** Name resolution. Default: the system resolver, every address (dns.lookup with all: true). */
  resolve?: Resolve;
}

export interface CheckedTarget {
  url: URL;
  /** The address to connect to: one that passed the check. */
  address: string;
  family: 4 | 6;
}

const systemResolve: Resolve = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

function refuse(message: string) {
  return invalidInput([{ field: 'url', message }]);
}

/** Public unicast only; an IPv4-mapped IPv6 address is judged as the IPv4 address it carries. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  // Only 2000::/3 is allocated global unicast; anything else outside the named ranges is reserved.
  return parsed.range() === 'unicast' && parsed.match(ipaddr.IPv6.parse('2000::'), 3);
}

export async function checkSubscriberUrl(raw: string, options: UrlGuardOptions = {}): Promise<CheckedTarget> {
  const allowPrivate = options.allowPrivate ?? false;
  const resolve = options.resolve ?? systemResolve;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refuse(`must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  // Credentials in a URL end up in logs and delivery history; subscribers authenticate the
  // connector by the webhook signature instead.
  if (url.username !== '' || url.password !== '') throw refuse('must not carry a user name or password');

  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (ipaddr.isValid(hostname)) {
    addresses = [{ address: hostname, family: ipaddr.parse(hostname).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch {
      throw refuse(`host "${hostname}" does not resolve`);
    }
    if (addresses.length === 0) throw refuse(`host "${hostname}" does not resolve`);
  }

  if (!allowPrivate) {
    // Every answer must pass: a resolver may hand out any of them, and a mixed answer is a warning sign.
    // The refusal does not say which address the name resolved to: that would map the server's
    // own network (its DNS, its private ranges) for whoever sends names to try.
    if (addresses.some(({ address }) => !isPublicAddress(address))) {
      throw refuse(
        'is not allowed: its host is, or resolves to, a loopback, private, link-local or otherwise ' +
          'non-public address; set CALLBACK_ALLOW_PRIVATE=true on the server to allow such subscribers',
      );
    }
  }
  const chosen = addresses[0]!;
  return { url, address: chosen.address, family: chosen.family };
}

/**
 * How long a URL that passed checkSubscriberUrl is trusted before it is checked again. Default
 * 5 s. Safe because the check's answer is the address the socket connects to: within the 5 s a
 * re-pointed host name is still sent to the address that passed, never to one that was not
 * checked. What the cache delays is only noticing a DNS change, as any resolver cache does; a
 * refused URL is not cached. It saves a resolution and the range checks per send (bench/triggers).
 */
export const DEFAULT_URL_CHECK_CACHE_MS = 5_000;

/** checkSubscriberUrl with passed answers kept for `cacheMs`, per URL and allowance. */
export function cachedUrlCheck(cacheMs: number, nowMs: () => number = Date.now): (raw: string, options: UrlGuardOptions) => Promise<CheckedTarget> {
  const passed = new Map<string, { target: CheckedTarget; expiresAtMs: number }>();
  return async (raw, options) => {
    const key = `${options.allowPrivate === true ? 'private' : 'public'} ${raw}`;
    const now = nowMs();
    const known = passed.get(key);
    if (known !== undefined && known.expiresAtMs > now) return known.target;
    const target = await checkSubscriberUrl(raw, options);
    // Bounded: one entry per subscriber URL, and expired ones go when the map grows.
    if (passed.size >= 10_000) for (const [k, v] of passed) if (v.expiresAtMs <= now) passed.delete(k);
    passed.set(key, { target, expiresAtMs: now + cacheMs });
    return target;
  };
}
