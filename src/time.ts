// Stripe timestamps are unix seconds; the documented shapes (src/connector/mapping/) and the
// trigger events' `created` (src/delivery/) carry ISO 8601 in UTC (docs/field-mapping.md). Whole seconds only, so the form is 2026-11-26T05:00:00Z, as docs/field-mapping.md's
// example, without a ".000" Stripe's precision never fills.
export function toIsoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
