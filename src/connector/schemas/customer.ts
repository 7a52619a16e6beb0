// Customer_Response, Discount and Coupon exactly as DESIGN.md documents them; `null` wherever
// Stripe has no value. docs/field-mapping.md says where each field comes from.
import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const CouponSchema = Type.Object(
  {
    id: Type.String(),
    name: Nullable(Type.String()),
    // null only when the coupon could not be read back (docs/field-mapping.md, "Coupon").
    duration: Nullable(Type.Union([Type.Literal('forever'), Type.Literal('once'), Type.Literal('repeating')])),
    percent_off: Nullable(Type.Number()),
    amount_off: Nullable(Type.Number()),
  },
  { title: 'Coupon', additionalProperties: false },
);

export const DiscountSchema = Type.Object(
  {
    customer: Nullable(Type.String()),
    end: Nullable(Type.Integer({ description: 'unix seconds' })),
    start: Type.Integer({ description: 'unix seconds' }),
    subscription: Nullable(Type.String()),
    coupon: Nullable(CouponSchema),
  },
  { title: 'Discount', additionalProperties: false },
);

export const CustomerResponseSchema = Type.Object(
  {
    id: Type.String(),
    account_balance: Type.Integer({ description: "Stripe's balance, in the currency's minor unit" }),
    created: Type.String({ format: 'date-time' }),
    currency: Nullable(Type.String()),
    delinquent: Nullable(Type.Boolean()),
    description: Nullable(Type.String()),
    discount: Nullable(DiscountSchema),
    email: Nullable(Type.String()),
  },
  { title: 'Customer_Response', additionalProperties: false },
);

export type CouponOutput = Static<typeof CouponSchema>;
export type DiscountOutput = Static<typeof DiscountSchema>;
export type CustomerResponse = Static<typeof CustomerResponseSchema>;
