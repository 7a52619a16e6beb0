// The control API's own request shape. It is not Stripe's API: bodies may be JSON or form
// encoded, and account-scoped operations name the account with the same Bearer secret key the
// Stripe API takes.
import type { Account } from '../account.js';
import type { EmulatorState } from '../state.js';
import type { Params } from '../wire/params.js';

export interface ControlContext {
  readonly emulator: EmulatorState;
  /** Body (POST) or query (GET) parameters; JSON numbers and booleans arrive as strings. */
  readonly params: Params;
  readonly path: Readonly<Record<string, string>>;
  /** The account of the request's secret key; a 401 in Stripe's shape when there is none. */
  account(): Account;
}

export interface ControlRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Under /_emulator/, e.g. '/_emulator/clock'. */
  path: string;
  handler: (ctx: ControlContext) => object;
}
