// Checks of option values shared by the commands. A bad value is a CliError naming the option
// (exit 1, like a refusal by the server), before anything is sent.
import { CliError } from './api-client.js';
import { MAX_PAGE_SIZE } from '../page-size.js';

export function wholeNumber(value: string, option: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) throw new CliError(`${option} must be a whole number from ${min} to ${max}`);
  return parsed;
}

/** `--limit` of a list command, checked here so that the message names the option, not the query field. */
export function pageLimit(value: string | undefined): number | undefined {
  return value === undefined ? undefined : wholeNumber(value, '--limit', 1, MAX_PAGE_SIZE);
}

/** A query string from the parameters that are set: `?a=1&b=x`, or '' when none is. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}
