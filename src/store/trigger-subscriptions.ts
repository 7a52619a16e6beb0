// The subscriptions table as the trigger paths read it: by id for the delivery worker, and by
// connection, trigger and mode for polls, inbound webhooks, reconciliation and endpoint upkeep.
import type { Store } from './database.js';
import type { SubscriptionRow } from './schema.js';

export async function findSubscriptionsByIds(db: Store, ids: readonly string[]): Promise<SubscriptionRow[]> {
  return db.selectFrom('subscriptions').selectAll().where('id', 'in', ids).execute();
}

/** The poll-mode subscriptions to this trigger on this connection, paused ones included. */
export async function listPollSubscriptions(db: Store, connectionId: string, trigger: string): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('trigger', '=', trigger)
    .where('mode', '=', 'poll')
    .execute();
}

/** The webhook- and hybrid-mode subscriptions to this trigger on this connection. */
export async function listPushedSubscriptions(db: Store, connectionId: string, trigger: string): Promise<SubscriptionRow[]> {
  return (
    db
      .selectFrom('subscriptions')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('trigger', '=', trigger)
      .where('mode', 'in', ['webhook', 'hybrid'])
      // Paused ones too: their deliveries wait in the outbox until they are resumed.
      .execute()
  );
}

/** The triggers of the connection's webhook- and hybrid-mode subscriptions, each once. */
export async function listPushedTriggers(db: Store, connectionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .select('trigger')
    .distinct()
    .where('connection_id', '=', connectionId)
    .where('mode', 'in', ['webhook', 'hybrid'])
    // Paused ones too: a paused subscription keeps collecting events in its outbox (docs/triggers.md).
    .execute();
  return rows.map((row) => row.trigger);
}

/** The trigger and `since` of each hybrid-mode subscription of the connection. */
export async function listHybridSubscriptions(db: Store, connectionId: string): Promise<Pick<SubscriptionRow, 'trigger' | 'since'>[]> {
  return db.selectFrom('subscriptions').select(['trigger', 'since']).where('connection_id', '=', connectionId).where('mode', '=', 'hybrid').execute();
}
