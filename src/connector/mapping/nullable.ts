// The documented shapes carry every field, `null` when Stripe has no value (DESIGN.md).
import { Type, type TSchema, type TUnion, type TNull } from '@sinclair/typebox';

export function nullable<T extends TSchema>(schema: T): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()]);
}
