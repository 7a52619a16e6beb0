// Starts the connector: services, the admin bootstrap, the HTTP listener, and a graceful stop.
// SIGTERM/SIGINT stop accepting, let in-flight requests finish (fastify's close waits for them),
// close the store and exit 0; a drain that outlasts drainTimeoutMs exits 1 rather than hang.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { buildApp } from '../http/app.js';
import { ensureAdmin } from '../users/tokens.js';
import { runsBackgroundWork } from './roles.js';
import { composeServices, type ServiceOverrides, type Services } from './services.js';

export interface RunningServer {
  services: Services;
  app: FastifyInstance;
  /** The address it listens on, e.g. http://127.0.0.1:4242 (the real port when started on 0). */
  url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config, overrides: ServiceOverrides = {}): Promise<RunningServer> {
  const services = await composeServices(config, { defaultMetrics: true, ...overrides });
  try {
    await bootstrapAdmin(services, config);
    const app = await buildApp(services);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    // PUBLIC_URL defaults to http://HOST:PORT; with PORT 0 only the listening socket knows the port.
    if (new URL(config.publicUrl).port === '0') services.setPublicUrl(url);
    if (runsBackgroundWork(config.role)) await services.startBackgroundWork();
    let stopping: Promise<void> | undefined;
    return {
      services,
      app,
      url,
      stop() {
        stopping ??= app.close().then(() => services.close());
        return stopping;
      },
    };
  } catch (error) {
    await services.close();
    throw error;
  }
}

/** Creates the admin user on the first start (or adds STRIPE_CONNECTOR_ADMIN_TOKEN to it), printing a generated token once. */
export async function bootstrapAdmin(services: Services, config: Config): Promise<void> {
  const admin = await ensureAdmin(services.db, config.adminToken);
  if (admin.kind === 'generated') {
    // Printed once, to the terminal only: stderr, because stdout carries the JSON log lines that
    // log collectors keep, and the token is never stored in clear anywhere.
    process.stderr.write(`\nAdmin token (shown once, store it now):\n  ${admin.token}\n\n`);
  }
}

/**
 * What `serve --workers N` does once in its primary process before forking: migrations, the master
 * key check (generating the key file on an empty store) and the admin bootstrap, so that N workers
 * starting together find all of it done and the generated admin token is printed once.
 */
export async function prepareStore(config: Config, overrides: ServiceOverrides = {}): Promise<void> {
  const services = await composeServices(config, overrides);
  try {
    await bootstrapAdmin(services, config);
  } finally {
    await services.close();
  }
}

/** Default drain time on SIGTERM: 10 s, within the 30 s most supervisors wait before SIGKILL. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

export function stopOnSignals(server: { stop(): Promise<void> }, log: { info(msg: string): void; error(msg: string): void }, drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS): void {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal while draining changes nothing: the drain timeout bounds the wait.
    if (draining) return;
    draining = true;
    log.info(`${signal} received: draining in-flight requests`);
    const timer = setTimeout(() => {
      log.error(`drain took longer than ${drainTimeoutMs} ms; exiting`);
      process.exit(1);
    }, drainTimeoutMs);
    timer.unref();
    server.stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        log.error(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
