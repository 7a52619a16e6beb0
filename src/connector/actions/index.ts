// Every action the connector offers, in the order GET /api/operations lists them.
import type { ActionDefinition } from '../define.js';
import { createCustomer } from './create-customer.js';
import { getCustomer } from './get-customer.js';
import { updateCustomer } from './update-customer.js';
import { createProduct } from './create-product.js';
import { updateProduct } from './update-product.js';

export const actions: ActionDefinition[] = [
  createCustomer,
  getCustomer,
  updateCustomer,
  createProduct,
  updateProduct,
];
