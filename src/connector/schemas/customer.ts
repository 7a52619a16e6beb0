// Customer_Response, Discount and Coupon exactly as docs/field-mapping.md documents them; `null` wherever
// Stripe has no value. docs/field-mapping.md says where each field comes from.
import { Type, type Static } from '@sinclair/typebox';
import { nullable } from '../../nullable.js';

export const CouponSchema = Type.Object(
  {
    id: Type.String(),
    name: nullable(Type.String()),
    // null only when the coupon could not be read back (docs/field-mapping.md, "Coupon").
    duration: nullable(Type.Union([Type.Literal('forever'), Type.Literal('once'), Type.Literal('repeating')])),
    percent_off: nullable(Type.Number()),
    amount_off: nullable(Type.Number()),
  },
  { title: 'Coupon', additionalProperties: false },
);

export const DiscountSchema = Type.Object(
  {
    customer: nullable(Type.String()),
    end: nullable(Type.Integer({ description: 'unix seconds' })),
    start: Type.Integer({ description: 'unix seconds' }),
    subscription: nullable(Type.String()),
    coupon: nullable(CouponSchema),
  },
  { title: 'Discount', additionalProperties: false },
);

export const CustomerResponseSchema = Type.Object(
  {
    id: Type.String(),
    account_balance: Type.Integer({ description: "Stripe's balance, in the currency's minor unit" }),
    created: Type.String({ format: 'date-time' }),
    currency: nullable(Type.String()),
    delinquent: nullable(Type.Boolean()),
    description: nullable(Type.String()),
    discount: nullable(DiscountSchema),
    email: nullable(Type.String()),
  },
  { title: 'Customer_Response', additionalProperties: false },
);

export type CouponOutput = Static<typeof CouponSchema>;
export type DiscountOutput = Static<typeof DiscountSchema>;
export type CustomerResponse = Static<typeof CustomerResponseSchema>;
