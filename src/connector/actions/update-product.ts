import { Type } from '@sinclair/typebox';
import { defineAction } from '../define.js';
import { toProductParams, toProductResponse } from '../mapping/product.js';
import { ProductCaption, ProductDescription, ProductId, ProductImages, ProductName, ProductUrl } from '../schemas/product-input.js';
import { ProductResponseSchema } from '../schemas/product.js';

export const updateProduct = defineAction({
  name: 'updateProduct',
  title: 'Update product',
  description: 'Changes a Stripe product. `name` is required, as in the original connector; an empty string unsets description, url, images or caption.',
  input: Type.Object(
    {
      id: ProductId,
      name: ProductName,
      active: Type.Optional(Type.Boolean()),
      caption: Type.Optional(ProductCaption),
      description: Type.Optional(ProductDescription),
      images: Type.Optional(ProductImages),
      shippable: Type.Optional(Type.Boolean()),
      url: Type.Optional(ProductUrl),
    },
    { additionalProperties: false },
  ),
  output: ProductResponseSchema,
  subject: 'product',
  async run({ stripe, idempotencyKey }, input) {
    const { id, ...fields } = input;
    const params = toProductParams(fields, 'update');
    return toProductResponse(await stripe.products.update(id, params, { idempotencyKey }));
  },
});
