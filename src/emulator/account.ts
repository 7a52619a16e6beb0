// One emulated Stripe account: what one secret key sees. Resources keep their state in stores
// that they declare themselves (defineStore), so adding a resource never edits this file.
import { createHash } from 'node:crypto';
import { EventLog } from './events/event-log.js';
import { IdempotencyCache } from './idempotency.js';
import { RateWindow } from './rate-limit.js';

export interface StoreKey<T> {
  readonly name: string;
  readonly create: () => T;
}

/** Declares per-account state for a resource; created on first use, dropped on reset. */
export function defineStore<T>(name: string, create: () => T): StoreKey<T> {
  return { name, create };
}

export interface AccountOptions {
  /** Whether the legacy /v1/orders answers; default true (false reproduces today's Stripe: 404). */
  ordersEnabled: boolean;
}

export class Account {
  readonly id: string;
  readonly events = new EventLog();
  readonly idempotency = new IdempotencyCache();
  readonly rateWindow = new RateWindow();
  ordersEnabled: boolean;
  private seq = 0;
  private stores = new Map<StoreKey<unknown>, unknown>();

  constructor(accountKey: string, private readonly defaults: AccountOptions) {
    // A stable id per key, so the same key shows the same acct_ across restarts.
    this.id = `acct_${createHash('sha256').update(accountKey).digest('hex').slice(0, 16)}`;
    this.ordersEnabled = defaults.ordersEnabled;
  }

  /** The account-wide insertion counter that orders objects created in the same second. */
  nextSeq(): number {
    return ++this.seq;
  }

  store<T>(key: StoreKey<T>): T {
    let store = this.stores.get(key as StoreKey<unknown>) as T | undefined;
    if (store === undefined) {
      store = key.create();
      this.stores.set(key as StoreKey<unknown>, store);
    }
    return store;
  }

  /** Forgets every object, event and idempotency key; settings return to their defaults. */
  reset(): void {
    this.stores = new Map();
    this.events.clear();
    this.idempotency.clear();
    this.rateWindow.reset();
    this.ordersEnabled = this.defaults.ordersEnabled;
  }
}

export class AccountRegistry {
  private readonly accounts = new Map<string, Account>();

  constructor(private readonly defaults: AccountOptions) {}

  /** The account a secret key opens, created on first use. */
  forKey(accountKey: string): Account {
    let account = this.accounts.get(accountKey);
    if (account === undefined) {
      account = new Account(accountKey, this.defaults);
      this.accounts.set(accountKey, account);
    }
    return account;
  }

  resetAll(): void {
    for (const account of this.accounts.values()) account.reset();
  }
}
