// One connector per test file: its store from store-fixture.ts (a real SQLite file in a temp dir,
// or a fresh PostgreSQL database on the runner's PostgreSQL pass), the real services and fastify
// app (driven through inject()), two users with tokens, and a Stripe to talk to.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type ConfigOverrides } from '../../src/config.js';
import { composeServices, type ServiceOverrides, type Services } from '../../src/app/services.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { createUserWithToken } from '../../src/users/tokens.js';
import { newStorePlace } from './store-fixture.js';

export interface Harness {
  app: FastifyInstance;
  services: Services;
  dataDir: string;
  /** The PostgreSQL database on the PostgreSQL pass (undefined on SQLite): for a second opener of this store. */
  databaseUrl: string | undefined;
  alice: { userId: string; token: string };
  bob: { userId: string; token: string };
  request(method: string, url: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  countRows(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { config?: ConfigOverrides; services?: ServiceOverrides; app?: AppOptions } = {},
): Promise<Harness> {
  const place = await newStorePlace('sc-test-');
  const { dataDir, databaseUrl } = place;
  let services: Services | undefined;
  let app: FastifyInstance | undefined;
  try {
    const config = loadConfig({}, { dataDir, databaseUrl, ...options.config });
    services = await composeServices(config, options.services);
    app = await buildApp(services, options.app);
  } catch (error) {
    // A start that fails (a test of a refused start, or a broken build) leaves nothing open behind.
    await services?.close();
    await place.remove();
    throw error;
  }
  const alice = await createUserWithToken(services.db, { name: 'alice' });
  const bob = await createUserWithToken(services.db, { name: 'bob' });
  const started = { app, services };
  return {
    app,
    services,
    dataDir,
    databaseUrl,
    alice,
    bob,
    request(method, url, { token = alice.token, body, headers = {} } = {}) {
      return started.app.inject({
        method: method as 'GET',
        url,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    async countRows() {
      const counts: Record<string, number> = {};
      for (const table of ['users', 'tokens', 'connections', 'runs'] as const) {
        const row = await started.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        counts[table] = Number(row.n);
      }
      return counts;
    },
    async close() {
      await started.app.close();
      await started.services.close();
      await place.remove();
    },
  };
}
