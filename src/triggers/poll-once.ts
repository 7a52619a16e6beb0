// One poll of one trigger: list every page of the window the cursor asks for, then let the cursor
// decide what is new. No per-poll cap (the original connector stopped at 100 objects): a backlog is
// drained in one poll, as many pages as it takes.
import type Stripe from 'stripe';
import type { StripeObjectRef, TriggerDefinition } from '../connector/define.js';
import { advancePollCursor, listWindowStart, type PollCursorAdvance, type PollCursorState } from './poll-cursor.js';

/** Stripe's largest page: 100 objects per list call, the fewest calls per backlog. */
export const POLL_PAGE_LIMIT = 100;

export async function pollOnce(
  stripe: Stripe,
  trigger: TriggerDefinition,
  state: PollCursorState,
): Promise<PollCursorAdvance<StripeObjectRef>> {
  const createdGte = listWindowStart(state);
  const pages: StripeObjectRef[][] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await trigger.listPage(stripe, {
      createdGte,
      limit: POLL_PAGE_LIMIT,
      ...(startingAfter === undefined ? {} : { startingAfter }),
    });
    pages.push(page.data);
    const last = page.data.at(-1);
    if (!page.has_more || last === undefined) break;
    startingAfter = last.id;
  }
  return advancePollCursor(state, pages, (object) => trigger.createdOf(object));
}
