// What a resource handler gets for one request, and how it answers.
import type { Account } from './account.js';
import type { EmulatorState } from './state.js';
import type { Render } from './events/event-log.js';
import type { Listed } from './list/collection.js';
import type { Params } from './wire/params.js';

export interface RequestContext {
  readonly account: Account;
  /** Body parameters for POST; query parameters for GET and DELETE. `expand` is already read. */
  readonly params: Params;
  /** Decoded `:name` segments of the route's path. */
  readonly path: Readonly<Record<string, string>>;
  /** Emulated unix seconds, fixed for the whole request. */
  readonly now: number;
  readonly requestId: string;
  readonly idempotencyKey: string | undefined;
  readonly emulator: EmulatorState;
  /**
   * Records the event Stripe emits for this change (e.g. 'customer.updated'), with the object's
   * previous version for `previous_attributes`, and tells subscribers (webhook delivery).
   */
  emit<R extends Listed | object>(type: string, record: R, render: Render<R>, previous?: R): void;
}

export type Handler = (ctx: RequestContext) => object;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** e.g. '/v1/customers/:id' */
  path: string;
  /**
   * The resource's name in a restricted key's permissions ('customer' → 'rak_customer_write').
   * Restricted keys are read-only here, so every non-GET route is refused for them centrally.
   */
  permission: string;
  /** A route that an account can switch off (today only the legacy orders). */
  feature?: 'orders';
  handler: Handler;
}

/** Answers `expand[]` for ids of one kind: the object for an id, or undefined when unknown. */
export interface Expander {
  /** The id prefix this expander knows, e.g. 'cus_'; '' for ids without one (coupons). */
  prefix: string;
  /** Field names that hold such ids ('customer'); only these may be expanded when null. Default none. */
  fields?: string[];
  retrieve(account: Account, id: string): object | undefined;
}

/** What a resource file exports, listed in resources/index.ts. */
export interface ResourceModule {
  routes: Route[];
  expanders?: Expander[];
}
