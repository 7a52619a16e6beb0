// Today's Stripe product (API 2026-10-28.endive, stripe-node 23 types) → Product_Response, and
// the documented product inputs → Stripe parameters. docs/field-mapping.md is this file in prose.
import type Stripe from 'stripe';
import { invalidInput } from '../../errors.js';
import type { ProductResponse } from '../schemas/product.js';
import { toIsoTime } from '../../time.js';

/**
 * `caption` was a field of the retired `type=good` products and is gone from today's product
 * object (docs/field-mapping.md, "Inputs"); the connector keeps it in the product's metadata under this key.
 */
export const CAPTION_METADATA_KEY = 'caption';

/** Stripe: "A list of up to 8 URLs of images for this product". */
export const MAX_PRODUCT_IMAGES = 8;

export function toProductResponse(product: Stripe.Product): ProductResponse {
  return {
    id: product.id,
    active: product.active,
    caption: product.metadata?.[CAPTION_METADATA_KEY] ?? null,
    created: toIsoTime(product.created),
    description: product.description ?? null,
    images: product.images ?? [],
    name: product.name,
    shippable: product.shippable ?? null,
    updated: toIsoTime(product.updated),
    url: product.url ?? null,
  };
}

function isAbsoluteWebUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * `images` as documented: a JSON array or a comma-separated string of at most 8 absolute URLs.
 * An empty string or array means "no images" (on update: clear them, as Stripe's `images=""`).
 * A bad URL is named by its position in what was sent (`images.1`), in either form.
 */
export function parseProductImages(images: string | string[]): string[] {
  const given = (Array.isArray(images) ? images : images.split(','))
    .map((url, index) => ({ url: url.trim(), index }))
    .filter(({ url }) => url !== '');
  if (given.length > MAX_PRODUCT_IMAGES) {
    throw invalidInput([{ field: 'images', message: `must have at most ${MAX_PRODUCT_IMAGES} URLs (it has ${given.length})` }]);
  }
  const notAbsolute = given.find(({ url }) => !isAbsoluteWebUrl(url));
  if (notAbsolute !== undefined) {
    throw invalidInput([{ field: `images.${notAbsolute.index}`, message: `must be an absolute http(s) URL, not "${notAbsolute.url.slice(0, 200)}"` }]);
  }
  return given.map(({ url }) => url);
}

export interface ProductInputFields {
  name?: string;
  active?: boolean;
  caption?: string;
  description?: string;
  images?: string | string[];
  shippable?: boolean;
  url?: string;
}

/**
 * The Stripe parameters common to create and update. Absent inputs are left out (Stripe leaves
 * the field alone). On update an empty string unsets, as in Stripe: `description=""`, `url=""`,
 * `images=""`, and an empty caption becomes `metadata[caption]=""`, which removes that key. On
 * create there is nothing to unset, so empty strings are simply left out (Stripe refuses some).
 */
export function toProductParams(input: ProductInputFields, purpose: 'create' | 'update'): Stripe.ProductUpdateParams {
  const given = <T>(value: T | undefined): value is T => value !== undefined && !(purpose === 'create' && value === '');
  const params: Stripe.ProductUpdateParams = {};
  if (given(input.name)) params.name = input.name;
  if (given(input.active)) params.active = input.active;
  if (given(input.description)) params.description = input.description;
  if (given(input.shippable)) params.shippable = input.shippable;
  if (given(input.url)) params.url = input.url;
  if (given(input.caption)) params.metadata = { [CAPTION_METADATA_KEY]: input.caption };
  if (input.images !== undefined) {
    const images = parseProductImages(input.images);
    // Stripe clears a list with the empty string; an empty array would vanish in the form encoding.
    if (images.length > 0) params.images = images;
    else if (purpose === 'update') params.images = '';
  }
  return params;
}
