// Polling triggers for Power Automate and Logic Apps (OnNewCharge …). The engine calls the trigger,
// then whatever Location the answer names: 202 + Retry-After + Location (the same state) when
// nothing is new, 200 + the new items + Retry-After + Location (the next state) when something is.
//
// Why states live in the store rather than inside the Location: (1) "calling the same Location
// twice returns the same items" needs the answer kept, since Stripe may hold more by the second
// call; (2) the cursor's seen-set grows with the objects of the last 90 s (thousands in a busy
// second), too long for a URL; (3) an answer is capped (below) and what is left over must wait
// somewhere. So a Location carries only pas_ + 96 random bits: opaque, and an altered one names no
// state (a 400). Each state is bound to the user, connection and trigger it was made for; another
// user's, connection's or trigger's is a 400 saying so.
//
// What is new is decided by the same poll cursor and list code as poll-mode subscriptions
// (src/trigger-sources/poll-once.ts and poll-cursor.ts): listed from watermark − 90 s, the ids already
// given out inside that window remembered, so same-second ties and objects listed late are neither
// lost nor doubled, and a backlog is listed in `created` slices, oldest first.
import type Stripe from 'stripe';
import type { TriggerDefinition } from '../connector/define.js';
import { ConnectorError, invalidInput } from '../errors.js';
import type { Store } from '../store/database.js';
import { newId } from '../ids.js';
import type { ConnectionRow, PollStateRow } from '../store/schema.js';
import {
  answerPollState,
  deletePollState,
  findPollState,
  insertPollState,
  purgePollStatesUsedBefore,
  saveUnansweredCursor,
  touchPollState,
} from '../store/power-automate-poll-states.js';
import { toConnectorError } from '../stripe/errors.js';
import { startPollCursor, type PollCursorState } from '../trigger-sources/poll-cursor.js';
import { pollOnce } from '../trigger-sources/poll-once.js';
import { DEFAULT_POLL_INTERVAL_SECONDS, MIN_POLL_INTERVAL_SECONDS } from '../trigger-sources/subscription-body.js';

/** Items in one 200 at most: 1,000 (≈ 0.7 MB of charges), well inside what a trigger answer may carry. */
export const DEFAULT_MAX_ITEMS_PER_ANSWER = 1000;
/** A state nobody has called for this long is forgotten: 30 days. */
export const STATE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Unused states are looked for at most this often per process: 1 h. */
const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface PollAnswer {
  status: 200 | 202;
  /** The new objects in the trigger's documented shape, oldest first (empty on a 202). */
  items: unknown[];
  /** The state for the Location. */
  stateId: string;
  retryAfterSeconds: number;
}

interface StoredAnswer {
  items: unknown[];
  nextId: string;
  retryAfterSeconds: number;
}

export interface PollingTriggersOptions {
  db: Store;
  stripeFor(connection: ConnectionRow): Stripe;
  /** Clock, ms since the epoch. Default Date.now. */
  nowMs?: () => number;
  /** Default DEFAULT_MAX_ITEMS_PER_ANSWER (1,000). */
  maxItemsPerAnswer?: number;
}

export interface StartInput {
  /** ISO 8601, already checked as a date-time: also answer objects created since then. Default: now. */
  since?: string | undefined;
  /** Default DEFAULT_POLL_INTERVAL_SECONDS (120). */
  pollIntervalSeconds?: number | undefined;
}

function stateProblem(message: string): ConnectorError {
  return invalidInput([{ field: 'query.state', message }]);
}

export class PollingTriggers {
  private readonly db: Store;
  private lastPurgeMs = 0;

  constructor(private readonly options: PollingTriggersOptions) {
    this.db = options.db;
  }

  private now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  /** The trigger's first call: a new state from `since` (default now), answered at once when it reaches back. */
  async start(userId: string, connection: ConnectionRow, trigger: TriggerDefinition, input: StartInput): Promise<PollAnswer> {
    const nowMs = this.now();
    let sinceMs = nowMs;
    if (input.since !== undefined) {
      if (Date.parse(input.since) > nowMs) throw invalidInput([{ field: 'query.since', message: 'must not be in the future' }]);
      sinceMs = Date.parse(input.since);
    }
    await this.purge(nowMs, true);
    const stripe = this.options.stripeFor(connection);
    if (input.since === undefined) {
      // Checked as a subscription is, with one list call before anything is stored: an account
      // without the Orders API says so here (stripe_orders_retired), not on every later poll.
      try {
        await trigger.listPage(stripe, { createdGte: Math.floor(nowMs / 1000), limit: 1 });
      } catch (error) {
        throw toConnectorError(error);
      }
    }
    const id = newId('pas');
    const at = new Date(nowMs).toISOString();
    await insertPollState(this.db, {
        id,
        user_id: userId,
        connection_id: connection.id,
        trigger: trigger.name,
        // Whole seconds: Stripe's `created` has no finer grain; a since inside a second means all of it.
        cursor: JSON.stringify(startPollCursor(Math.floor(sinceMs / 1000))),
        pending: null,
        poll_interval_seconds: input.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS,
        previous_id: null,
        answer: null,
        created_at: at,
        used_at: at,
      });
    const intervalSeconds = input.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS;
    // From now on: nothing can be new yet, the first poll is one interval away.
    if (input.since === undefined) return { status: 202, items: [], stateId: id, retryAfterSeconds: intervalSeconds };
    try {
      return await this.poll(userId, connection, trigger, id);
    } catch (error) {
      await deletePollState(this.db, id);
      throw error;
    }
  }

  /** A call of a Location: the stored answer if this state has one, else a poll of Stripe from its cursor. */
  async poll(userId: string, connection: ConnectionRow, trigger: TriggerDefinition, stateId: string): Promise<PollAnswer> {
    const nowMs = this.now();
    await this.purge(nowMs, false);
    const row = await this.read(stateId);
    if (row === undefined) {
      throw stateProblem('is unknown or expired: a trigger state unused for 30 days is forgotten, and an altered one names none. Turn the flow off and on to start the trigger again');
    }
    if (row.user_id !== userId || row.connection_id !== connection.id || row.trigger !== trigger.name) {
      throw stateProblem('belongs to another user, connection or trigger: call the Location this trigger was given');
    }
    if (Date.parse(row.used_at) < nowMs - STATE_RETENTION_MS) {
      await deletePollState(this.db, row.id);
      throw stateProblem('has expired: it was not used for 30 days. Turn the flow off and on to start the trigger again');
    }
    await touchPollState(this.db, row, new Date(nowMs).toISOString());
    if (row.answer !== null) return answerOf(JSON.parse(row.answer) as StoredAnswer);

    const cap = this.options.maxItemsPerAnswer ?? DEFAULT_MAX_ITEMS_PER_ANSWER;
    const items: unknown[] = row.pending === null ? [] : (JSON.parse(row.pending) as unknown[]);
    let cursor = JSON.parse(row.cursor) as PollCursorState;
    let listedAll = true;
    if (items.length < cap) {
      const parts = pollOnce(this.options.stripeFor(connection), trigger, cursor);
      try {
        for (let part = await parts.next(); !part.done; part = await parts.next()) {
          items.push(...part.value.fresh.map((object) => trigger.map(object)));
          cursor = part.value.next;
          // Stopped between committed parts, so the cursor says exactly what the items hold.
          if (items.length >= cap) {
            listedAll = false;
            break;
          }
        }
      } catch (error) {
        throw toConnectorError(error);
      } finally {
        void parts.return(undefined).catch(() => {});
      }
    } else {
      listedAll = false;
    }

    if (items.length === 0) {
      if (await saveUnansweredCursor(this.db, row.id, JSON.stringify(cursor))) {
        return { status: 202, items: [], stateId: row.id, retryAfterSeconds: row.poll_interval_seconds };
      }
      return this.answeredMeanwhile(row.id);
    }
    const answer: StoredAnswer = {
      items: items.slice(0, cap),
      nextId: newId('pas'),
      // More is known to wait (the rest of a backlog): come back at once rather than in an interval.
      retryAfterSeconds: listedAll && items.length <= cap ? row.poll_interval_seconds : MIN_POLL_INTERVAL_SECONDS,
    };
    const at = new Date(nowMs).toISOString();
    const stored = await answerPollState(this.db, row.id, JSON.stringify(answer), {
      id: answer.nextId,
      user_id: row.user_id,
      connection_id: row.connection_id,
      trigger: row.trigger,
      cursor: JSON.stringify(cursor),
      pending: items.length > cap ? JSON.stringify(items.slice(cap)) : null,
      poll_interval_seconds: row.poll_interval_seconds,
      previous_id: row.id,
      answer: null,
      created_at: at,
      used_at: at,
    });
    return stored ? answerOf(answer) : this.answeredMeanwhile(row.id);
  }

  /** Another call of this Location answered first: its answer stands, this one is dropped. */
  private async answeredMeanwhile(id: string): Promise<PollAnswer> {
    const answered = await this.read(id);
    if (answered?.answer == null) throw stateProblem('is unknown or expired');
    return answerOf(JSON.parse(answered.answer) as StoredAnswer);
  }

  private read(id: string): Promise<PollStateRow | undefined> {
    return findPollState(this.db, id);
  }

  private async purge(nowMs: number, force: boolean): Promise<void> {
    if (!force && nowMs - this.lastPurgeMs < PURGE_EVERY_MS) return;
    this.lastPurgeMs = nowMs;
    await purgePollStatesUsedBefore(this.db, new Date(nowMs - STATE_RETENTION_MS).toISOString());
  }
}

function answerOf(answer: StoredAnswer): PollAnswer {
  return { status: 200, items: answer.items, stateId: answer.nextId, retryAfterSeconds: answer.retryAfterSeconds };
}
