// The table of polling-trigger states (migration 006_power_automate) as kysely sees it, on the one
// store. Same conventions as the core tables: ISO 8601 text timestamps, JSON as text.
import type { Kysely, Selectable } from 'kysely';
import type { Store } from '../store/database.js';

export interface PollStatesTable {
  /** The opaque state in the Location: pas_ + 96 random bits. */
  id: string;
  user_id: string;
  connection_id: string;
  /** The connector's trigger name: chargeAdded … */
  trigger: string;
  /** JSON PollCursorState (src/triggers/poll-cursor.ts): where the next poll of Stripe starts. */
  cursor: string;
  /** JSON array of mapped items found by the previous poll beyond its answer's cap, answered first. */
  pending: string | null;
  poll_interval_seconds: number;
  /** The state whose answer handed this one out: deleted once this one is called (the engine has moved on). */
  previous_id: string | null;
  /** JSON StoredAnswer, once this state was answered with items: a repeat gets the very same answer. */
  answer: string | null;
  created_at: string;
  /** Last call; a state unused for 30 days is forgotten. */
  used_at: string;
}

export type PollStatesDatabase = { power_automate_poll_states: PollStatesTable };
export type PollStateRow = Selectable<PollStatesTable>;

export function pollStatesOf(store: Store): Kysely<PollStatesDatabase> {
  return store.withTables<PollStatesDatabase>() as unknown as Kysely<PollStatesDatabase>;
}
