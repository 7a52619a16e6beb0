// The connector against the Stripe emulator, as most HTTP-level tests need it: the emulator on
// port 0 (no rate limit unless asked), the in-process harness (harness.ts: its store from
// store-fixture.ts) with STRIPE_API_BASE pointing at the emulator, and alice's connection to a
// fresh emulator account; action() posts to that connection's actions as alice.
import type { LightMyRequestResponse } from 'fastify';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import type { ConfigOverrides } from '../../src/config.js';
import type { ServiceOverrides } from '../../src/app/services.js';
import { startHarness, type Harness } from './harness.js';
import { closeAll } from './cleanup.js';

export interface EmulatorWorld {
  emulator: RunningEmulator;
  harness: Harness;
  /** alice's connection to the emulator, made at start ('' with `connect: false`). */
  connectionId: string;
  /** The 201 answer's JSON that created it (undefined with `connect: false`). */
  connection: Record<string, unknown> | undefined;
  /** POST /api/connections/{connectionId}/actions/{operation} as alice. */
  action(operation: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Another connection to a fresh emulator account, as `token`'s user (default alice); its id. */
  connect(options?: { apiKey?: string; token?: string; name?: string }): Promise<string>;
  close(): Promise<void>;
}

export interface EmulatorWorldOptions {
  emulator?: EmulatorOptions;
  config?: ConfigOverrides;
  services?: ServiceOverrides;
  /** The first connection's key (default: a fresh one, so a fresh account); false: no connection. */
  apiKey?: string | false;
}

let accountCounter = 0;

export async function startEmulatorWorld(options: EmulatorWorldOptions = {}): Promise<EmulatorWorld> {
  const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false, ...options.emulator });
  let harness: Harness;
  try {
    harness = await startHarness({ config: { stripeApiBase: emulator.url, ...options.config }, services: options.services });
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const h = harness;
  const close = () => closeAll(() => h.close(), () => emulator.stop());

  const create = async ({ apiKey, token, name = 'emulated' }: { apiKey?: string; token?: string; name?: string } = {}) => {
    // Padded: the key-form check wants at least 8 characters after the prefix, whatever the pid.
    const key = apiKey ?? `sk_test_world${String(process.pid).padStart(7, '0')}x${++accountCounter}`;
    const res = await h.request('POST', '/api/connections', { body: { name, apiKey: key }, ...(token ? { token } : {}) });
    if (res.statusCode !== 201) throw new Error(`connection not created: ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, unknown> & { id: string };
  };

  let connection: (Record<string, unknown> & { id: string }) | undefined;
  try {
    if (options.apiKey !== false) connection = await create({ apiKey: options.apiKey });
  } catch (error) {
    await close();
    throw error;
  }
  const connectionId = connection?.id ?? '';
  return {
    emulator,
    harness: h,
    connectionId,
    connection,
    action: (operation, body, headers = {}) => h.request('POST', `/api/connections/${connectionId}/actions/${operation}`, { body, headers }),
    connect: async (connectOptions) => (await create(connectOptions)).id,
    close,
  };
}
