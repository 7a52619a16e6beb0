// The delivery_attempts table read as run history (GET /api/runs, src/run-history/list-runs.ts): each
// attempt with its subscription's owner, connection and trigger.
import { timeOrderedIdAt } from '../ids.js';
import type { Store } from './database.js';
import type { DeliveryAttemptRow, SubscriptionRow } from './schema.js';

export interface DeliveryAttemptFilter {
  userId: string;
  connectionId?: string | undefined;
  /** A trigger name. */
  trigger?: string | undefined;
  /** succeeded: the subscriber answered 2xx (isDeliveredStatus, src/delivery/send.ts). */
  status?: 'succeeded' | 'failed' | undefined;
  /** started_at at or after this (ISO 8601). */
  from?: string | undefined;
  /** started_at before this. */
  to?: string | undefined;
  /** Only this attempt. */
  id?: string | undefined;
  /** Only attempts with a greater id: att_ ids begin with the time they were recorded (src/ids.ts). */
  idAfter?: string | undefined;
  limit: number;
  /** Only attempts older than this one in the newest-first order (started_at, then id). */
  startingAfter?: { id: string; createdAt: string } | undefined;
}

export type DeliveryAttemptOfUser = Pick<DeliveryAttemptRow, 'id' | 'delivery_id' | 'attempt' | 'started_at' | 'duration_ms' | 'status_code' | 'error'> & {
  subscription_id: string;
} & Pick<SubscriptionRow, 'connection_id' | 'trigger'>;

// The newest attempts by (started_at, id) without sorting the whole history: an attempt's id begins
// with the time it was recorded (src/ids.ts), after it started, so the attempts recorded since F
// include every attempt started since F, and reading those is a range of the primary key. A page
// read from that range is the true page when it is full and its last attempt started at or after F
// (anything left out started before F), or when the filter's `from` is at or after F. Otherwise the
// range grows fourfold (so a page sorts at most about four times its rows); the last try reads
// everything. The first range ends at the newest attempt recorded, so a quiet hour costs no more
// than a busy one. At 1,000,000 attempts the newest page took 2.2 s (a sort of the user's whole
// history), ~4 ms from the first range (bench/console/pages.bench.ts).
const FIRST_RANGE_MS = 10 * 60_000;
const LAST_RANGE_MS = 32 * 24 * 3600_000;
// Ids and start times come from one process's clock; a clock stepped back (NTP) by up to this much
// still leaves no attempt out.
const CLOCK_STEP_MS = 60_000;

/** The user's attempts, newest first, at most `limit`. */
export async function listDeliveryAttemptsOfUser(db: Store, filter: DeliveryAttemptFilter): Promise<DeliveryAttemptOfUser[]> {
  // One attempt, or those after an id: already a range of the primary key.
  if (filter.id !== undefined || filter.idAfter !== undefined) return attemptsOfUser(db, filter, undefined).execute();
  const bounds = [filter.to, filter.startingAfter?.createdAt].filter((at) => at !== undefined).map((at) => Date.parse(at));
  const upperMs = Math.min(Date.now(), (await newestRecordedMs(db)) ?? Date.now(), ...bounds);
  const fromMs = filter.from === undefined ? undefined : Date.parse(filter.from);
  for (let rangeMs = FIRST_RANGE_MS; rangeMs <= LAST_RANGE_MS; rangeMs *= 4) {
    const sinceMs = upperMs - rangeMs;
    const rows = await attemptsOfUser(db, filter, timeOrderedIdAt('att', sinceMs - CLOCK_STEP_MS)).execute();
    const last = rows[rows.length - 1];
    if ((fromMs !== undefined && fromMs >= sinceMs) || (rows.length === filter.limit && last !== undefined && Date.parse(last.started_at) >= sinceMs)) return rows;
  }
  return attemptsOfUser(db, filter, undefined).execute();
}

/** When the newest attempt (anyone's) was recorded, from its id: one step down the primary key. */
async function newestRecordedMs(db: Store): Promise<number | undefined> {
  const newest = await db.selectFrom('delivery_attempts').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const hex = newest === undefined ? undefined : /^att_([0-9a-f]{12})/.exec(newest.id)?.[1];
  return hex === undefined ? undefined : parseInt(hex, 16);
}

function attemptsOfUser(db: Store, filter: DeliveryAttemptFilter, idFrom: string | undefined) {
  let query = db
    .selectFrom('delivery_attempts as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .innerJoin('subscriptions as s', 's.id', 'd.subscription_id')
    .select(['a.id', 'a.delivery_id', 'a.attempt', 'a.started_at', 'a.duration_ms', 'a.status_code', 'a.error', 's.id as subscription_id', 's.connection_id', 's.trigger'])
    .where('s.user_id', '=', filter.userId);
  if (filter.connectionId !== undefined) query = query.where('s.connection_id', '=', filter.connectionId);
  if (filter.trigger !== undefined) query = query.where('s.trigger', '=', filter.trigger);
  // An attempt succeeded when the subscriber answered 2xx: isDeliveredStatus, in SQL.
  if (filter.status === 'succeeded') query = query.where('a.status_code', '>=', 200).where('a.status_code', '<', 300);
  if (filter.status === 'failed') {
    query = query.where((eb) => eb.or([eb('a.status_code', 'is', null), eb('a.status_code', '<', 200), eb('a.status_code', '>=', 300)]));
  }
  if (filter.from !== undefined) query = query.where('a.started_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('a.started_at', '<', filter.to);
  if (filter.id !== undefined) query = query.where('a.id', '=', filter.id);
  if (filter.idAfter !== undefined) query = query.where('a.id', '>', filter.idAfter);
  if (idFrom !== undefined) query = query.where('a.id', '>=', idFrom);
  const after = filter.startingAfter;
  if (after) {
    query = query.where((eb) => eb(eb.refTuple('a.started_at', 'a.id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  return query.orderBy('a.started_at', 'desc').orderBy('a.id', 'desc').limit(filter.limit);
}

/** The attempt when it belongs to one of this user's subscriptions; undefined for an unknown id or another user's. */
export async function findDeliveryAttemptOfUser(db: Store, userId: string, id: string): Promise<Pick<DeliveryAttemptRow, 'id' | 'started_at'> | undefined> {
  return db
    .selectFrom('delivery_attempts as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .innerJoin('subscriptions as s', 's.id', 'd.subscription_id')
    .select(['a.id', 'a.started_at'])
    .where('a.id', '=', id)
    .where('s.user_id', '=', userId)
    .executeTakeFirst();
}
