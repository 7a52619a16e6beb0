// The documented customer inputs (docs/field-mapping.md, "Inputs"), with the limits Stripe applies
// (Stripe OpenAPI: description ≤ 5000 characters, email ≤ 512), so a bad value is refused before
// any Stripe call and the error names the field.
import { Type } from '@sinclair/typebox';

/** An empty string unsets the field on update (Stripe semantics); on create it is the same as absent. */
export const CustomerDescription = Type.String({ maxLength: 5000, description: 'Free text. An empty string unsets it.' });

export const CustomerEmail = Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 512 })], {
  description: "The customer's email address. An empty string unsets it.",
});

/** Stripe object ids are at most 5000 characters (Stripe OpenAPI); the SDK URL-encodes them. */
export const CustomerId = Type.String({ minLength: 1, maxLength: 5000, description: 'The Stripe customer id, cus_…' });
