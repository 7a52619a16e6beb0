// One poll of one trigger, as a sequence of cursor advances to commit in order (poll-step.ts).
// No per-poll cap (the original connector stopped at 100 objects): a backlog is drained in one
// poll, as many pages as it takes.
//
// Stripe lists newest first, so a window listed page by page would hand out a backlog newest
// first; listed whole, nothing can be delivered before its last page (a 100,000 backlog is 1,000
// pages, ≥ 40 s at 25 requests/s). So: the first page of the window decides. If it is the only
// page, that is the whole poll (one call, as before). If there are more, the part of the window
// one lookback behind the newest object is listed in `created` slices [a, b), up to SLICE_LANES
// of them side by side, each paged in full and yielded on its own, oldest slice first
// (poll-cursor.ts: settledBefore = b), and only then the rest of the window as before. Each slice
// costs a partial page; poll-slice-width.ts sizes them. The one page spent on deciding is the only
// extra call an ordinary poll could have made. bench/triggers/poll, 60,000 charges, the unsliced
// and the sliced poll back to back on the shared 2-core machine (load ≈ 6): 65.7 s → 32.5 s from
// subscribing to the last delivery, first delivery after 33.0 s → 1.1 s; 100,000 charges (load
// 2.4): 42.8 s, 2,336/s, first delivery 0.5 s (unsliced: 72.3 s, 1,383/s, first after 49.4 s).
import type Stripe from 'stripe';
import type { StripeObjectRef, TriggerDefinition, TriggerListPage } from '../connector/define.js';
import { advancePollCursor, listWindowStart, settledSliceEnd, type PollCursorAdvance, type PollCursorState } from './poll-cursor.js';
import { FIRST_SLICE_SECONDS, nextSliceWidth, sliceTooWide } from './poll-slice-width.js';

/** Stripe's largest page: 100 objects per list call, the fewest calls per backlog. */
export const POLL_PAGE_LIMIT = 100;

/**
 * Backlog slices listed at once: 3. Pages of one list follow each other (starting_after), so one
 * list at a time keeps up Stripe's 25 requests/s (test mode; the client's limiter paces every
 * call) only while a call takes under 40 ms; slices are disjoint `created` ranges, so three can be
 * listed side by side and the pace holds up to 120 ms a call. At most 3 slices are held unsaved.
 */
export const SLICE_LANES = 3;

/**
 * The advances of one poll, oldest slice first; the last one is the open window. Each is computed
 * from the `next` of the one before, so the caller must commit them in order and stop iterating
 * (which stops the listing) at the first it cannot commit.
 */
export async function* pollOnce(
  stripe: Stripe,
  trigger: TriggerDefinition,
  startState: PollCursorState,
): AsyncGenerator<PollCursorAdvance<StripeObjectRef>, void, undefined> {
  const createdOf = (object: StripeObjectRef) => trigger.createdOf(object);
  const list = (createdGte: number, createdLt: number | undefined, startingAfter: string | undefined) =>
    trigger.listPage(stripe, {
      createdGte,
      limit: POLL_PAGE_LIMIT,
      ...(createdLt === undefined ? {} : { createdLt }),
      ...(startingAfter === undefined ? {} : { startingAfter }),
    });
  /** `first` and the pages after it of the same list, in the order fetched. */
  const rest = async (first: TriggerListPage<StripeObjectRef>, createdGte: number, createdLt?: number) => {
    const pages = [first.data];
    for (let page = first; page.has_more && page.data.length > 0; ) {
      page = await list(createdGte, createdLt, page.data.at(-1)!.id);
      pages.push(page.data);
    }
    return pages;
  };

  let state = startState;
  const windowStart = listWindowStart(state);
  const first = await list(windowStart, undefined, undefined);
  const newest = first.data[0];
  const sliceEnd = newest === undefined ? windowStart : settledSliceEnd(state, createdOf(newest));
  if (!first.has_more || sliceEnd <= windowStart) {
    // That page is the first page of the whole window: an ordinary poll spends nothing on deciding.
    yield advancePollCursor(state, await rest(first, windowStart), createdOf);
    return;
  }

  /** One slice listed in full, or found too wide from its first page (and not listed further). */
  const listSlice = async (sliceStart: number, sliceEndSeconds: number): Promise<StripeObjectRef[][] | 'too wide'> => {
    const firstOfSlice = await list(sliceStart, sliceEndSeconds, undefined);
    const oldest = firstOfSlice.data.at(-1);
    if (oldest !== undefined && sliceTooWide(sliceStart, sliceEndSeconds, createdOf(oldest), firstOfSlice.has_more)) return 'too wide';
    return rest(firstOfSlice, sliceStart, sliceEndSeconds);
  };

  // Slices in created order; the first SLICE_LANES of them are being listed. Committed strictly in
  // this order, whatever order their listings finish in.
  const queue: { start: number; end: number; listing?: Promise<StripeObjectRef[][] | 'too wide'> }[] = [];
  let plannedUntil = windowStart;
  let widthSeconds = FIRST_SLICE_SECONDS;
  for (;;) {
    while (queue.length < SLICE_LANES && plannedUntil < sliceEnd) {
      const end = Math.min(sliceEnd, plannedUntil + widthSeconds);
      queue.push({ start: plannedUntil, end });
      plannedUntil = end;
    }
    for (const slice of queue.slice(0, SLICE_LANES)) {
      if (slice.listing !== undefined) continue;
      slice.listing = listSlice(slice.start, slice.end);
      // Awaited in order below; one that fails while an earlier slice is awaited is not unhandled.
      slice.listing.catch(() => {});
    }
    const slice = queue.shift();
    if (slice === undefined) break;
    const listed = await slice.listing!;
    if (listed === 'too wide') {
      const middle = slice.start + Math.floor((slice.end - slice.start) / 2);
      queue.unshift({ start: slice.start, end: middle }, { start: middle, end: slice.end });
      widthSeconds = Math.min(widthSeconds, middle - slice.start);
      continue;
    }
    const advance = advancePollCursor(state, listed, createdOf, { sliceEnd: slice.end });
    yield advance;
    state = advance.next;
    widthSeconds = nextSliceWidth(widthSeconds, slice.end - slice.start, listed.length);
  }

  // The open window, from the last slice's end: listed afresh, since the first page above is stale.
  const openStart = listWindowStart(state);
  yield advancePollCursor(state, await rest(await list(openStart, undefined, undefined), openStart), createdOf);
}
