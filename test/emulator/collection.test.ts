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
