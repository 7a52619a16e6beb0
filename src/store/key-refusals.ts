// A connection's key refusal (connections.key_refused_at / key_refused_message, migration 010):
// set when Stripe answers 401 to a call made with the key, cleared by the next call it answers.
import type { Store } from './database.js';

export async function markKeyRefused(db: Store, connectionId: string, at: string, message: string): Promise<void> {
  await db.updateTable('connections').set({ key_refused_at: at, key_refused_message: message }).where('id', '=', connectionId).execute();
}

/** Writes only when the key was marked refused, so a success costs no write once cleared. */
export async function clearKeyRefused(db: Store, connectionId: string): Promise<void> {
  await db
    .updateTable('connections')
    .set({ key_refused_at: null, key_refused_message: null })
    .where('id', '=', connectionId)
    .where('key_refused_at', 'is not', null)
    .execute();
}
