// How the connector's operations appear in Power Automate and Logic Apps: the certified Stripe
// connector's operationIds (so a flow built on it finds the same operations after the swap), and
// which fields it shows first. The connector's own names (createCustomer, chargeAdded …) stay the
// server's; this is the one place that maps them.

/** Action name → the certified connector's operationId. */
export const ACTION_OPERATION_IDS: Readonly<Record<string, string>> = {
  createCustomer: 'CreateCustomer',
  getCustomer: 'GetCustomer',
  updateCustomer: 'UpdateCustomer',
  createProduct: 'CreateProduct',
  updateProduct: 'UpdateProduct',
};

export interface TriggerNames {
  /** The certified connector's polling trigger. */
  polling: string;
  /** Its webhook ("instant") twin, which the certified connector does not have. */
  instant: string;
  /** The Stripe object in the user's words, for summaries: "charge". */
  noun: string;
}

export const TRIGGER_OPERATION_IDS: Readonly<Record<string, TriggerNames>> = {
  chargeAdded: { polling: 'OnNewCharge', instant: 'OnNewChargeInstant', noun: 'charge' },
  customerAdded: { polling: 'OnNewCustomer', instant: 'OnNewCustomerInstant', noun: 'customer' },
  invoiceItemAdded: { polling: 'OnNewInvoiceItem', instant: 'OnNewInvoiceItemInstant', noun: 'invoice item' },
  orderAdded: { polling: 'OnNewOrder', instant: 'OnNewOrderInstant', noun: 'order' },
};

/** Inputs the certified connector shows first (x-ms-visibility "important"); the rest are "advanced". */
export const IMPORTANT_INPUTS: Readonly<Record<string, readonly string[]>> = {
  createCustomer: ['email', 'description'],
  getCustomer: ['id'],
  updateCustomer: ['id', 'email', 'description'],
  createProduct: ['name', 'description'],
  updateProduct: ['id', 'name', 'description'],
};

/** Output fields shown first in the dynamic-content list; every other output field is "none" (shown after them). */
export const IMPORTANT_OUTPUTS: ReadonlySet<string> = new Set(['id', 'name', 'email', 'amount', 'currency', 'status', 'customer', 'created', 'description']);

const WORDS: Readonly<Record<string, string>> = { id: 'ID', url: 'URL' };

/** A field's label (x-ms-summary) from its name: account_balance → "Account balance", id → "ID". */
export function fieldSummary(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s]+/)
    .filter((word) => word !== '')
    .map((word) => WORDS[word.toLowerCase()] ?? word.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
