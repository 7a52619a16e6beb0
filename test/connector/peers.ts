// The Stripe servers the action tests run against, each on 127.0.0.1 port 0: the project's own
// emulator and the third-party `stripe-stateful-mock`.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startEmulator } from '../../src/emulator/index.js';

export type PeerName = 'emulator' | 'stripe-stateful-mock';

export interface RunningPeer {
  url: string;
  stop(): Promise<void>;
}

export interface Peer {
  name: PeerName;
  start(): Promise<RunningPeer>;
}

const require = createRequire(import.meta.url);

export const statefulMockPeer: Peer = {
  name: 'stripe-stateful-mock',
  async start() {
    // No type declarations ship with the package; createExpressApp() returns an Express app.
    const { createExpressApp } = require('stripe-stateful-mock') as { createExpressApp(): { listen(port: number, host: string): Server } };
    // It logs refused requests to stdout through loglevel; the test output is the suite's.
    const mockRequire = createRequire(require.resolve('stripe-stateful-mock'));
    (mockRequire('loglevel') as { setLevel(level: string): void }).setLevel('silent');
    const server = createExpressApp().listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      stop: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};

export const emulatorPeer: Peer = {
  name: 'emulator',
  async start() {
    // The emulator's own rate limit is off: the suite tests actions, not pacing (test/stripe does).
    const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false });
    return { url: emulator.url, stop: () => emulator.stop() };
  },
};
