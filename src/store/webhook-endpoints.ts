// Operations on the webhook_endpoints table: the local record of each connection's one Stripe
// webhook endpoint, with its signing secret sealed (src/trigger-sources/webhook-endpoints.ts).
import type { Store } from './database.js';
import type { WebhookEndpointRow } from './schema.js';

export async function findWebhookEndpoint(db: Store, connectionId: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('connection_id', '=', connectionId).executeTakeFirst();
}

export async function deleteWebhookEndpoint(db: Store, connectionId: string): Promise<void> {
  await db.deleteFrom('webhook_endpoints').where('connection_id', '=', connectionId).execute();
}

export async function updateWebhookEndpoint(
  db: Store,
  connectionId: string,
  changes: Pick<WebhookEndpointRow, 'url' | 'enabled_events' | 'updated_at'>,
): Promise<void> {
  await db.updateTable('webhook_endpoints').set(changes).where('connection_id', '=', connectionId).execute();
}

/** Writes the record, replacing the connection's previous one. */
export async function saveWebhookEndpoint(db: Store, row: WebhookEndpointRow): Promise<void> {
  await db
    .insertInto('webhook_endpoints')
    .values(row)
    .onConflict((oc) => oc.column('connection_id').doUpdateSet({ ...row }))
    .execute();
}
