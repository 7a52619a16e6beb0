// Operations on power_automate_poll_states: the server-side state behind each polling trigger's
// Location (src/power-automate/polling-triggers.ts decides what is new; this module only stores).
import type { Store } from './database.js';
import type { PollStateRow } from './schema.js';

export async function insertPollState(db: Store, row: PollStateRow): Promise<void> {
  await db.insertInto('power_automate_poll_states').values(row).execute();
}

export function findPollState(db: Store, id: string): Promise<PollStateRow | undefined> {
  return db.selectFrom('power_automate_poll_states').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deletePollState(db: Store, id: string): Promise<void> {
  await db.deleteFrom('power_automate_poll_states').where('id', '=', id).execute();
}

/** Marks the state used and forgets the one whose answer handed it out (the engine has moved on). */
export async function touchPollState(db: Store, row: PollStateRow, usedAt: string): Promise<void> {
  await db.updateTable('power_automate_poll_states').set({ used_at: usedAt, previous_id: null }).where('id', '=', row.id).execute();
  if (row.previous_id !== null) await deletePollState(db, row.previous_id);
}

/** Keeps where the next poll starts; false when another call answered this state meanwhile. */
export async function saveUnansweredCursor(db: Store, id: string, cursor: string): Promise<boolean> {
  const saved = await db
    .updateTable('power_automate_poll_states')
    .set({ cursor })
    .where('id', '=', id)
    .where('answer', 'is', null)
    .executeTakeFirst();
  return Number(saved.numUpdatedRows) > 0;
}

/**
 * Stores `answer` on the state `id` and its successor `next`, in one transaction; false (nothing
 * written) when another call of the same Location answered first: its answer stands.
 */
export async function answerPollState(db: Store, id: string, answer: string, next: PollStateRow): Promise<boolean> {
  const notAnswered = new Error('answered meanwhile');
  try {
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('power_automate_poll_states').values(next).execute();
      const saved = await tx
        .updateTable('power_automate_poll_states')
        .set({ answer, pending: null })
        .where('id', '=', id)
        .where('answer', 'is', null)
        .executeTakeFirst();
      if (Number(saved.numUpdatedRows) === 0) throw notAnswered;
    });
    return true;
  } catch (error) {
    if (error === notAnswered) return false;
    throw error;
  }
}

export async function purgePollStatesUsedBefore(db: Store, usedBefore: string): Promise<void> {
  await db.deleteFrom('power_automate_poll_states').where('used_at', '<', usedBefore).execute();
}
