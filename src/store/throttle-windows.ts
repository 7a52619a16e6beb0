// A connection's action throttle window (src/action-calls/throttle.ts), shared by every process on
// the store; it goes with the connection (foreign key, on delete cascade).
import type { SlidingWindowAdmission } from '../sliding-window.js';
import type { Store } from './database.js';
import { admitToStoredWindow } from './sliding-log.js';

/** One call's start on `connectionId`'s window; undefined when the connection does not exist. */
export function takeActionCallStart(
  db: Store,
  connectionId: string,
  limit: number,
  windowMs: number,
  nowMs?: () => number,
): Promise<SlidingWindowAdmission | undefined> {
  return admitToStoredWindow(db, { windowId: `action:${connectionId}`, connectionId, wanted: 1, limit, windowMs, nowMs });
}
