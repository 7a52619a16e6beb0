// The one shape of the background loops (src/background/loop.ts): rounds the test starts and ends
// itself, the production logger writing into memory. Waits are for the rounds themselves; the only
// timed waits are windows in which a round must NOT start, each far longer than the loop would need.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackgroundLoop, type RoundResult } from '../../src/background/loop.js';
import { capturedLog } from '../support/captured-log.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rounds under the test's control: round(i).started resolves when round i begins; round(i).finish ends it. */
function controlledRounds() {
  const rounds: { started: Deferred<void>; finish: Deferred<RoundResult> }[] = [];
  const round = (i: number) => (rounds[i] ??= { started: deferred(), finish: deferred() });
  let count = 0;
  return {
    body: (): Promise<RoundResult> => {
      const current = round(count++);
      current.started.resolve();
      return current.finish.promise;
    },
    round,
    count: () => count,
  };
}

/** A window in which nothing may happen: far longer than a loop needs to start a round it should not. */
const QUIET_WINDOW_MS = 200;
const quietWindow = () => new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
/** A loop that misses an awaited round fails its test rather than hanging the run. */
const TEST_TIMEOUT_MS = 30_000;
/** Ten minutes: a round that follows sooner was started by a wake, never by this pause. */
const LONG_PAUSE_MS = 600_000;


test('the first round runs at start, and stop() during a pause returns without waiting for it', { timeout: TEST_TIMEOUT_MS }, async () => {
  const rounds = controlledRounds();
  const loop = new BackgroundLoop({ round: rounds.body, idleDelayMs: LONG_PAUSE_MS, failureMessage: 'test round failed' });
  loop.start();
  await rounds.round(0).started.promise;
  rounds.round(0).finish.resolve('idle');
  await loop.stop();
  assert.equal(rounds.count(), 1);
});

test('stop() waits for the round under way, and no round starts after it, woken or not', { timeout: TEST_TIMEOUT_MS }, async () => {
  const rounds = controlledRounds();
  // A round asking for the next one at once: a loop that ignored the stop would start it at once.
  const loop = new BackgroundLoop({ round: rounds.body, idleDelayMs: 1, failureMessage: 'test round failed' });
  const order: string[] = [];
  loop.start();
  await rounds.round(0).started.promise;
  const stopping = loop.stop().then(() => order.push('stop returned'));
  await quietWindow();
  assert.equal(order.length, 0, 'stop() has not returned while the round is under way');
  order.push('round ended');
  rounds.round(0).finish.resolve({ nextDelayMs: 0 });
  await stopping;
  assert.deepEqual(order, ['round ended', 'stop returned']);
  loop.wake();
  await quietWindow();
  assert.equal(rounds.count(), 1, 'no round after stop(), not even on a wake');
});

test('wakes during a round give exactly one follow-up round; a wake during the pause ends it', { timeout: TEST_TIMEOUT_MS }, async () => {
  const rounds = controlledRounds();
  const loop = new BackgroundLoop({ round: rounds.body, idleDelayMs: LONG_PAUSE_MS, failureMessage: 'test round failed' });
  loop.start();
  try {
    await rounds.round(0).started.promise;
    loop.wake();
    loop.wake();
    loop.wake();
    rounds.round(0).finish.resolve('idle');
    await rounds.round(1).started.promise;
    rounds.round(1).finish.resolve('idle');
    await quietWindow();
    assert.equal(rounds.count(), 2, 'three wakes during round 0 made one follow-up round, then the 10-minute pause');
    loop.wake();
    await rounds.round(2).started.promise;
    rounds.round(2).finish.resolve('idle');
  } finally {
    await loop.stop();
  }
  assert.equal(rounds.count(), 3);
});

test('a failing round is logged with its error and retried after a growing pause, reset by a success', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { logger, lines } = capturedLog();
  const failing = new Error('store unavailable');
  // Rounds 0–3 fail, 4 succeeds and asks for the next at once, 5 fails, 6 is held until the end.
  const script: (Error | RoundResult)[] = [failing, failing, failing, failing, { nextDelayMs: 0 }, failing];
  const startedAtMs: number[] = [];
  const lastRound = deferred<void>();
  const release = deferred<RoundResult>();
  const loop = new BackgroundLoop({
    round: async () => {
      const step = script[startedAtMs.length];
      startedAtMs.push(performance.now());
      if (step === undefined) {
        lastRound.resolve();
        return release.promise;
      }
      if (step instanceof Error) throw step;
      return step;
    },
    idleDelayMs: LONG_PAUSE_MS,
    firstFailureDelayMs: 20,
    maxFailureDelayMs: 80,
    failureMessage: 'test round failed',
    logger,
  });
  loop.start();
  try {
    await lastRound.promise;
  } finally {
    release.resolve('idle');
    await loop.stop();
  }
  const failures = lines().filter((line) => line.msg === 'test round failed');
  assert.deepEqual(
    failures.map((line) => [line.level, line.failures, line.retryInMs, (line.err as { message: string }).message]),
    [
      [50, 1, 20, 'store unavailable'],
      [50, 2, 40, 'store unavailable'],
      [50, 3, 80, 'store unavailable'],
      [50, 4, 80, 'store unavailable'],
      [50, 1, 20, 'store unavailable'],
    ],
    'doubling from 20 ms up to the 80 ms ceiling, back to 20 ms after the success',
  );
  assert.ok(failures.every((line) => !JSON.stringify(line).includes('    at ')), 'no stack trace in a log line');
  // Each failed round was followed by its pause, not by an immediate retry (timers may fire ~1 ms early).
  const failedRounds = [0, 1, 2, 3, 5];
  failedRounds.forEach((round, i) => {
    const gapMs = startedAtMs[round + 1]! - startedAtMs[round]!;
    const pauseMs = failures[i]!.retryInMs as number;
    assert.ok(gapMs >= pauseMs - 5, `round ${round + 1} began ${gapMs.toFixed(1)} ms after round ${round}, pause ${pauseMs} ms`);
  });
});
