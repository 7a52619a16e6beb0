// Product_Response exactly as docs/field-mapping.md documents it; `null` wherever Stripe has no value.
import { Type, type Static } from '@sinclair/typebox';
import { nullable } from '../../nullable.js';

export const ProductResponseSchema = Type.Object(
  {
    id: Type.String(),
    active: Type.Boolean(),
    caption: nullable(Type.String()),
    created: Type.String({ format: 'date-time' }),
    description: nullable(Type.String()),
    images: Type.Array(Type.String()),
    name: Type.String(),
    shippable: nullable(Type.Boolean()),
    updated: Type.String({ format: 'date-time' }),
    url: nullable(Type.String()),
  },
  { title: 'Product_Response', additionalProperties: false },
);

export type ProductResponse = Static<typeof ProductResponseSchema>;
