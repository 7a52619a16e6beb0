// The sliding-window rule, once, for both limits that use it: the action throttle (N calls per
// connection in any window of W seconds) and the pace towards Stripe (R request starts per key in
// any second). Starts are numbered in the order they were admitted (by one clock, so their times
// rise with their numbers); start n may be admitted only once start n − limit has left the window,
// which is "at most `limit` in any window" exactly, with an exact wait, unlike a fixed window that
// lets 2N through across its edge. Only one earlier start is read per start admitted, so the cost
// does not grow with the limit (a limit of 1,000,000 costs what a limit of 100 does).

export interface SlidingWindowAdmission {
  /** How many of the `wanted` starts were admitted (each at `nowMs`, numbered from `nextSeq`). */
  admitted: number;
  /** When fewer than `wanted` were admitted: ms until the next one may be (≥ 1); else 0. */
  waitMs: number;
}

/**
 * Admits up to `wanted` (≤ `limit`) starts numbered `nextSeq`, `nextSeq + 1`, … at `nowMs`.
 * `startedAtMs(seq)` is the time of an earlier start, undefined when it never was or was forgotten
 * after leaving the window. A refused start is not recorded, so a refusal never uses up a slot.
 */
export function admitToWindow(
  nextSeq: number,
  nowMs: number,
  wanted: number,
  limit: number,
  windowMs: number,
  startedAtMs: (seq: number) => number | undefined,
): SlidingWindowAdmission {
  for (let i = 0; i < Math.min(wanted, limit); i += 1) {
    const earlierMs = startedAtMs(nextSeq + i - limit);
    if (earlierMs !== undefined && earlierMs > nowMs - windowMs) return { admitted: i, waitMs: Math.max(1, earlierMs + windowMs - nowMs) };
  }
  return { admitted: Math.min(wanted, limit), waitMs: 0 };
}
