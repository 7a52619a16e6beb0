// The Stripe servers the action tests run against, each on 127.0.0.1 port 0: the project's own
// emulator and the third-party `stripe-stateful-mock` (issue 3, item 10).
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

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
