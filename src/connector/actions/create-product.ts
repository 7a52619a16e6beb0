import { Type } from '@sinclair/typebox';
import type Stripe from 'stripe';
import { defineAction } from '../define.js';
import { toProductParams, toProductResponse } from '../mapping/product.js';
import { ProductCaption, ProductDescription, ProductId, ProductImages, ProductName, ProductUrl } from '../schemas/product-input.js';
import { ProductResponseSchema } from '../schemas/product.js';

export const createProduct = defineAction({
  name: 'createProduct',
  title: 'Create product',
  description: 'Creates a Stripe product. A product id that exists already is a 409.',
  input: Type.Object(
    {
      name: ProductName,
      id: Type.Optional(ProductId),
      active: Type.Optional(Type.Boolean({ default: true, description: 'Default true.' })),
      caption: Type.Optional(ProductCaption),
      description: Type.Optional(ProductDescription),
      images: Type.Optional(ProductImages),
      shippable: Type.Optional(Type.Boolean({ default: true, description: 'Default true.' })),
      url: Type.Optional(ProductUrl),
    },
    { additionalProperties: false },
  ),
  output: ProductResponseSchema,
  subject: 'product',
  async run({ stripe, idempotencyKey }, input) {
    const params: Stripe.ProductCreateParams = {
      ...(toProductParams(input, 'create') as Stripe.ProductCreateParams),
      name: input.name,
      // The documented defaults, sent explicitly: Stripe's own default for shippable is null.
      active: input.active ?? true,
      shippable: input.shippable ?? true,
      ...(input.id ? { id: input.id } : {}),
    };
    return toProductResponse(await stripe.products.create(params, { idempotencyKey }));
  },
});
