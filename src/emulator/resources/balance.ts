// The account balance: retrieve only (the connector's cheap "is this key good?" call). Other
// resources move money with `balanceLedger` — charges (a later part) add to it.
import type Stripe from 'stripe';
import { defineStore } from '../account.js';
import type { RequestContext, ResourceModule } from '../context.js';

export class BalanceLedger {
  /** Minor units per currency. */
  readonly available = new Map<string, number>();
  readonly pending = new Map<string, number>();

  add(bucket: 'available' | 'pending', currency: string, amountMinor: number): void {
    const map = this[bucket];
    map.set(currency, (map.get(currency) ?? 0) + amountMinor);
  }
}

export const balanceLedger = defineStore('balance', () => new BalanceLedger());

/** A new test account shows one zero entry in USD, as Stripe's test accounts do. */
const DEFAULT_CURRENCY = 'usd';

function entries(map: Map<string, number>): { amount: number; currency: string; source_types: { card: number } }[] {
  if (map.size === 0) return [{ amount: 0, currency: DEFAULT_CURRENCY, source_types: { card: 0 } }];
  return [...map].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
}

function retrieve(ctx: RequestContext): Stripe.Balance {
  ctx.params.finish();
  const ledger = ctx.account.store(balanceLedger);
  return {
    object: 'balance',
    available: entries(ledger.available),
    livemode: false,
    pending: entries(ledger.pending),
  };
}

export const balance: ResourceModule = {
  routes: [{ method: 'GET', path: '/v1/balance', permission: 'balance', handler: retrieve }],
};
