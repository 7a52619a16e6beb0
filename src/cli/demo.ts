// `serve --demo`: the connector and the Stripe emulator in one process, on a throwaway data
// directory (removed on stop), with a demo token and a connection ready to use. What it prints is
// what a first try needs: the web console's link that signs in, a curl line that runs an action, and for a trigger, the watch command
// with its environment and a curl line that makes the emulator create a charge for it to see.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { startServer, type RunningServer } from '../app/server.js';
import { generateToken } from '../users/tokens.js';
import { startEmulator } from '../emulator/index.js';

/** Any well-formed test key works with the emulator. */
export const DEMO_API_KEY = 'sk_test_demo0000000000000000000000';

/** A word as sh reads it back: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * How to run this same command from another terminal: `stripe-connector` when started through
 * that name (npm link, a global install), else node with the entry file this process runs, by its
 * absolute path (`npm start -- --demo` runs dist/cli/main.js from the project directory).
 */
function thisCommand(): string {
  const entry = process.argv[1];
  if (!entry || basename(entry) === 'stripe-connector') return 'stripe-connector';
  return ['node', ...process.execArgv, resolve(entry)].map(shellWord).join(' ');
}

export interface RunningDemo {
  server: RunningServer;
  token: string;
  connectionId: string;
  stop(): Promise<void>;
}

/**
 * `handSignalsTo` installs the running demo's own SIGTERM/SIGINT handling (stopOnSignals); it is
 * called before anything is printed, so that whoever reads the printout and stops the demo at once
 * finds the handlers in place.
 */
export async function startDemo(config: Config, handSignalsTo: (demo: RunningDemo) => void): Promise<RunningDemo> {
  // Until the demo's handlers are in place, a signal's default action would end the process with
  // the temporary directory left behind: remove it, and stop (nothing else is kept). Installed
  // before the directory exists: one who sees it appear and signals at once finds them in place.
  let dataDir: string | undefined = undefined;
  const stopWhileStarting = (signal: NodeJS.Signals) => {
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    process.stderr.write(`stripe-connector demo: ${signal} while starting; stopped${dataDir === undefined ? '' : `, ${dataDir} removed`}\n`);
    process.exit(0);
  };
  process.once('SIGTERM', stopWhileStarting);
  process.once('SIGINT', stopWhileStarting);
  dataDir = mkdtempSync(join(tmpdir(), 'stripe-connector-demo-'));
  const handOver = (demo: RunningDemo) => {
    process.off('SIGTERM', stopWhileStarting);
    process.off('SIGINT', stopWhileStarting);
    handSignalsTo(demo);
  };
  // Orders switched off as in today's Stripe: `watch orderAdded` meets the refusal a real account gives.
  const emulator = await startEmulator({ port: 0, ordersEnabled: false });
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
    process.off('SIGTERM', stopWhileStarting);
    process.off('SIGINT', stopWhileStarting);
    throw error;
  }
  const userId = (await server.services.authenticate(token)) as string;
  const connection = await server.services.connections.create(userId, { name: 'demo (emulator)', apiKey: DEMO_API_KEY });
  let stopping: Promise<void> | undefined;
  const demo: RunningDemo = {
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
  handOver(demo);
  const curl =
    `curl -s -X POST ${server.url}/api/connections/${connection.id}/actions/createCustomer ` +
    `-H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' ` +
    `-d '{"email":"jenny.rosen@example.com","description":"demo customer"}'`;
  const watch = `STRIPE_CONNECTOR_URL=${server.url} STRIPE_CONNECTOR_TOKEN=${token} ${thisCommand()} watch chargeAdded --connection ${connection.id}`;
  const charge = `curl -s ${emulator.url}/v1/charges -u ${DEMO_API_KEY}: -d amount=2000 -d currency=usd -d source=tok_visa`;
  // On stderr, like the first start's admin token (src/app/server.ts): stdout is the JSON log stream.
  process.stderr.write(
    [
      '',
      `stripe-connector demo: server ${server.url}, Stripe emulator ${emulator.url}, data ${dataDir} (removed on exit)`,
      // The console first: a newcomer's first step is a page. The link signs in (docs/console.md).
      `  console:    ${server.url}/#token=${token}  (open it in a browser: it signs you in)`,
      `  token:      ${token}`,
      `  connection: ${connection.id}`,
      '  try:',
      `  ${curl}`,
      '',
      `  emulator:   ${emulator.url}, key ${DEMO_API_KEY} (the demo connection's Stripe account)`,
      '  see a trigger fire: in another terminal, print each new charge (watch asks every 10 s; Ctrl-C stops it):',
      `  ${watch}`,
      '  then create a charge in the emulator:',
      `  ${charge}`,
      "  Orders are retired in the emulator as in today's Stripe: orderAdded is refused.",
      '',
      '',
    ].join('\n'),
  );
  return demo;
}
