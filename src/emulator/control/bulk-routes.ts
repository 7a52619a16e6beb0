// POST /_emulator/bulk: create many objects in the account of the Bearer key (see bulk/).
// Body: type (customers | charges | invoice_items), count (1–1,000,000), created_from and
// created_to (unix seconds; default: both now), emit_events (default false), and for charges and
// invoice items amount (default 1000), currency (default usd), customer (an existing customer id;
// required for invoice items), source (charges; a test token, default tok_visa).
import { bulkCreate } from '../bulk/bulk-create.js';
import { bulkKinds, bulkTypes } from '../bulk/bulk-kinds.js';
import { testCard } from '../resources/charges/test-cards.js';
import { customerStore } from '../resources/customers/customer-record.js';
import { invalidValue, missingParameter, resourceMissing } from '../wire/errors.js';
import type { ControlContext, ControlRoute } from './control-context.js';

/** One call stops at a million objects: ~1 s of work and well under 1 GiB. */
export const BULK_MAX_COUNT = 1_000_000;
const DEFAULT_AMOUNT_MINOR = 1000;
const DEFAULT_CURRENCY = 'usd';
const DEFAULT_SOURCE = 'tok_visa';

function create(ctx: ControlContext): object {
  const p = ctx.params;
  const type = p.oneOf('type', bulkTypes, { required: true })!;
  const count = p.integer('count', { required: true, min: 1, max: BULK_MAX_COUNT })!;
  const nowSeconds = ctx.emulator.clock.nowSeconds();
  const from = p.integer('created_from', { min: 0 }) ?? nowSeconds;
  const to = p.integer('created_to', { min: 0 }) ?? Math.max(from, nowSeconds);
  const emitEvents = p.boolean('emit_events') ?? false;
  const amount = p.integer('amount', { min: 1, max: 99_999_999 }) ?? DEFAULT_AMOUNT_MINOR;
  const currency = (p.nonEmptyString('currency') ?? DEFAULT_CURRENCY).toLowerCase();
  const customer = p.nonEmptyString('customer');
  const source = p.nonEmptyString('source');
  p.finish();
  if (to < from) throw invalidValue('created_to', 'created_to must not be before created_from.');
  if (!/^[a-z]{3}$/.test(currency)) throw invalidValue('currency', `Invalid currency: ${currency}.`);
  const kind = bulkKinds[type]!;
  if (kind.needsCustomer && customer === undefined) throw missingParameter('customer');
  if (type === 'customers' && customer !== undefined) throw invalidValue('customer', 'customer applies to charges and invoice_items.');
  if (type !== 'charges' && source !== undefined) throw invalidValue('source', 'source applies to charges only.');
  const card = testCard(source ?? DEFAULT_SOURCE);
  if (card === undefined) throw resourceMissing('token', source!, 'source');
  const account = ctx.account();
  if (customer !== undefined && account.store(customerStore).get(customer) === undefined) {
    throw resourceMissing('customer', customer, 'customer');
  }
  const startedMs = performance.now();
  const result = bulkCreate(
    ctx.emulator,
    account,
    kind,
    { account, amount, currency, customer: customer ?? null, card },
    { count, fromSeconds: from, toSeconds: to, emitEvents },
  );
  return {
    object: 'emulator.bulk_create',
    type,
    count: result.count,
    created_from: from,
    created_to: to,
    first_id: result.firstId,
    last_id: result.lastId,
    events: result.events,
    duration_ms: Math.round(performance.now() - startedMs),
  };
}

export const bulkRoutes: ControlRoute[] = [{ method: 'POST', path: '/_emulator/bulk', handler: create }];
