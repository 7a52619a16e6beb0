import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { startHarness, stripeError, type Harness } from './harness.js';

/** 2026-11-26T00:00:00Z */
const T0 = 1795651200;
let h: Harness;
before(async () => {
  h = await startHarness({ clock: { startMs: T0 * 1000, frozen: true } });
});
after(() => h?.stop());

async function createMany(stripe: Stripe, n: number): Promise<Stripe.Customer[]> {
  const out: Stripe.Customer[] = [];
  for (let i = 0; i < n; i++) out.push(await stripe.customers.create({ description: `#${i}` }));
  return out;
}

describe('the list engine', () => {
  test('many objects created in one second list newest first in a stable order', async () => {
    const stripe = h.stripe();
    const made = await createMany(stripe, 30);
    assert.ok(made.every((c) => c.created === made[0]!.created), 'all in the same emulated second');
    const first = await stripe.customers.list({ limit: 100 });
    const again = await stripe.customers.list({ limit: 100 });
    assert.deepEqual(first.data.map((c) => c.id), made.map((c) => c.id).reverse());
    assert.deepEqual(again.data.map((c) => c.id), first.data.map((c) => c.id));
  });

  test('starting_after walks to older pages and ending_before back to newer ones', async () => {
    const stripe = h.stripe();
    const newestFirst = (await createMany(stripe, 25)).map((c) => c.id).reverse();
    const p1 = await stripe.customers.list({ limit: 10 });
    assert.deepEqual(p1.data.map((c) => c.id), newestFirst.slice(0, 10));
    assert.equal(p1.has_more, true);
    const p2 = await stripe.customers.list({ limit: 10, starting_after: p1.data.at(-1)!.id });
    assert.deepEqual(p2.data.map((c) => c.id), newestFirst.slice(10, 20));
    const p3 = await stripe.customers.list({ limit: 10, starting_after: p2.data.at(-1)!.id });
    assert.deepEqual(p3.data.map((c) => c.id), newestFirst.slice(20));
    assert.equal(p3.has_more, false);
    const back = await stripe.customers.list({ limit: 10, ending_before: p3.data[0]!.id });
    assert.deepEqual(back.data.map((c) => c.id), newestFirst.slice(10, 20));
    assert.equal(back.has_more, true);
    const top = await stripe.customers.list({ limit: 10, ending_before: newestFirst[5]! });
    assert.deepEqual(top.data.map((c) => c.id), newestFirst.slice(0, 5));
    assert.equal(top.has_more, false);
  });

  test('the SDK auto-pager visits every object exactly once', async () => {
    const stripe = h.stripe();
    const made = await createMany(stripe, 23);
    const seen: string[] = [];
    for await (const c of stripe.customers.list({ limit: 5 })) seen.push(c.id);
    assert.deepEqual(seen, made.map((c) => c.id).reverse());
  });

  test('created filters select exact seconds and ranges at both ends', async () => {
    const stripe = h.stripe();
    const bySecond: string[][] = [];
    for (let s = 0; s < 4; s++) {
      bySecond.push((await createMany(stripe, 2)).map((c) => c.id));
      h.emulator.clock.advanceMs(1000);
    }
    const t = (await stripe.customers.retrieve(bySecond[0]![0]!) as Stripe.Customer).created;
    const ids = async (created: Stripe.RangeQueryParam | number) =>
      (await stripe.customers.list({ created, limit: 100 })).data.map((c) => c.id);
    assert.deepEqual(await ids(t + 1), [bySecond[1]![1]!, bySecond[1]![0]!]);
    assert.deepEqual(await ids({ gte: t + 2 }), [bySecond[3]![1]!, bySecond[3]![0]!, bySecond[2]![1]!, bySecond[2]![0]!]);
    assert.deepEqual(await ids({ gt: t + 2 }), [bySecond[3]![1]!, bySecond[3]![0]!]);
    assert.deepEqual(await ids({ lt: t + 1 }), [bySecond[0]![1]!, bySecond[0]![0]!]);
    assert.deepEqual(await ids({ lte: t + 1, gt: t }), [bySecond[1]![1]!, bySecond[1]![0]!]);
    assert.deepEqual(await ids({ gt: t + 10 }), []);
  });

  test('a created filter combines with cursors', async () => {
    const stripe = h.stripe();
    const early = await createMany(stripe, 3);
    h.emulator.clock.advanceMs(5000);
    const late = await createMany(stripe, 3);
    const page = await stripe.customers.list({ created: { gte: late[0]!.created }, limit: 2 });
    assert.deepEqual(page.data.map((c) => c.id), [late[2]!.id, late[1]!.id]);
    const next = await stripe.customers.list({ created: { gte: late[0]!.created }, limit: 2, starting_after: late[1]!.id });
    assert.deepEqual(next.data.map((c) => c.id), [late[0]!.id]);
    assert.equal(next.has_more, false);
    assert.equal(early.length, 3);
  });

  test('an object dated into the past by a clock set back still lists in created order', async () => {
    const stripe = h.stripe();
    const now = await stripe.customers.create({ description: 'now' });
    h.emulator.clock.setMs((now.created - 3600) * 1000);
    const past = await stripe.customers.create({ description: 'an hour ago' });
    h.emulator.clock.setMs((now.created + 10) * 1000);
    const list = await stripe.customers.list();
    assert.deepEqual(list.data.map((c) => c.id), [now.id, past.id]);
  });

  test('limit must be from 1 to 100, naming limit', async () => {
    const stripe = h.stripe();
    for (const [limit, message] of [
      [0, 'This value must be greater than or equal to 1.'],
      [101, 'This value must be less than or equal to 100.'],
    ] as const) {
      const error = await stripeError(() => stripe.customers.list({ limit }));
      assert.equal(error.statusCode, 400);
      assert.equal(error.param, 'limit');
      assert.equal(error.message, message);
    }
    assert.equal((await stripeError(() => stripe.customers.list({ limit: 'ten' as never }))).code, 'parameter_invalid_integer');
  });

  test('both cursors at once is a 400', async () => {
    const stripe = h.stripe();
    const [a, b] = await createMany(stripe, 2);
    const error = await stripeError(() => stripe.customers.list({ starting_after: a!.id, ending_before: b!.id }));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'parameters_exclusive');
    assert.equal(error.message, 'You may only specify one of these parameters: ending_before, starting_after.');
  });

  test('a cursor naming an unknown object is resource_missing naming the cursor', async () => {
    const error = await stripeError(() => h.stripe().customers.list({ starting_after: 'cus_unknown' }));
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'resource_missing');
    assert.equal(error.param, 'starting_after');
  });

  test('a cursor naming an object deleted since still continues the walk', async () => {
    const stripe = h.stripe();
    const [a, b, c] = await createMany(stripe, 3);
    await stripe.customers.del(b!.id);
    const rest = await stripe.customers.list({ starting_after: b!.id });
    assert.deepEqual(rest.data.map((x) => x.id), [a!.id]);
    assert.equal(c!.object, 'customer');
  });
});
