// Starts an emulator on port 0 for one test file and builds official Stripe clients against it.
import Stripe from 'stripe';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

export interface Harness {
  emulator: RunningEmulator;
  /** An SDK client for `key` (default: a fresh sk_test_ key, so a fresh account). */
  stripe(key?: string): Stripe;
  /** A new, unused secret key: a new isolated account. */
  newKey(): string;
  /** Raw request for what the SDK cannot send (control API, malformed input). */
  raw(method: string, path: string, init?: { key?: string; body?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any shape under test
  stop(): Promise<void>;
}

let keyCounter = 0;

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false, ...options });
  const newKey = () => `sk_test_${process.pid}x${++keyCounter}x${Math.random().toString(36).slice(2, 10)}`;
  return {
    emulator,
    newKey,
    stripe: (key = newKey()) =>
      new Stripe(key, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false }),
    async raw(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.key !== undefined) headers.authorization = `Bearer ${init.key}`;
      if (init.body !== undefined && headers['content-type'] === undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
      }
      const response = await fetch(`${emulator.url}${path}`, { method, headers, body: init.body });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
    },
    stop: () => emulator.stop(),
  };
}

/** Runs `fn` and returns the Stripe error it throws; fails when it does not throw one. */
export async function stripeError(fn: () => Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected a Stripe error, but the call succeeded');
}
