// Product_Response exactly as DESIGN.md documents it; `null` wherever Stripe has no value.
import { Type, type Static } from '@sinclair/typebox';

export const ProductResponseSchema = Type.Object(
  {
    id: Type.String(),
    active: Type.Boolean(),
    caption: Type.Union([Type.String(), Type.Null()]),
    created: Type.String({ format: 'date-time' }),
    description: Type.Union([Type.String(), Type.Null()]),
    images: Type.Array(Type.String()),
    name: Type.String(),
    shippable: Type.Union([Type.Boolean(), Type.Null()]),
    updated: Type.String({ format: 'date-time' }),
    url: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'Product_Response', additionalProperties: false },
);

export type ProductResponse = Static<typeof ProductResponseSchema>;
