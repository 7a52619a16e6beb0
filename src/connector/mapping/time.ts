// Stripe stamps times as unix seconds; the documented shapes carry ISO 8601 in UTC, whole seconds,
// as DESIGN.md writes them ("2026-11-26T05:00:00Z"), since Stripe never has sub-second precision.
export function toIsoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The same for fields Stripe may leave empty. */
export function toIsoTimeOrNull(unixSeconds: number | null | undefined): string | null {
  return unixSeconds === null || unixSeconds === undefined ? null : toIsoTime(unixSeconds);
}
