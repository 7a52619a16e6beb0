// Everything one running emulator holds: its clock, its accounts, its settings, and the event
// subscribers. Handlers and the control API reach it through the request context.
import type Stripe from 'stripe';
import { AccountRegistry, type Account } from './account.js';
import type { EmulatedClock } from './clock.js';
import type { StripeApiError } from './wire/errors.js';

/** Called for every event any account emits. Must return quickly; do I/O asynchronously. */
export type EventListener = (account: Account, event: Stripe.Event) => void;

export interface InterceptedRequest {
  account: Account;
  method: string;
  path: string;
}

/** What an interceptor decides for one API request: answer it with an error, delay it, or both. */
export interface Interception {
  error?: StripeApiError;
  /** Real milliseconds to wait before answering. */
  delayMs?: number;
}

/** Sees every authenticated API request before it runs; undefined lets it through untouched. */
export type Interceptor = (request: InterceptedRequest) => Interception | undefined;

export interface Settings {
  /** Requests per second per account; false switches the limit off. */
  rateLimitPerSecond: number | false;
  allowLiveKeys: boolean;
  apiKeys: ReadonlySet<string> | undefined;
}

export class EmulatorState {
  readonly accounts: AccountRegistry;
  private readonly listeners = new Set<EventListener>();
  private readonly interceptors = new Set<Interceptor>();

  constructor(
    readonly clock: EmulatedClock,
    readonly settings: Settings,
    accountDefaults: { ordersEnabled: boolean },
  ) {
    this.accounts = new AccountRegistry(accountDefaults);
  }

  /** Subscribes to every event of every account; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a request interceptor (fault injection); returns the function that removes it. */
  addInterceptor(interceptor: Interceptor): () => void {
    this.interceptors.add(interceptor);
    return () => this.interceptors.delete(interceptor);
  }

  /** The first interceptor's decision for a request, if any. */
  intercept(request: InterceptedRequest): Interception | undefined {
    if (this.interceptors.size === 0) return undefined;
    for (const interceptor of this.interceptors) {
      const decision = interceptor(request);
      if (decision !== undefined) return decision;
    }
    return undefined;
  }

  get hasEventListeners(): boolean {
    return this.listeners.size > 0;
  }

  publish(account: Account, event: Stripe.Event): void {
    for (const listener of this.listeners) {
      try {
        listener(account, event);
      } catch (error) {
        // A subscriber's fault must not fail the API request that caused the event.
        console.error(`emulator: event listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
