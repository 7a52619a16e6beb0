// A Stripe request path as a label: its template, with every id replaced by {id}, so the number of
// label values stays as small as the set of endpoints the connector calls.
//
// Stripe's paths alternate a resource and an id: /v1/customers/cus_123/sources/card_456. Ids cannot
// be told apart by their form (a product id is whatever the caller chose: /v1/products/my_product),
// so the rule is by position: after /v1 and any namespace (checkout, billing_portal, test_helpers …),
// the 1st, 3rd … segments are resource names, kept when they look like one (lowercase and _); the
// 2nd, 4th … are ids, except the few fixed words Stripe puts there (/v1/customers/search).

/** Stripe's namespaces: a segment before the resource, not a resource with an id after it. */
const NAMESPACES = new Set([
  'apps', 'billing', 'billing_portal', 'checkout', 'climate', 'entitlements', 'financial_connections', 'forwarding',
  'identity', 'issuing', 'radar', 'reporting', 'sigma', 'tax', 'terminal', 'test_helpers', 'treasury',
]);

/** Words in an id's position that are not ids. */
const FIXED_WORDS = new Set(['search', 'upcoming', 'preview']);

const RESOURCE = /^[a-z][a-z_]{0,39}$/;

/** Most segments kept: deeper paths end in "/…". */
const MAX_SEGMENTS = 6;

export function stripePathTemplate(path: string): string {
  const query = path.indexOf('?');
  const segments = (query === -1 ? path : path.slice(0, query)).split('/').slice(1);
  if (segments[0] !== 'v1' && segments[0] !== 'v2') return '/other';
  const out = [segments[0]];
  let position = 0;
  for (let i = 1; i < segments.length; i++) {
    if (out.length >= MAX_SEGMENTS) {
      out.push('…');
      break;
    }
    const segment = segments[i] as string;
    if (position === 0 && NAMESPACES.has(segment)) {
      out.push(segment);
      continue;
    }
    const isResourcePosition = position % 2 === 0;
    out.push(isResourcePosition ? (RESOURCE.test(segment) ? segment : '{id}') : FIXED_WORDS.has(segment) ? segment : '{id}');
    position += 1;
  }
  return `/${out.join('/')}`;
}
