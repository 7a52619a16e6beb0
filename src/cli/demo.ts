// `serve --demo`: the connector and the Stripe emulator in one process, on a throwaway data
// directory (removed on stop), with a demo token and a connection ready to use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { startServer, type RunningServer } from '../app/server.js';
import { generateToken } from '../users/tokens.js';
import { startEmulator } from '../emulator/index.js';

/** Any well-formed test key works with the emulator. */
export const DEMO_API_KEY = 'sk_test_demo0000000000000000000000';

export interface RunningDemo {
  server: RunningServer;
  token: string;
  connectionId: string;
  stop(): Promise<void>;
}

export async function startDemo(config: Config): Promise<RunningDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stripe-connector-demo-'));
  const emulator = await startEmulator({ port: 0 });
  const token = generateToken();
  let server: RunningServer;
  try {
    // Subscribers on this machine allowed (CALLBACK_ALLOW_PRIVATE): a local try-out's subscriber,
    // `watch` included, is on loopback, and the demo's only Stripe is the in-process emulator,
    // whose origin connections may name as their apiBase (STRIPE_API_BASE_ALLOWLIST).
    const emulatorOrigin = new URL(emulator.url).origin;
    server = await startServer({
      ...config,
      dataDir,
      databaseUrl: undefined,
      masterKey: undefined,
      adminToken: token,
      stripeApiBase: emulatorOrigin,
      stripeApiBaseAllowlist: [...config.stripeApiBaseAllowlist, emulatorOrigin],
      callbackAllowPrivate: true,
    });
  } catch (error) {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const userId = (await server.services.authenticate(token)) as string;
  const connection = await server.services.connections.create(userId, { name: 'demo (emulator)', apiKey: DEMO_API_KEY });
  const curl =
    `curl -s -X POST ${server.url}/api/connections/${connection.id}/actions/createCustomer ` +
    `-H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' ` +
    `-d '{"email":"jenny.rosen@example.com","description":"demo customer"}'`;
  // On stderr, like the first start's admin token (src/app/server.ts): stdout is the JSON log stream.
  process.stderr.write(
    [
      '',
      `stripe-connector demo: server ${server.url}, Stripe emulator ${emulator.url}, data ${dataDir} (removed on exit)`,
      `  token:      ${token}`,
      `  connection: ${connection.id}`,
      '  try:',
      `  ${curl}`,
      '',
      '',
    ].join('\n'),
  );
  let stopping: Promise<void> | undefined;
  return {
    server,
    token,
    connectionId: connection.id,
    stop() {
      stopping ??= (async () => {
        await server.stop();
        await emulator.stop();
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
