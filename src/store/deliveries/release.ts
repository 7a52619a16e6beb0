// Gives back claims that will not be sent (a worker stopping), so another worker need not wait for
// the lease. Only while still pending and still under the same claim: a claim taken over since
// is someone else's.
import type { Store } from '../database.js';
import type { DeliveryRow } from '../schema.js';
import { statementChunks } from '../statement-rows.js';
import { announceDueDeliveries } from './wake-ups.js';

export async function releaseClaims(db: Store, claimed: readonly Pick<DeliveryRow, 'id' | 'claim_token'>[]): Promise<void> {
  for (const chunk of statementChunks(claimed)) {
    await db
      .updateTable('deliveries')
      .set({ locked_until: null, claim_token: null })
      .where('status', '=', 'pending')
      .where((eb) => eb.or(chunk.map((delivery) => eb.and([eb('id', '=', delivery.id), eb('claim_token', '=', delivery.claim_token)]))))
      .execute();
  }
  // Due again at once: a worker of another process may take them now rather than at its next look.
  if (claimed.length > 0) await announceDueDeliveries(db);
}
