// The one place a Stripe client is built. Every call the connector makes to Stripe (or to the
// emulator) goes through a client from here, so base URL, API version, timeouts and retries are
// set once.
import Stripe from 'stripe';

export interface StripeClientOptions {
  apiKey: string;
  /** e.g. https://api.stripe.com or http://127.0.0.1:12111 for the emulator. */
  apiBase: string;
  /** Stripe-Version; default: the version the SDK pins. */
  apiVersion?: string | undefined;
  /** Per-request timeout. Default 30 s: long enough for Stripe's slowest list, short of a hung socket. */
  timeoutMs?: number;
  /** SDK-level network retries. Default 0: retries are decided by the connector's own retry policy. */
  maxNetworkRetries?: number;
}

export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = new URL(options.apiBase);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.apiKey, {
    host: base.hostname,
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
    ...(options.apiVersion ? { apiVersion: options.apiVersion as Stripe.LatestApiVersion } : {}),
    timeout: options.timeoutMs ?? 30_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 0,
    telemetry: false,
  });
}
