// The poll cursor: which listed objects are new, and where the next poll starts. Pure, so that
// the poller can commit its result together with the events it produces, and so that it can be
// tested exhaustively.
//
// Stripe's `created` has one-second resolution and an object can become visible in a list a little
// after the second it is stamped with, so a strict `created > last` watermark loses objects. Each poll
// instead lists `created[gte] = watermark − lookbackSeconds` and remembers the ids it has already
// emitted inside that window (the seen-set); the seen-set is pruned to the window, so it stays as
// small as the objects created in the last lookbackSeconds.

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
  return Math.max(state.since, state.watermark - state.lookbackSeconds);
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

/**
 * Given the state the poll listed with and every page it listed (in Stripe's order: newest first,
 * pages in the order fetched), the objects to emit and the next state.
 */
export function advancePollCursor<T extends { id: string }>(
  state: PollCursorState,
  pages: readonly (readonly T[])[],
  createdOf: (object: T) => number,
): PollCursorAdvance<T> {
  const windowStart = listWindowStart(state);
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
      watermark = Math.max(watermark, created);
      listed.push({ object, created, position });
    }
  }

  const fresh = listed
    .filter(({ object }) => !Object.hasOwn(state.seen, object.id))
    // Stripe lists newest first, ties in a stable order: reversing the list order is creation order.
    .sort((a, b) => a.created - b.created || b.position - a.position);

  const nextWindowStart = Math.max(state.since, watermark - state.lookbackSeconds);
  // Built with fromEntries so that any id, even "__proto__", stays a plain own key.
  const seen: Record<string, number> = Object.fromEntries(
    [
      ...Object.entries(state.seen),
      ...listed.map(({ object, created }): [string, number] => [object.id, created]),
    ].filter(([, created]) => created >= nextWindowStart),
  );

  return {
    fresh: fresh.map(({ object }) => object),
    next: { since: state.since, watermark, lookbackSeconds: state.lookbackSeconds, seen },
    outsideWindow,
  };
}
