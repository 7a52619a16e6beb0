// Charges: create with Stripe's test tokens, retrieve, update, capture, list (`customer`).
// A declined token stores the failed charge (listed, retrievable) and answers Stripe's 402
// card_error naming it. Events as Stripe emits them for card charges: charge.succeeded when
// authorised (captured or not), charge.captured when a held charge is captured later,
// charge.failed on a decline, charge.updated on update. charge.pending is only for asynchronous
// payment methods (bank debits), which card tokens are not, so it is never emitted here.
import type Stripe from 'stripe';
import type { Account } from '../../account.js';
import type { RequestContext, ResourceModule } from '../../context.js';
import { newId } from '../../ids.js';
import { listPage, readListQuery } from '../../list/list-request.js';
import { StripeApiError, invalidValue, missingParameter, resourceMissing } from '../../wire/errors.js';
import { applyMetadata, type Params } from '../../wire/params.js';
import { balanceLedger } from '../balance.js';
import { customerStore } from '../customers/customer-record.js';
import { NO_METADATA, chargeStore, renderCharge, type ChargeRecord } from './charge-record.js';
import { testCard, type TestCard } from './test-cards.js';

/** Stripe's minimum charge is 50 minor units (US$0.50) and its maximum 99,999,999 (US$999,999.99). */
export const MIN_AMOUNT = 50;
export const MAX_AMOUNT = 99_999_999;
/** Statement descriptors: at most 22 characters, none of < > \ ' " *, at least one letter. */
const STATEMENT_DESCRIPTOR_MAX_CHARS = 22;
/** Stripe's US card pricing, 2.9% + 30¢, taken from the balance as the charge's fee. */
const FEE_PERCENT = 2.9;
const FEE_FIXED_MINOR = 30;

function readStatementDescriptor(p: Params, key: string): string | undefined {
  const value = p.nonEmptyString(key);
  if (value === undefined) return undefined;
  if (value.length > STATEMENT_DESCRIPTOR_MAX_CHARS || /[<>\\'"*]/.test(value) || !/[A-Za-z]/.test(value)) {
    throw invalidValue(
      key,
      `The statement descriptor must be at most ${STATEMENT_DESCRIPTOR_MAX_CHARS} characters, contain at least one letter, and not contain any of the special characters <, >, \\, ', ", *.`,
    );
  }
  return value;
}

function readCurrency(p: Params): string {
  const currency = p.string('currency', { required: true })!;
  if (!/^[A-Za-z]{3}$/.test(currency)) throw invalidValue('currency', `Invalid currency: ${currency.toLowerCase()}.`);
  return currency.toLowerCase();
}

function readAmount(p: Params, currency: string | undefined): number {
  const amount = p.integer('amount', { required: true })!;
  if (amount < MIN_AMOUNT) {
    const shown = currency === 'usd' ? '$0.50 usd' : `${MIN_AMOUNT} ${currency ?? ''} minor units`.trim();
    throw invalidValue('amount', `Amount must be at least ${shown}`, 'amount_too_small');
  }
  if (amount > MAX_AMOUNT) throw invalidValue('amount', 'Amount must be no more than $999,999.99', 'amount_too_large');
  return amount;
}

function readEmail(p: Params, key: string): string | null | undefined {
  const email = p.emptyableString(key, { maxChars: 800 });
  if (typeof email === 'string' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    throw invalidValue(key, `Invalid email address: ${email}`, 'email_invalid');
  }
  return email;
}

/** The 402 Stripe answers for a declined card; the failed charge is stored and named in it. */
function cardDeclined(card: TestCard, chargeId: string): StripeApiError {
  const decline = card.decline!;
  return new StripeApiError(402, {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.declineCode,
    message: decline.message,
    charge: chargeId,
  });
}

/** Adds a captured charge's net amount to the balance: pending, or available for tok_bypassPending. */
function creditBalance(account: Account, charge: ChargeRecord, amountMinor: number): void {
  const fee = Math.round((amountMinor * FEE_PERCENT) / 100) + FEE_FIXED_MINOR;
  account.store(balanceLedger).add(charge.card.bypassPending ? 'available' : 'pending', charge.currency, amountMinor - fee);
}

function create(ctx: RequestContext): Stripe.Charge {
  const p = ctx.params;
  const currency = readCurrency(p);
  const amount = readAmount(p, currency);
  const capture = p.boolean('capture') ?? true;
  const customerId = p.nonEmptyString('customer');
  const description = p.emptyableString('description', { maxChars: 40_000 });
  const metadata = p.metadata();
  const receiptEmail = readEmail(p, 'receipt_email');
  const source = p.nonEmptyString('source');
  const statementDescriptor = readStatementDescriptor(p, 'statement_descriptor');
  const statementDescriptorSuffix = readStatementDescriptor(p, 'statement_descriptor_suffix');
  const transferGroup = p.nonEmptyString('transfer_group');
  p.finish();
  if (customerId !== undefined && ctx.account.store(customerStore).get(customerId) === undefined) {
    throw resourceMissing('customer', customerId, 'customer');
  }
  if (source === undefined) {
    // Customers here hold no saved cards, so a charge always needs a token.
    if (customerId !== undefined) {
      throw new StripeApiError(402, { type: 'card_error', code: 'missing', param: 'card', message: 'Cannot charge a customer that has no active card' });
    }
    throw missingParameter('source');
  }
  const card = testCard(source);
  if (card === undefined) throw resourceMissing('token', source, 'source');
  const declined = card.decline !== undefined;
  const charge: ChargeRecord = {
    id: newId('ch'),
    created: ctx.now,
    seq: ctx.account.nextSeq(),
    amount,
    amountCaptured: !declined && capture ? amount : 0,
    captured: !declined && capture,
    card,
    currency,
    customer: customerId ?? null,
    description: description ?? null,
    metadata: metadata ? applyMetadata({}, metadata) : NO_METADATA,
    receiptEmail: receiptEmail ?? null,
    statementDescriptor: statementDescriptor ?? null,
    statementDescriptorSuffix: statementDescriptorSuffix ?? null,
    status: declined ? 'failed' : 'succeeded',
    transferGroup: transferGroup ?? null,
  };
  ctx.account.store(chargeStore).insert(charge);
  if (declined) {
    ctx.emit('charge.failed', charge, renderCharge);
    throw cardDeclined(card, charge.id);
  }
  if (charge.captured) creditBalance(ctx.account, charge, amount);
  ctx.emit('charge.succeeded', charge, renderCharge);
  return renderCharge(charge);
}

function found(ctx: RequestContext): ChargeRecord {
  const charge = ctx.account.store(chargeStore).get(ctx.path.id!);
  if (charge === undefined) throw resourceMissing('charge', ctx.path.id!);
  return charge;
}

function retrieve(ctx: RequestContext): Stripe.Charge {
  ctx.params.finish();
  return renderCharge(found(ctx));
}

function update(ctx: RequestContext): Stripe.Charge {
  const p = ctx.params;
  const description = p.emptyableString('description', { maxChars: 40_000 });
  const metadata = p.metadata();
  const receiptEmail = readEmail(p, 'receipt_email');
  const transferGroup = p.nonEmptyString('transfer_group');
  p.finish();
  const before = found(ctx);
  const nextMetadata = applyMetadata(before.metadata, metadata);
  const after: ChargeRecord = {
    ...before,
    description: description === undefined ? before.description : description,
    metadata: Object.keys(nextMetadata).length === 0 ? NO_METADATA : nextMetadata,
    receiptEmail: receiptEmail === undefined ? before.receiptEmail : receiptEmail,
    transferGroup: transferGroup ?? before.transferGroup,
  };
  ctx.account.store(chargeStore).replace(after);
  ctx.emit('charge.updated', after, renderCharge, before);
  return renderCharge(after);
}

function capture(ctx: RequestContext): Stripe.Charge {
  const p = ctx.params;
  const amount = p.integer('amount', { min: 1 });
  const receiptEmail = readEmail(p, 'receipt_email');
  const statementDescriptor = readStatementDescriptor(p, 'statement_descriptor');
  const statementDescriptorSuffix = readStatementDescriptor(p, 'statement_descriptor_suffix');
  p.finish();
  const before = found(ctx);
  if (before.status === 'failed') {
    throw invalidValue('charge', `Charge ${before.id} has failed and cannot be captured.`, 'charge_not_capturable');
  }
  if (before.captured) {
    throw invalidValue('charge', `Charge ${before.id} has already been captured.`, 'charge_already_captured');
  }
  const captured = amount ?? before.amount;
  if (captured > before.amount) {
    throw invalidValue('amount', `Amount to capture (${captured}) is greater than the amount authorized (${before.amount}).`, 'amount_too_large');
  }
  if (captured < MIN_AMOUNT) {
    throw invalidValue('amount', `Amount must be at least ${MIN_AMOUNT} minor units`, 'amount_too_small');
  }
  const after: ChargeRecord = {
    ...before,
    amountCaptured: captured,
    captured: true,
    receiptEmail: receiptEmail === undefined ? before.receiptEmail : receiptEmail,
    statementDescriptor: statementDescriptor ?? before.statementDescriptor,
    statementDescriptorSuffix: statementDescriptorSuffix ?? before.statementDescriptorSuffix,
  };
  ctx.account.store(chargeStore).replace(after);
  creditBalance(ctx.account, after, captured);
  ctx.emit('charge.captured', after, renderCharge, before);
  return renderCharge(after);
}

function list(ctx: RequestContext): object {
  const p = ctx.params;
  const query = readListQuery(p);
  const customer = p.nonEmptyString('customer');
  const transferGroup = p.nonEmptyString('transfer_group');
  // No payment intents are emulated, so a payment_intent filter matches nothing.
  const paymentIntent = p.nonEmptyString('payment_intent');
  p.finish();
  const store = ctx.account.store(chargeStore);
  const collection = customer === undefined ? store : store.indexed('customer', customer);
  const where =
    paymentIntent !== undefined
      ? () => false
      : transferGroup === undefined
        ? undefined
        : (c: ChargeRecord) => c.transferGroup === transferGroup;
  return listPage('/v1/charges', query, { collection, keyOf: (id) => store.keyOf(id), objectName: 'charge', where }, renderCharge);
}

export const charges: ResourceModule = {
  routes: [
    { method: 'POST', path: '/v1/charges', permission: 'charge', handler: create },
    { method: 'GET', path: '/v1/charges', permission: 'charge', handler: list },
    { method: 'GET', path: '/v1/charges/:id', permission: 'charge', handler: retrieve },
    { method: 'POST', path: '/v1/charges/:id', permission: 'charge', handler: update },
    { method: 'POST', path: '/v1/charges/:id/capture', permission: 'charge', handler: capture },
  ],
  expanders: [
    {
      prefix: 'ch_',
      fields: ['charge'],
      retrieve: (account, id) => {
        const charge = account.store(chargeStore).get(id);
        return charge === undefined ? undefined : renderCharge(charge);
      },
    },
  ],
};
