// The offline Stripe API emulator. `startEmulator()` serves it on a local port; tests,
// `serve --demo` and `stripe-connector emulator` all start it through here.
import type { AddressInfo } from 'node:net';
import { EmulatedClock, type ClockOptions } from './clock.js';
import { controlRoutes } from './control/index.js';
import type { ControlRoute } from './control/control-context.js';
import type { Route } from './context.js';
import { Expanders } from './expand.js';
import { resources } from './resources/index.js';
import { Router } from './router.js';
import { createEmulatorServer } from './server.js';
import { EmulatorState, type EventListener } from './state.js';
import { WebhookDelivery, type WebhookDeliveryOptions } from './webhooks/delivery.js';
import { faultInterceptor } from './faults/fault-rules.js';

export interface EmulatorOptions {
  /** Default 0: any free port. The CLI's default is 12111. */
  port?: number;
  /** Default '127.0.0.1': loopback only. */
  host?: string;
  /** Requests per second per account; default 25 (Stripe test mode); false switches it off. */
  rateLimitPerSecond?: number | false;
  /** Default false: sk_live_/rk_live_ keys get Stripe's 401, so a real key never "works" here. */
  allowLiveKeys?: boolean;
  /** Default undefined: any well-formed sk_test_ key opens its own account. When set, only these. */
  apiKeys?: string[];
  /** Default: real time, running. */
  clock?: ClockOptions;
  /** Whether /v1/orders answers in new accounts; default true. false reproduces today's Stripe. */
  ordersEnabled?: boolean;
  /** Webhook retry schedule and receiver timeout; defaults in webhooks/delivery.ts (Stripe's). */
  webhooks?: WebhookDeliveryOptions;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:54321 — the apiBase for a Stripe client. */
  url: string;
  port: number;
  host: string;
  clock: EmulatedClock;
  /** The emulator's accounts, settings and event subscription, for in-process use. */
  state: EmulatorState;
  /** Every event of every account (webhook delivery hooks in here). Returns the unsubscribe. */
  onEvent(listener: EventListener): () => void;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = new EmulatedClock(options.clock);
  const state = new EmulatorState(
    clock,
    {
      rateLimitPerSecond: options.rateLimitPerSecond ?? 25,
      allowLiveKeys: options.allowLiveKeys ?? false,
      apiKeys: options.apiKeys === undefined ? undefined : new Set(options.apiKeys),
    },
    { ordersEnabled: options.ordersEnabled ?? true },
  );
  const webhooks = new WebhookDelivery(state, options.webhooks);
  state.addInterceptor(faultInterceptor);
  const expanders = new Expanders();
  for (const resource of resources) for (const expander of resource.expanders ?? []) expanders.add(expander);
  const server = createEmulatorServer({
    state,
    api: new Router<Route>(resources.flatMap((r) => r.routes)),
    control: new Router<ControlRoute>(controlRoutes),
    expanders,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    clock,
    state,
    onEvent: (listener) => state.onEvent(listener),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        webhooks.stop();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from Stripe clients would hold close() open until they idle out.
        server.closeAllConnections();
      }),
  };
}

export { EmulatedClock } from './clock.js';
export type { Account } from './account.js';
export type { EmulatorState, EventListener } from './state.js';
