import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_LOOKBACK_SECONDS,
  advancePollCursor,
  listWindowStart,
  settledSliceEnd,
  startPollCursor,
  type PollCursorState,
} from '../../src/trigger-sources/poll-cursor.js';

interface Obj {
  id: string;
  created: number;
}

const createdOf = (o: Obj) => o.created;
const ids = (objects: readonly Obj[]) => objects.map((o) => o.id);

/** What Stripe answers for a list: newest first; same-second ties newest-created first. */
function stripeList(objects: readonly Obj[], createdGte: number): Obj[] {
  return objects
    .map((object, order) => ({ object, order }))
    .filter(({ object }) => object.created >= createdGte)
    .sort((a, b) => b.object.created - a.object.created || b.order - a.order)
    .map(({ object }) => object);
}

function pagesOf<T>(list: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < list.length; i += size) pages.push(list.slice(i, i + size));
  return pages.length === 0 ? [[]] : pages;
}

function poll(state: PollCursorState, visible: readonly Obj[], pageSize = 100) {
  return advancePollCursor(state, pagesOf(stripeList(visible, listWindowStart(state)), pageSize), createdOf);
}

describe('poll cursor', () => {
  test('the default lookback is 90 seconds and is kept in the state', () => {
    assert.equal(DEFAULT_LOOKBACK_SECONDS, 90);
    assert.equal(startPollCursor(1000).lookbackSeconds, 90);
    assert.equal(startPollCursor(1000, { lookbackSeconds: 5 }).lookbackSeconds, 5);
  });

  test('a new cursor lists from its start time, not before it', () => {
    const state = startPollCursor(1_000);
    assert.equal(listWindowStart(state), 1_000);
  });

  test('objects created before the subscription started are never emitted', () => {
    const state = startPollCursor(1_000);
    const result = advancePollCursor(state, [[{ id: 'b', created: 1_000 }, { id: 'a', created: 999 }]], createdOf);
    assert.deepEqual(ids(result.fresh), ['b']);
    assert.deepEqual(result.outsideWindow, []);
  });

  test('new objects come out oldest first, same-second ties in creation order', () => {
    const objects = [
      { id: 'a', created: 1_000 },
      { id: 'b', created: 1_001 },
      { id: 'c', created: 1_001 },
      { id: 'd', created: 1_002 },
    ];
    const result = poll(startPollCursor(1_000), objects);
    assert.deepEqual(ids(result.fresh), ['a', 'b', 'c', 'd']);
  });

  test('an empty list emits nothing and leaves the cursor where it was', () => {
    const state = startPollCursor(1_000);
    const result = advancePollCursor(state, [[]], createdOf);
    assert.deepEqual(result.fresh, []);
    assert.deepEqual(result.next, state);
  });

  test('the next poll looks back the lookback window behind the newest object seen', () => {
    const result = poll(startPollCursor(1_000, { lookbackSeconds: 30 }), [{ id: 'a', created: 1_100 }]);
    assert.equal(result.next.watermark, 1_100);
    assert.equal(listWindowStart(result.next), 1_070);
  });

  test('an object listed again inside the window is not emitted twice', () => {
    const objects = [{ id: 'a', created: 1_000 }];
    const first = poll(startPollCursor(1_000), objects);
    const second = poll(first.next, objects);
    assert.deepEqual(ids(first.fresh), ['a']);
    assert.deepEqual(second.fresh, []);
  });

  test('an object missing from one list and back in the next is not emitted again: the seen-set carries over polls', () => {
    // Stripe's list is eventually consistent: an object already emitted can be absent from one
    // answer (or one page of it) and present again in the next, still inside the window.
    const a = { id: 'a', created: 1_010 };
    const b = { id: 'b', created: 1_020 };
    const first = poll(startPollCursor(1_000), [a]);
    const second = poll(first.next, [b]);
    const third = poll(second.next, [a, b]);
    assert.deepEqual([ids(first.fresh), ids(second.fresh), ids(third.fresh)], [['a'], ['b'], []]);
    assert.deepEqual(Object.keys(second.next.seen).sort(), ['a', 'b'], 'a is remembered while inside the window');
  });

  test('500 objects in one second, split over five pages, each come out exactly once across polls', () => {
    const objects = Array.from({ length: 500 }, (_, i) => ({ id: `ch_${String(i).padStart(3, '0')}`, created: 2_000 }));
    const first = poll(startPollCursor(2_000), objects.slice(0, 230), 100);
    const second = poll(first.next, objects, 100);
    const third = poll(second.next, objects, 100);
    const emitted = [...ids(first.fresh), ...ids(second.fresh), ...ids(third.fresh)];
    assert.equal(emitted.length, 500);
    assert.deepEqual(emitted, ids(objects));
  });

  test('a tie split across a page boundary is neither lost nor doubled', () => {
    const objects = [
      { id: 'a', created: 5 },
      { id: 'b', created: 7 },
      { id: 'c', created: 7 },
      { id: 'd', created: 7 },
    ];
    // page size 2: [d, c] [b, a]: the 7-second tie spans two pages
    const result = poll(startPollCursor(0), objects, 2);
    assert.deepEqual(ids(result.fresh), ['a', 'b', 'c', 'd']);
  });

  test('an object that shows up in the list late, with an older created, is still emitted', () => {
    const early = [{ id: 'a', created: 1_010 }, { id: 'c', created: 1_020 }];
    const first = poll(startPollCursor(1_000, { lookbackSeconds: 60 }), early);
    // 'b' was stamped 1_015 but only became visible after the first poll
    const second = poll(first.next, [...early, { id: 'b', created: 1_015 }]);
    assert.deepEqual(ids(first.fresh), ['a', 'c']);
    assert.deepEqual(ids(second.fresh), ['b']);
  });

  test('an object later than the lookback allows is reported, not emitted', () => {
    const first = poll(startPollCursor(1_000, { lookbackSeconds: 10 }), [{ id: 'z', created: 1_100 }]);
    const late = { id: 'late', created: 1_050 };
    const second = advancePollCursor(first.next, [[{ id: 'z', created: 1_100 }, late]], createdOf);
    assert.deepEqual(second.fresh, []);
    assert.deepEqual(second.outsideWindow, [late]);
  });

  test('the seen-set keeps only the ids inside the window', () => {
    const objects = [
      { id: 'old', created: 1_000 },
      { id: 'mid', created: 1_050 },
      { id: 'new', created: 1_100 },
    ];
    const result = poll(startPollCursor(1_000, { lookbackSeconds: 60 }), objects);
    assert.deepEqual(result.next.seen, { mid: 1_050, new: 1_100 });
  });

  test('a cursor restarted from its saved JSON continues without doubling or losing', () => {
    const objects = [
      { id: 'a', created: 100 },
      { id: 'b', created: 100 },
    ];
    const first = poll(startPollCursor(100), objects);
    const restored = JSON.parse(JSON.stringify(first.next)) as PollCursorState;
    const more = [...objects, { id: 'c', created: 100 }, { id: 'd', created: 101 }];
    const second = poll(restored, more);
    assert.deepEqual(ids(first.fresh), ['a', 'b']);
    assert.deepEqual(ids(second.fresh), ['c', 'd']);
  });

  test('a poll that crashed before its state was saved is repeated from the old state, same result', () => {
    const objects = [{ id: 'a', created: 100 }, { id: 'b', created: 101 }];
    const state = startPollCursor(100);
    const attempt = poll(state, objects);
    const retry = poll(state, objects);
    assert.deepEqual(ids(retry.fresh), ids(attempt.fresh));
    assert.deepEqual(retry.next, attempt.next);
  });

  test('an object listed twice in one poll (it moved between pages) comes out once', () => {
    const a = { id: 'a', created: 10 };
    const result = advancePollCursor(startPollCursor(0), [[a], [a]], createdOf);
    assert.deepEqual(ids(result.fresh), ['a']);
  });

  test('an id that is also an Object.prototype key is tracked like any other', () => {
    const odd = { id: '__proto__', created: 10 };
    const first = advancePollCursor(startPollCursor(0), [[odd]], createdOf);
    const second = advancePollCursor(JSON.parse(JSON.stringify(first.next)) as PollCursorState, [[odd]], createdOf);
    assert.deepEqual(ids(first.fresh), ['__proto__']);
    assert.deepEqual(second.fresh, []);
  });

  test('a settled slice emits its objects oldest first, and the next window starts at its end', () => {
    const state = startPollCursor(1_000, { lookbackSeconds: 30 });
    const slice = [{ id: 'b', created: 1_020 }, { id: 'a', created: 1_005 }];
    const result = advancePollCursor(state, [slice], createdOf, { sliceEnd: 1_060 });
    assert.deepEqual(ids(result.fresh), ['a', 'b']);
    assert.equal(result.next.settledBefore, 1_060);
    assert.equal(listWindowStart(result.next), 1_060, 'past watermark − lookback (990)');
    assert.deepEqual(result.next.seen, {}, 'nothing before the settled end is listed again, so nothing is remembered');
  });

  test('an object a list returned past the slice end is left for the next slice, not emitted early', () => {
    const state = startPollCursor(1_000);
    const result = advancePollCursor(state, [[{ id: 'later', created: 1_060 }, { id: 'in', created: 1_059 }]], createdOf, { sliceEnd: 1_060 });
    assert.deepEqual(ids(result.fresh), ['in']);
    const next = advancePollCursor(result.next, [[{ id: 'later', created: 1_060 }]], createdOf, { sliceEnd: 1_120 });
    assert.deepEqual(ids(next.fresh), ['later']);
  });

  test('an id seen by an earlier poll inside a slice is not emitted again by the slice', () => {
    const first = poll(startPollCursor(1_000, { lookbackSeconds: 100 }), [{ id: 'a', created: 1_010 }]);
    const slice = advancePollCursor(first.next, [[{ id: 'b', created: 1_011 }, { id: 'a', created: 1_010 }]], createdOf, { sliceEnd: 1_050 });
    assert.deepEqual(ids(slice.fresh), ['b']);
  });

  test('a slice end at or before the window start, or not a whole second, is refused', () => {
    const state = startPollCursor(1_000);
    assert.throws(() => advancePollCursor(state, [[]], createdOf, { sliceEnd: 1_000 }), /sliceEnd/);
    assert.throws(() => advancePollCursor(state, [[]], createdOf, { sliceEnd: 1_000.5 }), /sliceEnd/);
  });

  test('an open-window poll after slices keeps the settled end', () => {
    const sliced = advancePollCursor(startPollCursor(1_000, { lookbackSeconds: 30 }), [[]], createdOf, { sliceEnd: 1_200 });
    const open = poll(sliced.next, [{ id: 'x', created: 1_210 }]);
    assert.deepEqual(ids(open.fresh), ['x']);
    assert.equal(open.next.settledBefore, 1_200);
    assert.equal(listWindowStart(open.next), 1_200, 'max(settled end 1_200, watermark − lookback 1_180)');
  });

  test('a state saved before slicing existed (no settledBefore) lists and advances as it always did', () => {
    const saved = JSON.parse('{"since":1000,"watermark":1100,"lookbackSeconds":30,"seen":{"z":1100}}') as PollCursorState;
    assert.equal(listWindowStart(saved), 1_070);
    const result = poll(saved, [{ id: 'z', created: 1_100 }, { id: 'y', created: 1_090 }, { id: 'new', created: 1_101 }]);
    assert.deepEqual(ids(result.fresh), ['y', 'new']);
    assert.equal(Object.hasOwn(result.next, 'settledBefore'), false);
    const sliced = advancePollCursor(saved, [[{ id: 'y', created: 1_090 }]], createdOf, { sliceEnd: 1_095 });
    assert.deepEqual(ids(sliced.fresh), ['y']);
    assert.equal(listWindowStart(sliced.next), 1_095);
  });

  test('the settled slice end is one lookback behind the newest object listed, never ahead of the watermark’s', () => {
    const state = { ...startPollCursor(1_000, { lookbackSeconds: 90 }), watermark: 5_000 };
    assert.equal(settledSliceEnd(state, 9_000), 8_910);
    assert.equal(settledSliceEnd(state, 4_000), 4_910);
  });

  test('a malformed start is refused', () => {
    assert.throws(() => startPollCursor(1.5), /sinceUnixSeconds/);
    assert.throws(() => startPollCursor(0, { lookbackSeconds: -1 }), /lookbackSeconds/);
  });
});

describe('poll cursor properties', () => {
  // A world of objects stamped `created` (Stripe's clock) that become visible `delay` seconds later,
  // with delay within the lookback; polls at arbitrary increasing times with random page sizes,
  // the state saved and restored as JSON between polls.
  const lookbackSeconds = 20;
  const world: fc.Arbitrary<World> = fc.record({
    objects: fc.array(fc.record({ created: fc.integer({ min: 0, max: 60 }), delay: fc.integer({ min: 0, max: lookbackSeconds }) }), {
      maxLength: 120,
    }),
    pollTimes: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 30 }),
    pageSize: fc.integer({ min: 1, max: 7 }),
    since: fc.integer({ min: 0, max: 30 }),
  });

  interface World {
    objects: { created: number; delay: number }[];
    pollTimes: number[];
    pageSize: number;
    since: number;
  }

  function run({ objects, pollTimes, pageSize, since }: World) {
    const all = objects.map((o, i) => ({ id: `o${i}`, created: o.created, visibleAt: o.created + o.delay }));
    let state = startPollCursor(since, { lookbackSeconds });
    const emitted: Obj[] = [];
    let outside = 0;
    // a final poll once everything is visible
    for (const now of [...[...pollTimes].sort((a, b) => a - b), Number.POSITIVE_INFINITY]) {
      const visible = all.filter((o) => o.visibleAt <= now);
      const result = poll(state, visible, pageSize);
      for (let i = 1; i < result.fresh.length; i += 1) {
        assert.ok(result.fresh[i - 1]!.created <= result.fresh[i]!.created, 'oldest first within a poll');
      }
      emitted.push(...result.fresh);
      outside += result.outsideWindow.length;
      state = JSON.parse(JSON.stringify(result.next)) as PollCursorState;
    }
    return { all, emitted, outside };
  }

  test('any arrival order within the lookback: every object since the start is emitted exactly once', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { all, emitted, outside } = run(w);
        const expected = all.filter((o) => o.created >= w.since).map((o) => o.id).sort();
        assert.deepEqual(ids(emitted).sort(), expected);
        assert.equal(new Set(ids(emitted)).size, emitted.length);
        assert.equal(outside, 0);
      }),
      { numRuns: 300 },
    );
  });

  test('the seen-set never holds an id older than the window it guards', () => {
    fc.assert(
      fc.property(world, (w) => {
        let state = startPollCursor(w.since, { lookbackSeconds });
        const all = w.objects.map((o, i) => ({ id: `o${i}`, created: o.created }));
        state = poll(state, all, w.pageSize).next;
        for (const created of Object.values(state.seen)) assert.ok(created >= listWindowStart(state));
      }),
      { numRuns: 200 },
    );
  });
});
