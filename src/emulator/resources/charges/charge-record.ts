// How a charge is stored (compact, immutable) and shown (Stripe.Charge, today's shape). Bulk create
// puts a million of these in one account, so the record keeps only what varies: the card is a
// pointer to the shared test-card entry, and ids of the charge's card, balance transaction and
// review are derived from the charge id rather than stored.
import type Stripe from 'stripe';
import { defineStore } from '../../account.js';
import { Collection, type Listed } from '../../list/collection.js';
import { riskScore, type TestCard } from './test-cards.js';

export interface ChargeRecord extends Listed {
  readonly amount: number;
  readonly amountCaptured: number;
  readonly captured: boolean;
  readonly card: TestCard;
  readonly currency: string;
  readonly customer: string | null;
  readonly description: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly receiptEmail: string | null;
  readonly statementDescriptor: string | null;
  readonly statementDescriptorSuffix: string | null;
  readonly status: 'succeeded' | 'failed';
  readonly transferGroup: string | null;
}

/** `customer` is an index: the list filter `customer=` walks only that customer's charges. */
export const chargeStore = defineStore(
  'charges',
  () => new Collection<ChargeRecord>({ customer: (c) => c.customer }),
);

/** Shared by every charge without metadata, so bulk-created charges allocate none. */
export const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/** Stripe shows the account's descriptor when a charge sets none; the emulator's accounts have this one. */
const ACCOUNT_STATEMENT_DESCRIPTOR = 'STRIPE EMULATOR';
/** Test tokens expire at the end of next year, as Stripe's do. */
const CARD_EXP_MONTH = 12;

function suffixOf(id: string): string {
  return id.slice(id.indexOf('_') + 1);
}

export function cardIdOf(c: ChargeRecord): string {
  return `card_${suffixOf(c.id)}`;
}

function cardExpYear(c: ChargeRecord): number {
  return new Date(c.created * 1000).getUTCFullYear() + 1;
}

function outcome(c: ChargeRecord): Stripe.Charge.Outcome {
  const decline = c.card.decline;
  const level = c.card.riskLevel;
  const base = { advice_code: null, network_advice_code: null, network_decline_code: null, risk_level: level, risk_score: riskScore(c.id, level) };
  if (decline !== undefined) {
    return {
      ...base,
      network_status: decline.networkStatus,
      reason: decline.outcomeReason,
      seller_message: decline.sellerMessage,
      type: decline.outcomeType,
    };
  }
  if (level === 'elevated') {
    return {
      ...base,
      network_status: 'approved_by_network',
      reason: 'elevated_risk_level',
      seller_message: 'Stripe evaluated this payment as having elevated risk, and placed it in your manual review queue.',
      type: 'manual_review',
    };
  }
  return { ...base, network_status: 'approved_by_network', reason: null, seller_message: 'Payment complete.', type: 'authorized' };
}

function renderCard(c: ChargeRecord): Stripe.Card {
  return {
    id: cardIdOf(c),
    object: 'card',
    address_city: null,
    address_country: null,
    address_line1: null,
    address_line1_check: null,
    address_line2: null,
    address_state: null,
    address_zip: null,
    address_zip_check: null,
    brand: c.card.brand,
    country: c.card.country,
    customer: null,
    cvc_check: c.card.decline?.code === 'incorrect_cvc' ? 'fail' : null,
    dynamic_last4: null,
    exp_month: CARD_EXP_MONTH,
    exp_year: cardExpYear(c),
    funding: c.card.funding,
    last4: c.card.last4,
    metadata: {},
    name: null,
    regulated_status: null,
    tokenization_method: null,
  };
}

/** payment_method_details names brands in Stripe's lower-case network form (visa, mastercard, amex). */
function networkOf(card: TestCard): string {
  return card.brand === 'American Express' ? 'amex' : card.brand.toLowerCase();
}

function paymentMethodDetails(c: ChargeRecord): Stripe.Charge.PaymentMethodDetails {
  return {
    type: 'card',
    card: {
      amount_authorized: c.status === 'succeeded' ? c.amount : null,
      authorization_code: null,
      brand: networkOf(c.card),
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: c.card.decline?.code === 'incorrect_cvc' ? 'fail' : null },
      country: c.card.country,
      electronic_commerce_indicator: null,
      exp_month: CARD_EXP_MONTH,
      exp_year: cardExpYear(c),
      funding: c.card.funding,
      installments: null,
      last4: c.card.last4,
      mandate: null,
      network: networkOf(c.card),
      network_transaction_id: null,
      regulated_status: null,
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}

export function renderCharge(c: ChargeRecord): Stripe.Charge {
  const succeeded = c.status === 'succeeded';
  const suffix = suffixOf(c.id);
  return {
    id: c.id,
    object: 'charge',
    amount: c.amount,
    amount_captured: c.amountCaptured,
    // Capturing less than was authorised releases (refunds) the rest, as Stripe does.
    amount_refunded: c.captured ? c.amount - c.amountCaptured : 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded && c.captured ? `txn_${suffix}` : null,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: c.statementDescriptor ?? ACCOUNT_STATEMENT_DESCRIPTOR,
    captured: c.captured,
    created: c.created,
    currency: c.currency,
    customer: c.customer,
    description: c.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: c.card.decline?.code ?? null,
    failure_message: c.card.decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...c.metadata },
    on_behalf_of: null,
    outcome: outcome(c),
    paid: succeeded,
    payment_intent: null,
    payment_method: cardIdOf(c),
    payment_method_details: paymentMethodDetails(c),
    receipt_email: c.receiptEmail,
    receipt_number: null,
    receipt_url: null,
    // No refunds are emulated; a partial capture's released rest is not a refund in Stripe either.
    refunded: false,
    review: succeeded && c.card.riskLevel === 'elevated' ? `prv_${suffix}` : null,
    shipping: null,
    source: renderCard(c),
    source_transfer: null,
    statement_descriptor: c.statementDescriptor,
    statement_descriptor_suffix: c.statementDescriptorSuffix,
    status: c.status,
    transfer_data: null,
    transfer_group: c.transferGroup,
  };
}
