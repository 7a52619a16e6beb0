// Leases held by this process (src/store/leases.ts): background work that must run in one place at
// a time across every process sharing the store — a poll of one connection's trigger, one
// connection's reconciliation, its webhook endpoint's upkeep — runs only in the process holding
// its lease. The lease is renewed while the work runs and released when it ends, so the next
// process need not wait for its expiry; a process that dies lets it expire, and another takes
// over. Every commit of the work checks the grant's fencing token in its own transaction
// (HeldLease.fence), so a holder that stalled past its expiry commits nothing after a takeover.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Store } from '../store/database.js';
import { acquireLease, holdsLease, releaseLease, renewLease, type LeaseGrant } from '../store/leases.js';

/**
 * How long a grant lasts without renewal: 30 s. It bounds how long the work of a process that died
 * waits before another process takes it over (polls are every 120 s by default, reconciliations
 * every 300 s, so one late turn at most).
 */
export const DEFAULT_LEASE_TTL_MS = 30_000;
/** Renewed every 10 s, a third of the TTL: two renewals in a row may fail or run late (a slow store, a stalled event loop) before the grant runs out. */
export const DEFAULT_LEASE_RENEW_EVERY_MS = 10_000;
/** How often take() asks again while another process holds the lease: 100 ms, a few statements a second at most. */
const WAIT_RETRY_MS = 100;

/** A random id for one process (one composed set of services): the holder its leases are granted to. */
export function newLeaseHolder(): string {
  return `proc_${randomBytes(9).toString('hex')}`;
}

export interface LeasesOptions {
  db: Store;
  /** This process's id. Default: a fresh newLeaseHolder(). */
  holder?: string;
  /** Default DEFAULT_LEASE_TTL_MS (30 s). */
  ttlMs?: number;
  /** Default DEFAULT_LEASE_RENEW_EVERY_MS (10 s). */
  renewEveryMs?: number;
  logger?: Logger | undefined;
}

export class Leases {
  readonly holder: string;

  constructor(private readonly options: LeasesOptions) {
    this.holder = options.holder ?? newLeaseHolder();
  }

  /** The lease `name` if no other process holds it now; undefined otherwise. */
  async tryTake(name: string): Promise<HeldLease | undefined> {
    const { db } = this.options;
    const grant = await acquireLease(db, name, this.holder, this.options.ttlMs ?? DEFAULT_LEASE_TTL_MS);
    return grant && new HeldLease(db, grant, this.options);
  }

  /** The lease `name`, waiting up to `waitMs` while another process holds it; undefined if it still does then. */
  async take(name: string, waitMs: number): Promise<HeldLease | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const lease = await this.tryTake(name);
      if (lease || Date.now() >= deadline) return lease;
      await new Promise((resolve) => setTimeout(resolve, WAIT_RETRY_MS));
    }
  }
}

export class HeldLease {
  private isLost = false;
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Store,
    readonly grant: LeaseGrant,
    private readonly options: Pick<LeasesOptions, 'ttlMs' | 'renewEveryMs' | 'logger'>,
  ) {
    this.timer = setInterval(() => {
      this.renewing = this.renew();
    }, options.renewEveryMs ?? DEFAULT_LEASE_RENEW_EVERY_MS);
    // A lease never keeps the process alive on its own.
    this.timer.unref();
  }

  /** True once a renewal failed or found the lease granted again: the work must stop before its next commit. */
  get lost(): boolean {
    return this.isLost;
  }

  /**
   * In the transaction of a commit made under this lease: true while it is still this grant's.
   * False (commit nothing, stop) once it was lost or granted again.
   */
  async fence(trx: Store): Promise<boolean> {
    if (this.isLost) return false;
    if (await holdsLease(trx, this.grant)) return true;
    this.markLost('granted to another process since');
    return false;
  }

  /**
   * Stops renewing and frees the lease for the next process at once. Only this grant is freed (a
   * newer one is untouched); if the store cannot be reached, the lease simply runs out.
   */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    try {
      await releaseLease(this.db, this.grant);
    } catch (error) {
      this.options.logger?.warn({ lease: this.grant.name, err: error }, 'lease not released; it runs out by itself');
    }
  }

  private async renew(): Promise<void> {
    if (this.isLost) return;
    try {
      if (!(await renewLease(this.db, this.grant, this.options.ttlMs ?? DEFAULT_LEASE_TTL_MS))) this.markLost('granted to another process since');
    } catch (error) {
      // Unrenewed, the grant may run out unseen: stopping is the safe side.
      this.markLost('renewal failed', error);
    }
  }

  private markLost(reason: string, error?: unknown): void {
    if (this.isLost) return;
    this.isLost = true;
    clearInterval(this.timer);
    this.options.logger?.warn({ lease: this.grant.name, token: this.grant.token, reason, ...(error ? { err: error } : {}) }, 'lease lost; its work stops before its next commit');
  }
}
