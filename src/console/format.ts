// How times and values read on screen: UTC, to the second, as the API stores them.
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function age(seconds: number | null): string {
  if (seconds === null) return 'none pending';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** An ISO time as a datetime-local input's value (UTC shown as UTC: the input has no zone). */
export function toInputTime(iso: string | null): string {
  return iso ? iso.slice(0, 16) : '';
}

/** A datetime-local input's value (read as UTC) as ISO 8601, or '' when empty or not a time. */
export function fromInputTime(value: string): string {
  if (value === '') return '';
  const parsed = new Date(value.length === 16 ? `${value}:00Z` : `${value}Z`);
  return Number.isNaN(parsed.getTime()) ? '' : parsed.toISOString();
}
