// pollOnce (src/trigger-sources/poll-once.ts) over an in-memory account that lists as Stripe does (newest
// first, same-second ties newest-created first, created[gte]/created[lt], starting_after, a page
// size), with a world clock that moves on during a poll's own list calls, so objects become
// visible between slices and between pages. Each advance the poll yields is "committed" (its fresh
// objects recorded, its state saved as JSON) before the next is asked for; a crash is a poll
// stopped after any commit, resumed by the next poll from the saved state.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Type } from '@sinclair/typebox';
import type Stripe from 'stripe';
import { defineTrigger } from '../../src/connector/define.js';
import { SLICE_LANES, pollOnce } from '../../src/trigger-sources/poll-once.js';
import { startPollCursor, type PollCursorState } from '../../src/trigger-sources/poll-cursor.js';

interface Thing {
  id: string;
  created: number;
  /** World time from which the list shows it: created + its delay. */
  visibleAt: number;
}

interface Account {
  things: Thing[];
  pageSize: number;
  clock: number;
  /** Seconds the world clock moves on per list call. */
  tickSeconds: number;
  calls: { createdGte: number; createdLt: number | undefined }[];
  /** When set, each list call answers only on a later turn of the event loop, and the most
   *  calls waiting for their answer at once is kept here. */
  overlap?: { now: number; most: number };
}

function thingTrigger(account: Account) {
  return defineTrigger({
    name: 'thingAdded',
    title: 'When a thing is added',
    description: 'Test trigger over an in-memory account.',
    output: Type.Object({ id: Type.String() }),
    objectType: 'thing',
    eventTypes: ['thing.created'],
    async listPage(_stripe, { createdGte, createdLt, startingAfter }) {
      account.calls.push({ createdGte, createdLt });
      if (account.overlap) {
        const overlap = account.overlap;
        overlap.now += 1;
        overlap.most = Math.max(overlap.most, overlap.now);
        await new Promise((resolve) => setImmediate(resolve));
        overlap.now -= 1;
      }
      const newestFirst = account.things
        .map((thing, order) => ({ thing, order }))
        .filter(({ thing }) => thing.visibleAt <= account.clock)
        .filter(({ thing }) => thing.created >= createdGte && (createdLt === undefined || thing.created < createdLt))
        .sort((a, b) => b.thing.created - a.thing.created || b.order - a.order)
        .map(({ thing }) => thing);
      account.clock += account.tickSeconds;
      const start = startingAfter === undefined ? 0 : newestFirst.findIndex((t) => t.id === startingAfter) + 1;
      return { data: newestFirst.slice(start, start + account.pageSize), has_more: start + account.pageSize < newestFirst.length };
    },
    createdOf: (thing: Thing) => thing.created,
    map: (thing: Thing) => ({ id: thing.id }),
  });
}

interface Part {
  fresh: Thing[];
  sliceEnd: number | undefined;
}

/** One poll: commits parts until it ends or `crashAfter` parts are committed. */
async function runPoll(account: Account, state: PollCursorState, crashAfter = Number.POSITIVE_INFINITY) {
  const parts: Part[] = [];
  let saved = state;
  for await (const advance of pollOnce({} as Stripe, thingTrigger(account), state)) {
    const settledBefore = advance.next.settledBefore;
    parts.push({ fresh: advance.fresh as Thing[], sliceEnd: settledBefore === saved.settledBefore ? undefined : settledBefore });
    saved = JSON.parse(JSON.stringify(advance.next)) as PollCursorState;
    if (parts.length >= crashAfter) break;
  }
  return { parts, saved };
}

describe('polling a backlog in slices', () => {
  const lookbackSeconds = 20;

  interface World {
    objects: { created: number; delay: number }[];
    polls: { at: number; crashAfter: number | null }[];
    pageSize: number;
    since: number;
    tickSeconds: number;
    /** List calls answer on a later event-loop turn, so slices listed side by side interleave. */
    overlapping: boolean;
  }

  // Objects over 0–240 s (twelve lookbacks), many sharing a second (created drawn from a few values
  // half the time), each visible within the lookback; polls at increasing times among them, some
  // crashing after a commit.
  // As late as the lookback allows a third of the time: the case a too-early slice end would lose.
  const delay = fc.oneof(fc.integer({ min: 0, max: lookbackSeconds }), fc.constant(lookbackSeconds), fc.constant(0));
  const world: fc.Arbitrary<World> = fc.record({
    objects: fc.oneof(
      fc.array(fc.record({ created: fc.integer({ min: 0, max: 240 }), delay }), { maxLength: 300 }),
      fc.array(
        fc.record({ created: fc.constantFrom(0, 1, 19, 20, 21, 59, 60, 61, 120, 239), delay }),
        { maxLength: 300 },
      ),
    ),
    polls: fc.array(fc.record({ at: fc.integer({ min: 0, max: 270 }), crashAfter: fc.option(fc.integer({ min: 1, max: 6 })) }), {
      maxLength: 16,
    }),
    pageSize: fc.integer({ min: 1, max: 7 }),
    since: fc.integer({ min: 0, max: 100 }),
    tickSeconds: fc.integer({ min: 0, max: 3 }),
    overlapping: fc.boolean(),
  });

  async function run(w: World) {
    const account: Account = {
      things: w.objects.map((o, i) => ({ id: `t${i}`, created: o.created, visibleAt: o.created + o.delay })),
      pageSize: w.pageSize,
      clock: 0,
      tickSeconds: w.tickSeconds,
      calls: [],
      ...(w.overlapping ? { overlap: { now: 0, most: 0 } } : {}),
    };
    let state = startPollCursor(w.since, { lookbackSeconds });
    const parts: Part[] = [];
    // A last poll once everything is visible, run to its end.
    const polls = [...w.polls].sort((a, b) => a.at - b.at);
    for (const { at, crashAfter } of [...polls, { at: 10_000, crashAfter: null }]) {
      account.clock = Math.max(account.clock, at);
      const result = await runPoll(account, state, crashAfter ?? Number.POSITIVE_INFINITY);
      parts.push(...result.parts);
      state = result.saved;
    }
    return { account, parts, state };
  }

  test('any backlog, late arrivals and crashes between slices: every object since the start is emitted once, and a slice only holds objects older than everything after it', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const { account, parts } = await run(w);
        const emitted = parts.flatMap((p) => p.fresh);
        const expected = account.things.filter((t) => t.created >= w.since).map((t) => t.id).sort();
        assert.deepEqual(emitted.map((t) => t.id).sort(), expected, 'no loss, no double');
        for (const [i, part] of parts.entries()) {
          for (let j = 1; j < part.fresh.length; j += 1) assert.ok(part.fresh[j - 1]!.created <= part.fresh[j]!.created, 'oldest first within a part');
          if (part.sliceEnd === undefined) continue;
          assert.ok(part.fresh.every((t) => t.created < part.sliceEnd!), 'a slice holds only objects before its end');
          const after = parts.slice(i + 1).flatMap((p) => p.fresh);
          assert.ok(after.every((t) => t.created >= part.sliceEnd!), 'nothing older than a committed slice end comes after it');
        }
      }),
      { numRuns: 500 },
    );
  });

  test('when every object is visible the second it is stamped, the whole sequence of emitted objects is oldest first', async () => {
    const punctual = world.map((w) => ({ ...w, objects: w.objects.map((o) => ({ ...o, delay: 0 })) }));
    await fc.assert(
      fc.asyncProperty(punctual, async (w) => {
        const created = (await run(w)).parts.flatMap((p) => p.fresh).map((t) => t.created);
        assert.deepEqual(created, [...created].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  test('an object stamped a full lookback before the newest one but visible only after it is not settled past, and comes out on the next poll', async () => {
    const things = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `early${i}`, created: 10 + i, visibleAt: 0 })),
      { id: 'late', created: 81, visibleAt: 101 },
      { id: 'newest', created: 100, visibleAt: 100 },
    ];
    const account: Account = { things, pageSize: 2, clock: 100, tickSeconds: 0, calls: [] };
    const first = await runPoll(account, startPollCursor(0, { lookbackSeconds }));
    assert.ok(first.parts.some((p) => p.sliceEnd !== undefined), 'the backlog was sliced');
    assert.equal(first.saved.settledBefore, 100 - lookbackSeconds);
    assert.deepEqual(first.parts.flatMap((p) => p.fresh).map((t) => t.id), [...things.slice(0, 10).map((t) => t.id), 'newest']);
    account.clock = 101;
    const second = await runPoll(account, first.saved);
    assert.deepEqual(second.parts.flatMap((p) => p.fresh).map((t) => t.id), ['late']);
  });

  test('a backlog is listed in several slices, oldest slice first, before the open window', async () => {
    const things = Array.from({ length: 3_000 }, (_, i) => ({ id: `t${i}`, created: 1_000 + i, visibleAt: 0 }));
    const account: Account = { things, pageSize: 100, clock: 10_000, tickSeconds: 0, calls: [] };
    const { parts, saved } = await runPoll(account, startPollCursor(0, { lookbackSeconds: 90 }));
    const slices = parts.filter((p) => p.sliceEnd !== undefined);
    assert.ok(slices.length > 1, `${slices.length} slices`);
    assert.deepEqual(parts.flatMap((p) => p.fresh).map((t) => t.id), things.map((t) => t.id));
    assert.equal(parts.at(-1)!.sliceEnd, undefined, 'the last part is the open window');
    assert.equal(saved.settledBefore, 3_999 - 90, 'settled up to one lookback behind the newest object');
    const ends = parts.map((p) => p.sliceEnd).filter((end) => end !== undefined);
    assert.deepEqual(ends, [...ends].sort((a, b) => a - b), 'slices committed oldest first');
    assert.equal(account.calls.at(-1)!.createdLt, undefined, 'the open window is listed last');
    const pages = Math.ceil(things.length / 100);
    assert.ok(account.calls.length <= pages + 20, `${account.calls.length} list calls for ${pages} pages of objects`);
  });

  test('the slices of a backlog are listed side by side, three at a time, and still come out in order', async () => {
    const things = Array.from({ length: 20_000 }, (_, i) => ({ id: `t${i}`, created: 1_000 + Math.floor(i / 4), visibleAt: 0 }));
    const account: Account = { things, pageSize: 100, clock: 10_000, tickSeconds: 0, calls: [], overlap: { now: 0, most: 0 } };
    const { parts } = await runPoll(account, startPollCursor(0, { lookbackSeconds: 90 }));
    assert.deepEqual(parts.flatMap((p) => p.fresh).map((t) => t.id), things.map((t) => t.id));
    // SLICE_LANES, and one more for a moment when a slice found too wide is split in two
    assert.ok(account.overlap!.most >= SLICE_LANES && account.overlap!.most <= SLICE_LANES + 1, `${account.overlap!.most} at once`);
  });

  test('an empty year before a backlog costs a few dozen calls, not one per minute', async () => {
    const year = 365 * 86_400;
    const things = Array.from({ length: 2_000 }, (_, i) => ({ id: `t${i}`, created: year + Math.floor(i / 2), visibleAt: 0 }));
    const account: Account = { things, pageSize: 100, clock: 2 * year, tickSeconds: 0, calls: [] };
    const { parts } = await runPoll(account, startPollCursor(0, { lookbackSeconds: 90 }));
    assert.deepEqual(parts.flatMap((p) => p.fresh).map((t) => t.id), things.map((t) => t.id));
    assert.ok(account.calls.length < 20 + 80, `${account.calls.length} list calls for 20 pages of objects`);
  });

  test('a poll with less than a page to list makes one call and no slice, as before slicing', async () => {
    const things = Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, created: 1_000 + i * 60, visibleAt: 0 }));
    const account: Account = { things, pageSize: 100, clock: 10_000, tickSeconds: 0, calls: [] };
    const { parts } = await runPoll(account, startPollCursor(0, { lookbackSeconds: 90 }));
    assert.equal(account.calls.length, 1);
    assert.equal(parts.length, 1);
    assert.equal(parts[0]!.fresh.length, 50);
  });

  test('a cursor saved before slicing existed resumes into slices without doubling what it had seen', async () => {
    // Saved by the unsliced poller: it had emitted t0 (created 1_000) and remembered it.
    const saved = JSON.parse('{"since":900,"watermark":1000,"lookbackSeconds":90,"seen":{"t0":1000}}') as PollCursorState;
    const things = Array.from({ length: 1_500 }, (_, i) => ({ id: `t${i}`, created: 1_000 + i, visibleAt: 0 }));
    const account: Account = { things, pageSize: 100, clock: 10_000, tickSeconds: 0, calls: [] };
    const { parts } = await runPoll(account, saved);
    assert.ok(parts.length > 2);
    assert.deepEqual(parts.flatMap((p) => p.fresh).map((t) => t.id), things.slice(1).map((t) => t.id));
  });
});
