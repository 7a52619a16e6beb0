// The one place a Stripe client is built. Every call the connector makes to Stripe (or to the
// emulator) goes through a client from here, so base URL, API version, timeouts, the outgoing
// rate limit and retries are set once.
import Stripe from 'stripe';
import { PacedHttpClient } from './paced-http-client.js';
import { defaultRequestsPerSecond, sharedLimiterFor, type StartLog } from './rate-limiter.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import type { StripeAnswer } from '../metrics/recorder.js';

export interface StripeClientOptions {
  apiKey: string;
  /** e.g. https://api.stripe.com or http://127.0.0.1:12111 for the emulator. */
  apiBase: string;
  /** Stripe-Version; default: the version the SDK pins (2026-10-28.endive for stripe 23). */
  apiVersion?: string | undefined;
  /** Per-request timeout. Default 30 s: long enough for Stripe's slowest list, short of a hung socket. */
  timeoutMs?: number;
  /**
   * Outgoing requests per second for this API key, shared by every client built for the same key
   * and base. Default: Stripe's per-account rate, 25 for test keys and 100 for live keys.
   * `false` turns the limiter off (benchmarks against the emulator).
   */
  requestsPerSecond?: number | false;
  /**
   * Where the key's request starts are counted: the store's log (src/store/stripe-pace.ts), so the
   * rate holds across every process sharing the store. Default: this process's memory (tests,
   * benchmarks, one process).
   */
  sharedPace?: StartLog | undefined;
  /** Overrides of the retry policy. Default DEFAULT_RETRY_POLICY: 3 retries, 500 ms doubling to a 5 s cap. */
  retryPolicy?: Partial<RetryPolicy>;
  /** SDK-level network retries. Default 0: retries are decided by the connector's own retry policy (paced-http-client.ts says why). */
  maxNetworkRetries?: number;
  /** Told of every HTTP attempt's answer (MetricsRecorder.stripeRequest). Default none. */
  observeRequest?: (method: string, path: string, answer: StripeAnswer) => void;
}

/**
 * The Stripe-Version each client built here sends. Kept beside the client rather than read back
 * from the SDK, whose getter for it is marked private and may go away.
 */
const versionOfClient = new WeakMap<Stripe, string>();

/** The API version a client speaks: the one it was built with, else the SDK's pinned version. */
export function apiVersionOf(stripe: Stripe): string {
  return versionOfClient.get(stripe) ?? Stripe.API_VERSION;
}

export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = new URL(options.apiBase);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  const requestsPerSecond = options.requestsPerSecond ?? defaultRequestsPerSecond(options.apiKey);
  const httpClient = new PacedHttpClient({
    limiter: requestsPerSecond === false ? null : sharedLimiterFor(base.origin, options.apiKey, requestsPerSecond, options.sharedPace),
    retryPolicy: { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy },
    ...(options.observeRequest ? { observe: options.observeRequest } : {}),
  });
  const stripe = new Stripe(options.apiKey, {
    host: base.hostname,
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
    ...(options.apiVersion ? { apiVersion: options.apiVersion as Stripe.LatestApiVersion } : {}),
    timeout: options.timeoutMs ?? 30_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 0,
    httpClient,
    telemetry: false,
  });
  if (options.apiVersion) versionOfClient.set(stripe, options.apiVersion);
  return stripe;
}
