// A field that is always present and `null` when there is no value: the documented shapes carry
// every field, `null` when Stripe has no value (the documented contract), and so do the API's own views.
import { Type, type TSchema, type TUnion, type TNull } from '@sinclair/typebox';

export function nullable<T extends TSchema>(schema: T): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()]);
}
