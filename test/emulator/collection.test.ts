import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Collection, type Listed } from '../../src/emulator/list/collection.js';

interface Item extends Listed {
  readonly tag: string | null;
}

function item(id: string, created: number, seq: number, tag: string | null = null): Item {
  return { id, created, seq, tag };
}

const ids = (items: Item[]) => items.map((i) => i.id);

describe('list engine collection', () => {
  test('objects inserted out of created order still page newest first by (created, seq)', () => {
    const c = new Collection<Item>();
    c.insert(item('b', 20, 1));
    c.insert(item('d', 30, 2));
    c.insert(item('a', 10, 3));
    c.insert(item('c', 20, 4));
    assert.deepEqual(ids(c.page({ limit: 10 }).data), ['d', 'c', 'b', 'a']);
  });

  test('an index follows inserts, value changes on replace, and removals', () => {
    const c = new Collection<Item>({ tag: (i) => i.tag });
    c.insert(item('a', 1, 1, 'x'));
    c.insert(item('b', 1, 2, 'y'));
    c.insert(item('c', 2, 3, 'x'));
    assert.deepEqual(ids(c.indexed('tag', 'x').page({ limit: 10 }).data), ['c', 'a']);
    c.replace(item('a', 1, 1, 'y'));
    assert.deepEqual(ids(c.indexed('tag', 'x').page({ limit: 10 }).data), ['c']);
    assert.deepEqual(ids(c.indexed('tag', 'y').page({ limit: 10 }).data), ['b', 'a']);
    c.remove('b');
    assert.deepEqual(ids(c.indexed('tag', 'y').page({ limit: 10 }).data), ['a']);
    assert.equal(c.get('b'), undefined);
    assert.deepEqual(c.keyOf('b'), { created: 1, seq: 2 }, 'a removed object keeps its cursor position');
    assert.equal(c.indexed('tag', 'none').size, 0);
  });

  test('dropping old objects removes them from indexes too', () => {
    const c = new Collection<Item>({ tag: (i) => i.tag });
    for (let s = 0; s < 10; s++) c.insert(item(`i${s}`, 100 + s, s + 1, s % 2 === 0 ? 'even' : 'odd'));
    const dropped = c.dropOlderThan(105);
    assert.deepEqual(ids(dropped), ['i0', 'i1', 'i2', 'i3', 'i4']);
    assert.equal(c.size, 5);
    assert.deepEqual(ids(c.indexed('tag', 'even').page({ limit: 10 }).data), ['i8', 'i6']);
    assert.equal(c.get('i0'), undefined);
  });

  test('a filtered walk stops after limit + 1 matches and reports has_more', () => {
    const c = new Collection<Item>();
    for (let s = 0; s < 50; s++) c.insert(item(`i${s}`, 1, s + 1, s % 10 === 0 ? 'ten' : null));
    const page = c.page({ limit: 3, where: (i) => i.tag === 'ten' });
    assert.deepEqual(ids(page.data), ['i40', 'i30', 'i20']);
    assert.equal(page.hasMore, true);
    const rest = c.page({ limit: 3, where: (i) => i.tag === 'ten', startingAfter: { created: 1, seq: 21 } });
    assert.deepEqual(ids(rest.data), ['i10', 'i0']);
    assert.equal(rest.hasMore, false);
  });

  test('a page over a large collection touches only its bounds: 200,000 objects page as fast as 2,000', () => {
    const timePages = (n: number) => {
      const c = new Collection<Item>();
      for (let s = 0; s < n; s++) c.insert(item(`i${s}`, 1_000_000 + Math.floor(s / 20), s + 1));
      const from = 1_000_000 + Math.floor(n / 40);
      for (let i = 0; i < 200; i++) c.page({ limit: 100, created: { gte: from } });
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 2000; i++) c.page({ limit: 100, created: { gte: from } });
      return Number(process.hrtime.bigint() - t0);
    };
    const small = timePages(2_000);
    const large = timePages(200_000);
    // O(log n + limit): 100× the objects may cost a few more binary-search steps, never 100×.
    // The bound is loose (10×) because this shares a busy machine; a full scan would be ~100×.
    assert.ok(large < small * 10, `2,000 objects: ${small} ns, 200,000 objects: ${large} ns`);
  });
});

describe('list engine collection against a plain model', () => {
  test('any mix of inserts, tag changes and removals pages exactly like filter-and-sort', async () => {
    const fc = await import('fast-check');
    type Op =
      | { kind: 'insert'; created: number; tag: string | null }
      | { kind: 'retag'; pick: number; tag: string | null }
      | { kind: 'remove'; pick: number };
    const tag = fc.constantFrom('x', 'y', null);
    const op: import('fast-check').Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('insert' as const), created: fc.integer({ min: 0, max: 8 }), tag }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('retag' as const), pick: fc.nat(), tag }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
    );
    const query = fc.record({
      limit: fc.integer({ min: 1, max: 6 }),
      gte: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
      lt: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
      cursor: fc.option(fc.record({ after: fc.boolean(), pick: fc.nat() }), { nil: undefined }),
      tag: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), query, (ops, q) => {
        const c = new Collection<Item>({ tag: (i) => i.tag });
        const model = new Map<string, Item>();
        const everKeys = new Map<string, Item>();
        let seq = 0;
        for (const o of ops) {
          const live = [...model.values()];
          if (o.kind === 'insert') {
            const it = item(`i${++seq}`, o.created, seq, o.tag);
            c.insert(it);
            model.set(it.id, it);
            everKeys.set(it.id, it);
          } else if (live.length > 0) {
            const target = live[o.pick % live.length]!;
            if (o.kind === 'retag') {
              const next = { ...target, tag: o.tag };
              c.replace(next);
              model.set(next.id, next);
            } else {
              c.remove(target.id);
              model.delete(target.id);
            }
          }
        }
        const all = [...everKeys.values()];
        const cursorItem = q.cursor === undefined || all.length === 0 ? undefined : all[q.cursor.pick % all.length]!;
        const source = q.tag === undefined ? c : c.indexed('tag', q.tag);
        const page = source.page({
          limit: q.limit,
          created: { ...(q.gte === undefined ? {} : { gte: q.gte }), ...(q.lt === undefined ? {} : { lt: q.lt }) },
          ...(cursorItem === undefined ? {} : q.cursor!.after ? { startingAfter: cursorItem } : { endingBefore: cursorItem }),
        });
        const key = (i: Item) => i.created * 1e6 + i.seq;
        let expected = [...model.values()]
          .filter((i) => (q.tag === undefined || i.tag === q.tag) && (q.gte === undefined || i.created >= q.gte) && (q.lt === undefined || i.created < q.lt))
          .sort((a, b) => key(b) - key(a));
        let hasMore: boolean;
        if (cursorItem !== undefined && q.cursor!.after) {
          expected = expected.filter((i) => key(i) < key(cursorItem));
          hasMore = expected.length > q.limit;
          expected = expected.slice(0, q.limit);
        } else if (cursorItem !== undefined) {
          const newer = expected.filter((i) => key(i) > key(cursorItem));
          hasMore = newer.length > q.limit;
          expected = newer.slice(Math.max(0, newer.length - q.limit));
        } else {
          hasMore = expected.length > q.limit;
          expected = expected.slice(0, q.limit);
        }
        assert.deepEqual(ids(page.data), ids(expected));
        assert.equal(page.hasMore, hasMore);
      }),
      { numRuns: 400 },
    );
  });
});
