// Operations on the poll_cursors table: one cursor per (connection, trigger), shared by its
// poll-mode subscriptions (src/trigger-sources/poll-step.ts). Saves are optimistic: each bumps `version`,
// and a save that finds another version (another node polled meanwhile) changes nothing.
import type { Store } from './database.js';
import type { PollCursorRow } from './schema.js';

export interface PollTarget {
  connectionId: string;
  trigger: string;
}

/** The (connection, trigger) pairs with an active poll-mode subscription whose cursor is due at `now` (ISO 8601) or missing. */
export async function listDuePollTargets(db: Store, now: string): Promise<PollTarget[]> {
  return db
    .selectFrom('subscriptions')
    .leftJoin('poll_cursors', (join) =>
      join
        .onRef('poll_cursors.connection_id', '=', 'subscriptions.connection_id')
        .onRef('poll_cursors.trigger', '=', 'subscriptions.trigger'),
    )
    .select(['subscriptions.connection_id as connectionId', 'subscriptions.trigger as trigger'])
    .where('subscriptions.mode', '=', 'poll')
    .where('subscriptions.status', '=', 'active')
    .where((eb) => eb.or([eb('poll_cursors.next_poll_at', 'is', null), eb('poll_cursors.next_poll_at', '<=', now)]))
    .distinct()
    .execute();
}

/** Whether the poll of (connection, trigger) is still due at `now` (ISO 8601): its cursor is missing or due. */
export async function isPollDue(db: Store, connectionId: string, trigger: string, now: string): Promise<boolean> {
  const row = await db
    .selectFrom('poll_cursors')
    .select('next_poll_at')
    .where('connection_id', '=', connectionId)
    .where('trigger', '=', trigger)
    .executeTakeFirst();
  return row === undefined || row.next_poll_at <= now;
}

export async function findPollCursor(db: Store, connectionId: string, trigger: string): Promise<PollCursorRow | undefined> {
  return db
    .selectFrom('poll_cursors')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('trigger', '=', trigger)
    .executeTakeFirst();
}

/** The first save (version 1); false when a cursor exists already. */
export async function insertPollCursor(db: Store, row: PollCursorRow): Promise<boolean> {
  const inserted = await db
    .insertInto('poll_cursors')
    .values(row)
    .onConflict((conflict) => conflict.columns(['connection_id', 'trigger']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Saves over version `version` as version + 1; false when the stored cursor is at another version. */
export async function updatePollCursor(
  db: Store,
  version: number,
  row: Pick<PollCursorRow, 'connection_id' | 'trigger' | 'state' | 'next_poll_at' | 'updated_at'>,
): Promise<boolean> {
  const saved = await db
    .updateTable('poll_cursors')
    .set({ state: row.state, version: version + 1, next_poll_at: row.next_poll_at, updated_at: row.updated_at })
    .where('connection_id', '=', row.connection_id)
    .where('trigger', '=', row.trigger)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(saved.numUpdatedRows) > 0;
}
