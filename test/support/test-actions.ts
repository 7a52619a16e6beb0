// Actions defined by the tests themselves, so the action service is exercised through its seam
// (ActionDefinition) independent of the real five. `standInCreateCustomer` writes through the real
// Stripe SDK; `failing` throws what an action might throw.
import { Type } from '@sinclair/typebox';
import { defineAction, type ActionDefinition } from '../../src/connector/define.js';
import { ConnectorError } from '../../src/errors.js';

export const standInCreateCustomer = defineAction({
  name: 'standInCreateCustomer',
  title: 'Create customer (test)',
  description: 'Creates a customer through the SDK',
  input: Type.Object({
    email: Type.Optional(Type.String({ format: 'email' })),
    description: Type.Optional(Type.String({ maxLength: 350 })),
    note: Type.Optional(Type.Object({ secret: Type.Optional(Type.String()), text: Type.Optional(Type.String()) })),
    count: Type.Optional(Type.Integer()),
  }),
  output: Type.Object({ id: Type.String(), email: Type.Union([Type.String(), Type.Null()]) }),
  async run({ stripe, idempotencyKey }, input) {
    const customer = await stripe.customers.create(
      { ...(input.email !== undefined ? { email: input.email } : {}), ...(input.description !== undefined ? { description: input.description } : {}) },
      { idempotencyKey },
    );
    return { id: customer.id, email: customer.email ?? null };
  },
});

export const failing = defineAction({
  name: 'failing',
  title: 'Always fails',
  description: 'Throws a conflict, or an unexpected error when asked',
  input: Type.Object({ unexpected: Type.Optional(Type.Boolean()) }),
  output: Type.Object({}),
  async run(_ctx, input) {
    if (input.unexpected) throw new Error('boom with sk_test_leaky1234567890 inside');
    throw new ConnectorError(409, 'conflict', 'Product "p1" exists already');
  },
});

export const testActions: ActionDefinition[] = [standInCreateCustomer, failing];
