// Bulk create: N objects of one type spread evenly over [fromSeconds, toSeconds], oldest first, in
// one synchronous pass (no HTTP, no parameter parsing per object), for benchmarks and the
// triggers' backlog tests. Objects go into the same stores the API reads, so lists, cursors and
// filters see them as they see created ones. Events are optional: with them, each object records
// the event Stripe would have emitted, dated at the object's `created`, and reaches webhook
// delivery like any other.
import type { Account } from '../account.js';
import { renderEvent, type EventRecord } from '../events/event-log.js';
import { newId } from '../ids.js';
import type { Listed } from '../list/collection.js';
import type { EmulatorState } from '../state.js';
import type { BulkKind, BulkSpec } from './bulk-kinds.js';

export interface BulkResult {
  count: number;
  firstId: string | null;
  lastId: string | null;
  events: number;
}

export function bulkCreate<R extends Listed>(
  state: EmulatorState,
  account: Account,
  kind: BulkKind<R>,
  spec: BulkSpec,
  range: { count: number; fromSeconds: number; toSeconds: number; emitEvents: boolean },
): BulkResult {
  const store = account.store(kind.store);
  const width = range.toSeconds - range.fromSeconds;
  let firstId: string | null = null;
  let lastId: string | null = null;
  for (let i = 0; i < range.count; i++) {
    // Even spread, ascending, both ends of the range used: object i at from + ⌊i·width/(count−1)⌋.
    const created = range.count === 1 ? range.toSeconds : range.fromSeconds + Math.floor((i * width) / (range.count - 1));
    const record = kind.make(spec, created, account.nextSeq());
    store.insert(record);
    firstId ??= record.id;
    lastId = record.id;
    if (range.emitEvents) recordEvent(state, account, kind, record);
  }
  return { count: range.count, firstId, lastId, events: range.emitEvents ? range.count : 0 };
}

function recordEvent<R extends Listed>(state: EmulatorState, account: Account, kind: BulkKind<R>, record: R): void {
  const event: EventRecord<R> = {
    id: newId('evt'),
    created: record.created,
    seq: account.nextSeq(),
    type: kind.eventType(record),
    record,
    previous: undefined,
    render: kind.render,
    // Stripe shows request: {id: null} for changes made outside an API request.
    requestId: null,
    idempotencyKey: null,
    pendingWebhooks: 0,
  };
  account.events.append(event as EventRecord);
  if (state.hasEventListeners) state.publish(account, renderEvent(event as EventRecord));
}
