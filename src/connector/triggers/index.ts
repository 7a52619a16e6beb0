// Every trigger the connector offers, in the order GET /api/operations lists them.
import type { TriggerDefinition } from '../define.js';
import { chargeAdded } from './charge-added.js';
import { customerAdded } from './customer-added.js';
import { invoiceItemAdded } from './invoice-item-added.js';
import { orderAdded } from './order-added.js';

export const triggers: TriggerDefinition[] = [chargeAdded, customerAdded, invoiceItemAdded, orderAdded];

export function findTrigger(name: string): TriggerDefinition | undefined {
  return triggers.find((trigger) => trigger.name === name);
}
