// What GET /api/stream sends (src/http/routes/stream.ts frames it as Server-Sent Events): the
// caller's deliveries as they are created, attempted or replayed, and runs (action calls and
// delivery attempts) as they are recorded — by this process or any other on the same store. So the
// feed reads the store every POLL_INTERVAL_MS rather than listening in-process:
// - deliveries created or replayed: pending, not yet attempted, due since the last look (the partial
//   index of pending rows; a replay makes a delivery due now);
// - attempts: att_ ids begin with the time they were recorded (src/ids.ts), so "recorded since the
//   last look" is an id range on the primary key;
// - action runs: recorded when the call ends with the time it started, so they are looked for over
//   ACTION_LOOKBACK_MS, longer than a call with Stripe's retries lasts.
// Each look reaches OVERLAP_MS back over the previous one (commits land a little after their
// timestamps); what was sent already is remembered for that long and not sent twice.
import { toUserDeliveryView, type UserDeliveryView } from '../delivery/delivery-view.js';
import { resolveDeliveryFilter } from '../delivery/delivery-filter.js';
import { listDeliveryRuns, type AnyRunView } from '../run-history/list-runs.js';
import { toActionRunView } from '../run-history/run-view.js';
import type { Store } from '../store/database.js';
import { deliveriesByIds, freshlyDueDeliveries, type SubscriptionOfDelivery } from '../store/deliveries/of-user.js';
import { listRuns } from '../store/runs.js';
import { timeOrderedIdAt } from '../ids.js';

/** How often the store is read: events appear within about this long (the contract: ~2 s). */
export const POLL_INTERVAL_MS = 1000;
const OVERLAP_MS = 5000;
/** An action call with retries ends well within 2 minutes (30 s timeout per try, 3 retries at most 5 s apart). */
const ACTION_LOOKBACK_MS = 150_000;
/** Most items of each kind per look; a burst beyond it is summarised by the next look's items. */
const LOOK_LIMIT = 1000;

export type ActivityEvent = { event: 'delivery'; data: UserDeliveryView } | { event: 'run'; data: AnyRunView };

export interface ActivityScope {
  connection?: string | undefined;
  subscription?: string | undefined;
}

export class ActivityFeed {
  private readonly sent = new Map<string, number>();
  private lastLookMs: number;

  private constructor(
    private readonly db: Store,
    private readonly userId: string,
    private readonly scope: ActivityScope,
    private readonly subscriptions: Map<string, SubscriptionOfDelivery>,
    startMs: number,
  ) {
    this.lastLookMs = startMs;
  }

  /** Checks the scope (404 for a connection or subscription not the caller's) and remembers what exists now, so only later changes are sent. */
  static async open(db: Store, userId: string, scope: ActivityScope, nowMs = Date.now()): Promise<ActivityFeed> {
    const filter = await resolveDeliveryFilter(db, userId, { connection: scope.connection, subscription: scope.subscription }, 'query');
    const feed = new ActivityFeed(db, userId, scope, new Map(filter.subscriptions.map((s) => [s.id, s])), nowMs);
    await feed.look(nowMs);
    return feed;
  }

  /** What changed since the last look. */
  async look(nowMs = Date.now()): Promise<ActivityEvent[]> {
    const since = this.lastLookMs - OVERLAP_MS;
    this.lastLookMs = nowMs;
    const subscriptionIds = [...this.subscriptions.keys()];
    const [due, attempts, actionRuns] = await Promise.all([
      freshlyDueDeliveries(this.db, subscriptionIds, new Date(since).toISOString(), LOOK_LIMIT),
      listDeliveryRuns(this.db, { userId: this.userId, connectionId: this.scope.connection, idAfter: timeOrderedIdAt('att', since), limit: LOOK_LIMIT }),
      this.scope.subscription !== undefined
        ? []
        : listRuns(this.db, { userId: this.userId, connectionId: this.scope.connection, from: new Date(nowMs - ACTION_LOOKBACK_MS).toISOString(), limit: LOOK_LIMIT }),
    ]);
    const events: ActivityEvent[] = [];
    const attemptsInScope = attempts.filter((run) => this.subscriptions.has(run.subscription));
    const attempted = await deliveriesByIds(this.db, [...new Set(attemptsInScope.map((run) => run.delivery))]);
    for (const row of [...due, ...attempted]) {
      const subscription = this.subscriptions.get(row.subscription_id);
      if (!subscription) continue;
      if (this.firstTime(`delivery:${row.id}:${row.status}:${row.attempts_before_replay + row.attempts}:${row.next_attempt_at}`, nowMs)) {
        events.push({ event: 'delivery', data: toUserDeliveryView(row, subscription) });
      }
    }
    const runs: AnyRunView[] = [...actionRuns.map(toActionRunView).reverse(), ...attemptsInScope.reverse()];
    for (const run of runs) if (this.firstTime(`run:${run.id}`, nowMs)) events.push({ event: 'run', data: run });
    this.forgetOlderThan(nowMs - ACTION_LOOKBACK_MS - OVERLAP_MS);
    return events;
  }

  private firstTime(key: string, nowMs: number): boolean {
    if (this.sent.has(key)) return false;
    this.sent.set(key, nowMs);
    return true;
  }

  private forgetOlderThan(ms: number): void {
    for (const [key, at] of this.sent) {
      if (at >= ms) break;
      this.sent.delete(key);
    }
  }
}
