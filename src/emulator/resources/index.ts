// Every Stripe resource the emulator answers. A new resource file adds its module here.
import type { ResourceModule } from '../context.js';
import { events } from '../events/events.js';
import { balance } from './balance.js';
import { charges } from './charges/charges.js';
import { coupons } from './coupons.js';
import { customers } from './customers/customers.js';
import { invoiceItems } from './invoice-items.js';
import { orders } from './orders.js';
import { products } from './products.js';
import { webhookEndpoints } from './webhook-endpoints/webhook-endpoints.js';

export const resources: ResourceModule[] = [customers, products, coupons, balance, invoiceItems, orders, events, charges, webhookEndpoints];
