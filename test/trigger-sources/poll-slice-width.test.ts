import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  FIRST_SLICE_SECONDS,
  MAX_SLICE_PAGES,
  TARGET_SLICE_PAGES,
  nextSliceWidth,
  sliceTooWide,
} from '../../src/trigger-sources/poll-slice-width.js';

describe('backlog slice width', () => {
  test('a poll starts with 60-second slices aiming at 20 pages each, and drops a slice that shows it would take over 40', () => {
    assert.deepEqual([FIRST_SLICE_SECONDS, TARGET_SLICE_PAGES, MAX_SLICE_PAGES], [60, 20, 40]);
  });

  test('an empty or one-page slice doubles the next, so an empty year is crossed in about 20 calls', () => {
    assert.equal(nextSliceWidth(60, 60, 1), 120);
    let width = FIRST_SLICE_SECONDS;
    let covered = 0;
    let calls = 0;
    while (covered < 365 * 86_400) {
      covered += width;
      calls += 1;
      width = nextSliceWidth(width, width, 1);
    }
    assert.ok(calls <= 20, `${calls} calls`);
  });

  test('a slice near the target keeps about its width; a dense one at most halves the next', () => {
    assert.equal(nextSliceWidth(100, 100, 20), 100);
    assert.equal(nextSliceWidth(100, 100, 25), 80);
    assert.equal(nextSliceWidth(100, 100, 400), 50);
    assert.equal(nextSliceWidth(1, 1, 400), 1, 'never below one second');
  });

  test('a slice begun earlier, with another width, counts by its density against the current width', () => {
    // 240 s took 40 pages: 20 pages are 120 s, though the current width had been cut to 60 s
    assert.equal(nextSliceWidth(60, 240, 40), 120);
    // 30 s were empty: doubles the current 200 s, not the 30 s
    assert.equal(nextSliceWidth(200, 30, 1), 400);
  });

  test('a first page covering a tiny part of a wide slice marks it too wide; a last page or a 1-second slice never', () => {
    // 100 objects in the last 2 s of a 3,600 s slice: about 1,800 pages
    assert.equal(sliceTooWide(0, 3_600, 3_598, true), true);
    // 100 objects in the last 100 s of a 3,600 s slice: 36 pages
    assert.equal(sliceTooWide(0, 3_600, 3_500, true), false);
    assert.equal(sliceTooWide(0, 3_600, 3_598, false), false, 'the whole slice was that one page');
    assert.equal(sliceTooWide(10, 11, 10, true), false, 'created has one-second resolution');
  });
});
