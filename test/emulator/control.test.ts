import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.js';

const T0_MS = 1_795_651_200_000;
let h: Harness;
before(async () => {
  h = await startHarness({ clock: { startMs: T0_MS, frozen: true } });
});
after(() => h?.stop());

describe('control API', () => {
  test('the clock is read, set, advanced, and stamps new objects', async () => {
    assert.deepEqual((await h.raw('GET', '/_emulator/clock')).body, {
      object: 'emulator.clock',
      now: T0_MS / 1000,
      now_ms: T0_MS,
      frozen: true,
    });
    const set = await h.raw('POST', '/_emulator/clock', { body: 'now=1800000000' });
    assert.equal(set.body.now, 1800000000);
    const advanced = await h.raw('POST', '/_emulator/clock', {
      body: JSON.stringify({ advance_seconds: 90 }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(advanced.body.now, 1800000090);
    const c = await h.stripe().customers.create({});
    assert.equal(c.created, 1800000090);
  });

  test('the clock can run with real time and be frozen again', async () => {
    const running = await h.raw('POST', '/_emulator/clock', { body: 'frozen=false' });
    assert.equal(running.body.frozen, false);
    const frozen = await h.raw('POST', '/_emulator/clock', { body: 'frozen=true&now=1800000000' });
    assert.deepEqual([frozen.body.frozen, frozen.body.now], [true, 1800000000]);
  });

  test('bad clock input names the field and changes nothing', async () => {
    const before = (await h.raw('GET', '/_emulator/clock')).body.now_ms;
    const bad = await h.raw('POST', '/_emulator/clock', { body: 'now=soon' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'now');
    const both = await h.raw('POST', '/_emulator/clock', { body: 'now=1&advance_seconds=2' });
    assert.equal(both.status, 400);
    const unknown = await h.raw('POST', '/_emulator/clock', { body: 'when=now' });
    assert.equal(unknown.body.error.message, 'Received unknown parameter: when');
    assert.equal((await h.raw('GET', '/_emulator/clock')).body.now_ms, before);
  });

  test('resetting an account forgets its objects and events but not other accounts\'', async () => {
    const key = h.newKey();
    const stripe = h.stripe(key);
    await stripe.customers.create({});
    const other = h.stripe();
    await other.customers.create({});
    const reset = await h.raw('POST', '/_emulator/account/reset', { key });
    assert.equal(reset.status, 200);
    assert.match(reset.body.id, /^acct_/);
    assert.equal((await stripe.customers.list()).data.length, 0);
    assert.equal((await stripe.events.list()).data.length, 0);
    assert.equal((await other.customers.list()).data.length, 1);
  });

  test('account operations need a secret key: none is a 401, a restricted key a 403', async () => {
    assert.equal((await h.raw('POST', '/_emulator/account/reset')).status, 401);
    const key = h.newKey();
    assert.equal((await h.raw('POST', '/_emulator/account/reset', { key: key.replace('sk_', 'rk_') })).status, 403);
  });

  test('an unknown control path is a 404', async () => {
    assert.equal((await h.raw('GET', '/_emulator/nothing')).status, 404);
    assert.deepEqual((await h.raw('GET', '/_emulator/health')).body, { status: 'ok' });
  });
});
