// Deliveries created in this process can go straight to this process's worker: the code that
// inserts them (webhook ingest) stamps them with a claim the worker reserved — the same lease and
// claim_token a worker's own claim would set — and hands the committed rows over in memory, so the
// worker neither searches the outbox for them nor reads them back (bench/triggers: the claim round
// trip was a third of the worker's store time per delivery). The lease still covers a crash: rows
// handed over but never sent are claimed by any worker once it runs out, and sent with the same id.
import type { DeliveryRow, SubscriptionRow, TriggerEventRow } from '../store/schema.js';

/** What the worker needs to send one delivery without reading the store. */
export interface ReadyDelivery {
  delivery: DeliveryRow;
  subscription: SubscriptionRow;
  event: Pick<TriggerEventRow, 'trigger' | 'object_created' | 'data'>;
}

export interface DeliveryClaim {
  claimToken: string;
  /** ISO 8601, as deliveries.locked_until. */
  lockedUntil: string;
}

export interface DeliveryHandoff {
  /** A claim for deliveries about to be inserted; undefined when the worker takes no more now (stopped, or its queue is full). */
  reserve(nowMs: number): DeliveryClaim | undefined;
  /** Deliveries inserted with a reserved claim, after their transaction committed. */
  accept(ready: readonly ReadyDelivery[]): void;
}
