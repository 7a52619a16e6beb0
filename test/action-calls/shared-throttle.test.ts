// Several processes on one store share one action throttle per connection. Each "process" here is
// an independently composed service set and app on the same store (the same SQLite file, or the
// same PostgreSQL database on the PostgreSQL pass), as `serve` processes would compose them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { composeServices, type ServiceOverrides, type Services } from '../../src/app/services.js';
import { buildApp } from '../../src/http/app.js';
import { defineAction } from '../../src/connector/define.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in.js';
import { closeAll } from '../support/cleanup.js';

/** An action that does not reach Stripe: what is measured is the throttle alone. */
const ping = defineAction({
  name: 'ping',
  title: 'Ping',
  description: 'Answers at once',
  input: Type.Object({}),
  output: Type.Object({ ok: Type.Boolean() }),
  async run() {
    return { ok: true };
  },
});

const WINDOW_SECONDS = 60;

describe('one action throttle per connection across processes sharing the store', () => {
  let stripe: StripeStandIn;
  let h: Harness;
  const others: Array<{ services: Services; app: FastifyInstance }> = [];
  let now = Date.UTC(2026, 10, 26, 6, 0, 0);

  /** Another process on the harness's store. */
  async function anotherProcess(overrides: ServiceOverrides = {}): Promise<FastifyInstance> {
    const config = loadConfig({}, { dataDir: h.dataDir, databaseUrl: h.databaseUrl, stripeApiBase: stripe.url, actionRateWindowSeconds: WINDOW_SECONDS });
    const services = await composeServices(config, { actions: [ping], ...overrides });
    const app = await buildApp(services);
    others.push({ services, app });
    return app;
  }

  const call = (app: FastifyInstance, connectionId: string) =>
    app.inject({
      method: 'POST',
      url: `/api/connections/${connectionId}/actions/ping`,
      headers: { authorization: `Bearer ${h.alice.token}`, 'content-type': 'application/json' },
      payload: '{}',
    });

  const connect = async (apiKey: string): Promise<string> => {
    const res = await h.request('POST', '/api/connections', { body: { name: 'shared', apiKey } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };

  before(async () => {
    stripe = await startStripeStandIn();
    h = await startHarness({ config: { stripeApiBase: stripe.url, actionRateWindowSeconds: WINDOW_SECONDS }, services: { actions: [ping] } });
  });
  after(() => closeAll(...others.map((o) => async () => { await o.app.close(); await o.services.close(); }), () => h?.close(), () => stripe?.stop()));

  test('330 calls at once through three processes on one connection: exactly 100 answered, the rest 429 with a Retry-After within the window', async () => {
    const apps = [h.app, await anotherProcess(), await anotherProcess()];
    const connectionId = await connect('sk_test_sharedThrottle00000001');
    const answers = await Promise.all(Array.from({ length: 330 }, (_, i) => call(apps[i % 3]!, connectionId)));
    const statuses = answers.map((res) => res.statusCode);
    assert.equal(statuses.filter((s) => s === 200).length, 100, `statuses: ${[...new Set(statuses)].join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 230);
    for (const res of answers.filter((r) => r.statusCode === 429)) {
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_SECONDS, `Retry-After ${res.headers['retry-after']}`);
      assert.equal(res.json().error.code, 'rate_limited');
    }
    // Each process that answered saw refusals too: none of them counted alone.
    for (let p = 0; p < 3; p += 1) assert.ok(answers.some((res, i) => i % 3 === p && res.statusCode === 429), `process ${p} refused some`);
  });

  test('on one clock the processes agree on when the window moves: refused until the oldest call leaves it, then allowed again', async () => {
    const clock = { nowMs: () => now };
    const apps = [await anotherProcess(clock), await anotherProcess(clock), await anotherProcess(clock)];
    const connectionId = await connect('sk_test_sharedThrottle00000002');
    // 100 calls over 10 s, spread over the three processes.
    for (let i = 0; i < 100; i += 1) {
      assert.equal((await call(apps[i % 3]!, connectionId)).statusCode, 200);
      now += 100;
    }
    // The first call was 10 s ago: it leaves the window in 50 s, whichever process is asked.
    for (const app of apps) {
      const refused = await call(app, connectionId);
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['retry-after'], '50');
    }
    now += 50_000;
    assert.equal((await call(apps[1]!, connectionId)).statusCode, 200, 'allowed again once the first call left the window');
    assert.equal((await call(apps[2]!, connectionId)).statusCode, 429, 'one slot freed, one taken: the refused calls took none');
    now += 100;
    assert.equal((await call(apps[0]!, connectionId)).statusCode, 200, 'the second call has left the window too');
  });

  test("a deleted connection's throttle window goes with it", async () => {
    const connectionId = await connect('sk_test_sharedThrottle00000003');
    assert.equal((await call(h.app, connectionId)).statusCode, 200);
    const windows = () => h.services.db.selectFrom('limit_windows').select('id').where('connection_id', '=', connectionId).execute();
    assert.equal((await windows()).length, 1);
    assert.equal((await h.request('DELETE', `/api/connections/${connectionId}`)).statusCode, 200);
    assert.equal((await windows()).length, 0);
    const starts = await h.services.db.selectFrom('limit_window_starts').select('seq').where('window_id', '=', `action:${connectionId}`).execute();
    assert.equal(starts.length, 0);
  });
});
