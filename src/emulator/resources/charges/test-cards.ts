// Stripe's test-mode card tokens and what a charge with each one does. The facts come from
// Stripe's testing docs (docs.stripe.com/testing, /radar/testing, /declines/codes): card numbers'
// last four digits, the decline and error codes, the outcome's network status, reason, risk level,
// seller message and type. One shared, frozen object per token, so a million stored charges hold a
// pointer each rather than a copy.

export type RiskLevel = 'normal' | 'elevated' | 'highest';

export interface Decline {
  /** The error `code` and the charge's `failure_code`. */
  readonly code: string;
  readonly declineCode: string;
  /** The error `message` and the charge's `failure_message`. */
  readonly message: string;
  readonly networkStatus: 'declined_by_network' | 'not_sent_to_network';
  /** `outcome.type`: issuer_declined when the bank said no, blocked when Radar did. */
  readonly outcomeType: 'issuer_declined' | 'blocked';
  readonly outcomeReason: string;
  readonly sellerMessage: string;
}

export interface TestCard {
  readonly token: string;
  readonly brand: string;
  readonly last4: string;
  readonly funding: 'credit' | 'debit' | 'prepaid';
  readonly country: string;
  readonly riskLevel: RiskLevel;
  /** Set for tokens whose charges fail. */
  readonly decline?: Decline;
  /** tok_bypassPending: funds go straight to the available balance. */
  readonly bypassPending?: boolean;
}

const GENERIC_DECLINE_MESSAGE = 'Your card was declined.';

/** Stripe's seller message for an issuer decline that names its code. */
function bankReturned(declineCode: string): string {
  return `The bank returned the decline code \`${declineCode}\`.`;
}

function issuerDecline(code: string, declineCode: string, message: string): Decline {
  return {
    code,
    declineCode,
    message,
    networkStatus: 'declined_by_network',
    outcomeType: 'issuer_declined',
    outcomeReason: declineCode,
    sellerMessage: bankReturned(declineCode),
  };
}

const CARDS: TestCard[] = [
  { token: 'tok_visa', brand: 'Visa', last4: '4242', funding: 'credit', country: 'US', riskLevel: 'normal' },
  { token: 'tok_visa_debit', brand: 'Visa', last4: '5556', funding: 'debit', country: 'US', riskLevel: 'normal' },
  { token: 'tok_mastercard', brand: 'MasterCard', last4: '4444', funding: 'credit', country: 'US', riskLevel: 'normal' },
  { token: 'tok_mastercard_debit', brand: 'MasterCard', last4: '8210', funding: 'debit', country: 'US', riskLevel: 'normal' },
  { token: 'tok_mastercard_prepaid', brand: 'MasterCard', last4: '5100', funding: 'prepaid', country: 'US', riskLevel: 'normal' },
  // tok_amex is Stripe's 371449635398431 (the other Amex test number, 378282246310005, has no token).
  { token: 'tok_amex', brand: 'American Express', last4: '8431', funding: 'credit', country: 'US', riskLevel: 'normal' },
  { token: 'tok_discover', brand: 'Discover', last4: '1117', funding: 'credit', country: 'US', riskLevel: 'normal' },
  { token: 'tok_jcb', brand: 'JCB', last4: '0505', funding: 'credit', country: 'JP', riskLevel: 'normal' },
  { token: 'tok_bypassPending', brand: 'Visa', last4: '0077', funding: 'credit', country: 'US', riskLevel: 'normal', bypassPending: true },
  // "Results in a charge with a risk level of elevated" — it succeeds and goes to manual review.
  { token: 'tok_riskLevelElevated', brand: 'Visa', last4: '9235', funding: 'credit', country: 'US', riskLevel: 'elevated' },
  {
    token: 'tok_chargeDeclined',
    brand: 'Visa',
    last4: '0002',
    funding: 'credit',
    country: 'US',
    riskLevel: 'normal',
    decline: {
      ...issuerDecline('card_declined', 'generic_decline', GENERIC_DECLINE_MESSAGE),
      // A generic decline carries no bank code, so Stripe's seller message says so.
      sellerMessage: 'The bank did not return any further details with this decline.',
    },
  },
  {
    token: 'tok_chargeDeclinedInsufficientFunds',
    brand: 'Visa',
    last4: '9995',
    funding: 'credit',
    country: 'US',
    riskLevel: 'normal',
    decline: issuerDecline('card_declined', 'insufficient_funds', 'Your card has insufficient funds.'),
  },
  {
    token: 'tok_chargeDeclinedFraudulent',
    brand: 'Visa',
    last4: '0019',
    funding: 'credit',
    country: 'US',
    riskLevel: 'highest',
    // Blocked by Radar before the bank sees it: not_sent_to_network, and the customer-facing
    // message stays the generic one so a fraudster learns nothing.
    decline: {
      code: 'card_declined',
      declineCode: 'fraudulent',
      message: GENERIC_DECLINE_MESSAGE,
      networkStatus: 'not_sent_to_network',
      outcomeType: 'blocked',
      outcomeReason: 'highest_risk_level',
      sellerMessage: 'Stripe blocked this payment as too risky.',
    },
  },
  {
    token: 'tok_chargeDeclinedExpiredCard',
    brand: 'Visa',
    last4: '0069',
    funding: 'credit',
    country: 'US',
    riskLevel: 'normal',
    decline: issuerDecline('expired_card', 'expired_card', 'Your card has expired.'),
  },
  {
    token: 'tok_chargeDeclinedIncorrectCvc',
    brand: 'Visa',
    last4: '0127',
    funding: 'credit',
    country: 'US',
    riskLevel: 'normal',
    decline: issuerDecline('incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."),
  },
  {
    token: 'tok_chargeDeclinedProcessingError',
    brand: 'Visa',
    last4: '0119',
    funding: 'credit',
    country: 'US',
    riskLevel: 'normal',
    decline: issuerDecline(
      'processing_error',
      'processing_error',
      'An error occurred while processing your card. Try again in a little bit.',
    ),
  },
];

const BY_TOKEN = new Map(CARDS.map((card) => [card.token, Object.freeze(card)]));

export function testCard(token: string): TestCard | undefined {
  return BY_TOKEN.get(token);
}

/**
 * Radar's risk_score (0–99) for a charge. Stripe's is opaque; here it is derived from the charge id
 * so the same charge always shows the same score, inside the band Radar uses for the level:
 * normal < 65, elevated 65–74, highest ≥ 75.
 */
export function riskScore(chargeId: string, level: RiskLevel): number {
  let hash = 0;
  for (let i = 0; i < chargeId.length; i++) hash = (hash * 31 + chargeId.charCodeAt(i)) >>> 0;
  if (level === 'elevated') return 65 + (hash % 10);
  if (level === 'highest') return 75 + (hash % 25);
  return hash % 65;
}
