// Every Stripe API request an account received, with when it arrived and when it was answered, so
// tests and operators can check what a client did on the wire: its rate in any second, whether two
// of its polls overlapped. Kept per account, newest last, bounded so a long benchmark cannot grow
// the emulator without limit (the oldest entries are dropped and counted).
import { defineStore } from './account.js';

/** 100,000 entries: about 10 MB, more than an hour of a test key at Stripe's 25 requests/s. */
export const REQUEST_LOG_CAPACITY = 100_000;

export interface LoggedRequest {
  method: string;
  /** Without the query string. */
  path: string;
  status: number;
  /** Wall-clock ms since the epoch when the request's headers arrived. */
  receivedAtMs: number;
  /** Wall-clock ms when the answer was written (after any injected delay). */
  answeredAtMs: number;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private start = 0;
  dropped = 0;

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length - this.start > REQUEST_LOG_CAPACITY) {
      this.start++;
      this.dropped++;
      // Compact now and then rather than shift() on every request.
      if (this.start >= REQUEST_LOG_CAPACITY) {
        this.entries = this.entries.slice(this.start);
        this.start = 0;
      }
    }
  }

  list(): LoggedRequest[] {
    return this.entries.slice(this.start);
  }

  clear(): void {
    this.entries = [];
    this.start = 0;
    this.dropped = 0;
  }
}

export const requestLogStore = defineStore('request-log', () => new RequestLog());
