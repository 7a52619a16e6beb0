// The two readings of the emulator's request log that the scale-out test's verdict rests on: the
// busiest sliding second, and requests in flight at the same time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { busiestWindow, overlapping, type EmulatorRequest } from '../support/emulator-request-log.js';

const at = (receivedMs: number, answeredMs = receivedMs): EmulatorRequest => ({ method: 'GET', path: '/v1/charges', status: 200, received_at_ms: receivedMs, answered_at_ms: answeredMs });

test('the busiest second counts requests in any sliding 1-s window, not only in whole clock seconds', () => {
  // 25 at the end of one clock second and 25 at the start of the next: 50 within 200 ms.
  const requests = [...Array.from({ length: 25 }, (_, i) => at(10_900 + i)), ...Array.from({ length: 25 }, (_, i) => at(11_000 + i))];
  assert.deepEqual(busiestWindow(requests), { count: 50, startMs: 10_900 });
});

test('a request exactly 1,000 ms after another falls in the next window', () => {
  assert.equal(busiestWindow([at(0), at(999), at(1_000)]).count, 2);
  assert.equal(busiestWindow([]).count, 0);
});

test('requests whose [received, answered] intervals overlap are paired; one that starts as another is answered is not', () => {
  assert.deepEqual(overlapping([at(0, 50), at(50, 100), at(100, 150)]), []);
  const long = at(0, 500);
  const inside = at(100, 120);
  const after = at(200, 300);
  assert.deepEqual(overlapping([after, inside, long]), [
    [long, inside],
    [long, after],
  ]);
});
