// The poll cursor: which listed objects are new, and where the next poll starts. Pure, so that
// the poller can commit its result together with the events it produces, and so that it can be
// tested exhaustively.
//
// Stripe's `created` has one-second resolution and an object can become visible in a list a little
// after the second it is stamped with, so a strict `created > last` watermark loses objects. Each poll
// instead lists `created[gte] = watermark − lookbackSeconds` and remembers the ids it has already
// emitted inside that window (the seen-set); the seen-set is pruned to the window, so it stays as
// small as the objects created in the last lookbackSeconds.
//
// A backlog is listed in `created` slices, oldest slice first (poll-once.ts), each committed on its
// own: a slice [a, b) is only listed once b ≤ (newest `created` listed) − lookbackSeconds, i.e.
// where the unsliced poll would already have moved its window past, so everything in it is
// visible; after it, `settledBefore` = b says "everything created before b is emitted". The bound
// comes from Stripe's own `created` values, never from this host's clock.

/**
 * Default lookback: 90 s. Stripe stamps `created` when a request starts and the object is listed once
 * that request commits; Stripe's own clients wait up to 80 s for a request (stripe-node's default
 * timeout is 80_000 ms), so an object can appear that late. 10 s more covers clock skew between
 * Stripe's hosts.
 */
export const DEFAULT_LOOKBACK_SECONDS = 90;

export interface PollCursorState {
  /** Objects created before this (unix seconds) are never emitted: the subscription's start. */
  since: number;
  /** The newest `created` listed so far (unix seconds); never below `since`. */
  watermark: number;
  /** How far behind the watermark each poll looks. Kept in the state: changing it between polls
   *  would prune the seen-set for one window and list another, and double objects. */
  lookbackSeconds: number;
  /** Emitted ids still inside the window, with their `created`: id → unix seconds. */
  seen: Record<string, number>;
  /** Every object created before this (unix seconds) is emitted: the end of the last committed
   *  slice. Absent in states saved before slicing existed, and until a first slice: no bound. */
  settledBefore?: number;
}

export interface StartPollCursorOptions {
  /** Default DEFAULT_LOOKBACK_SECONDS (90 s). */
  lookbackSeconds?: number;
}

/** A cursor that emits every object created at or after `sinceUnixSeconds`. */
export function startPollCursor(sinceUnixSeconds: number, options: StartPollCursorOptions = {}): PollCursorState {
  const lookbackSeconds = options.lookbackSeconds ?? DEFAULT_LOOKBACK_SECONDS;
  if (!Number.isInteger(sinceUnixSeconds)) throw new RangeError('sinceUnixSeconds must be an integer');
  if (!Number.isInteger(lookbackSeconds) || lookbackSeconds < 0) {
    throw new RangeError('lookbackSeconds must be a non-negative integer');
  }
  return { since: sinceUnixSeconds, watermark: sinceUnixSeconds, lookbackSeconds, seen: {} };
}

/** The `created[gte]` of the next poll's list. */
export function listWindowStart(state: PollCursorState): number {
  return Math.max(state.since, state.settledBefore ?? state.since, state.watermark - state.lookbackSeconds);
}

/**
 * The end of the part of the window that may be listed in settled slices, given the newest
 * `created` a list of the window showed: one lookback behind it, as the unsliced poll's next window
 * would start. At or below listWindowStart(state) there is nothing to slice.
 */
export function settledSliceEnd(state: PollCursorState, newestListedCreated: number): number {
  return Math.max(state.watermark, newestListedCreated) - state.lookbackSeconds;
}

export interface PollCursorAdvance<T> {
  /** Objects not emitted before, oldest first (same-second ties in Stripe's creation order). */
  fresh: T[];
  next: PollCursorState;
  /** Listed objects older than the window: appeared later than the lookback allows, or listed with
   *  another window than listWindowStart(state). Not emitted (they may have been emitted and pruned
   *  already); the poller should log them. */
  outsideWindow: T[];
}

export interface AdvanceOptions {
  /** Set when the pages are one settled slice, listed with `created[lt]` = sliceEnd (≤
   *  settledSliceEnd): the next state has settledBefore = sliceEnd. Default: the open window. */
  sliceEnd?: number;
}

/**
 * Given the state the poll listed with and every page it listed (in Stripe's order: newest first,
 * pages in the order fetched), the objects to emit and the next state.
 */
export function advancePollCursor<T extends { id: string }>(
  state: PollCursorState,
  pages: readonly (readonly T[])[],
  createdOf: (object: T) => number,
  options: AdvanceOptions = {},
): PollCursorAdvance<T> {
  const windowStart = listWindowStart(state);
  const { sliceEnd } = options;
  if (sliceEnd !== undefined && !(Number.isInteger(sliceEnd) && sliceEnd > windowStart)) {
    throw new RangeError(`sliceEnd ${sliceEnd} must be an integer after the window start ${windowStart}`);
  }
  const listed: { object: T; created: number; position: number }[] = [];
  const listedIds = new Set<string>();
  const outsideWindow: T[] = [];
  let watermark = state.watermark;
  let position = 0;
  for (const page of pages) {
    for (const object of page) {
      position += 1;
      if (listedIds.has(object.id)) continue;
      listedIds.add(object.id);
      const created = createdOf(object);
      if (created < windowStart) {
        if (created >= state.since) outsideWindow.push(object);
        continue;
      }
      // Only from a list that ignored created[lt]: the next slice or the open window lists it.
      if (sliceEnd !== undefined && created >= sliceEnd) continue;
      watermark = Math.max(watermark, created);
      listed.push({ object, created, position });
    }
  }

  const fresh = listed
    .filter(({ object }) => !Object.hasOwn(state.seen, object.id))
    // Stripe lists newest first, ties in a stable order: reversing the list order is creation order.
    .sort((a, b) => a.created - b.created || b.position - a.position);

  const settledBefore = sliceEnd ?? state.settledBefore;
  const next: PollCursorState = {
    since: state.since,
    watermark,
    lookbackSeconds: state.lookbackSeconds,
    seen: {},
    ...(settledBefore === undefined ? {} : { settledBefore }),
  };
  const nextWindowStart = listWindowStart(next);
  // Built with fromEntries so that any id, even "__proto__", stays a plain own key.
  next.seen = Object.fromEntries(
    [
      ...Object.entries(state.seen),
      ...listed.map(({ object, created }): [string, number] => [object.id, created]),
    ].filter(([, created]) => created >= nextWindowStart),
  );

  return {
    fresh: fresh.map(({ object }) => object),
    next,
    outsideWindow,
  };
}
