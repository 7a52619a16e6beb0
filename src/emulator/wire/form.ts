// Stripe's wire format for parameters: application/x-www-form-urlencoded with bracket nesting
// (`metadata[k]=v`, `images[0]=…`, `expand[]=…`), the same in POST bodies and GET query strings.
import qs from 'qs';

/**
 * qs turns `a[21]=x` into an object once an index passes `arrayLimit` (default 20); Stripe's
 * longest arrays here are 25 order items and 100 expand paths, so 100 keeps them arrays.
 * Depth 5 covers Stripe's deepest nesting in these resources (items[0][parent] …).
 */
const OPTIONS: qs.IParseOptions = { arrayLimit: 100, depth: 5, parameterLimit: 1000, allowDots: false };

export function parseForm(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  return qs.parse(text, OPTIONS) as Record<string, unknown>;
}
