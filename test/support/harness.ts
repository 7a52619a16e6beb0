// One connector per test file: a real SQLite file in a temp dir, the real services and fastify app
// (driven through inject()), two users with tokens, and a Stripe to talk to.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type ConfigOverrides } from '../../src/config.js';
import { composeServices, type ServiceOverrides, type Services } from '../../src/app/services.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { createUserWithToken } from '../../src/users/tokens.js';

export interface Harness {
  app: FastifyInstance;
  services: Services;
  dataDir: string;
  alice: { userId: string; token: string };
  bob: { userId: string; token: string };
  request(method: string, url: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  countRows(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { config?: ConfigOverrides; services?: ServiceOverrides; app?: AppOptions } = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-test-'));
  const config = loadConfig({}, { dataDir, ...options.config });
  const services = await composeServices(config, options.services);
  const app = await buildApp(services, options.app);
  const alice = await createUserWithToken(services.db, { name: 'alice' });
  const bob = await createUserWithToken(services.db, { name: 'bob' });
  return {
    app,
    services,
    dataDir,
    alice,
    bob,
    request(method, url, { token = alice.token, body, headers = {} } = {}) {
      return app.inject({
        method: method as 'GET',
        url,
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    async countRows() {
      const counts: Record<string, number> = {};
      for (const table of ['users', 'tokens', 'connections', 'runs'] as const) {
        const row = await services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        counts[table] = Number(row.n);
      }
      return counts;
    },
    async close() {
      await app.close();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
