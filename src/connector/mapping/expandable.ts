// Stripe answers a related object as its id unless asked to expand it; the documented shapes
// always carry the id.
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}
