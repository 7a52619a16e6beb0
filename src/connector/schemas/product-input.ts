// The documented product inputs (docs/field-mapping.md, "Inputs"), with the limits Stripe applies
// (Stripe OpenAPI: name, id and url ≤ 5000 characters, description ≤ 40000; metadata values, where
// caption lives, ≤ 500; at most 8 images).
import { Type } from '@sinclair/typebox';
import { MAX_PRODUCT_IMAGES } from '../mapping/product.js';
import { RULE } from '../../input-validator.js';

export const ProductId = Type.String({ minLength: 1, maxLength: 5000, description: 'The Stripe product id.' });
export const ProductName = Type.String({ minLength: 1, maxLength: 5000, description: "The product's name, shown to customers." });
export const ProductCaption = Type.String({
  maxLength: 500,
  description: 'A short one-line description, kept in the product metadata under "caption". An empty string removes it.',
});
export const ProductDescription = Type.String({ maxLength: 40000, description: 'Long description. An empty string unsets it on update.' });
export const ProductUrl = Type.Union([Type.Literal(''), Type.String({ format: 'uri', maxLength: 5000 })], {
  description: "A publicly reachable web page for the product. An empty string unsets it on update.",
});
export const ProductImages = Type.Union(
  [
    Type.Array(Type.String({ format: 'uri', maxLength: 5000 }), { maxItems: MAX_PRODUCT_IMAGES }),
    // 8 URLs of up to 5000 characters each, plus the commas.
    Type.String({ maxLength: MAX_PRODUCT_IMAGES * 5001 }),
  ],
  {
    description: `Up to ${MAX_PRODUCT_IMAGES} absolute image URLs, as a JSON array or one comma-separated string. Empty clears them on update.`,
    [RULE]: `must be a JSON array or a comma-separated string of at most ${MAX_PRODUCT_IMAGES} absolute http(s) URLs`,
  },
);
