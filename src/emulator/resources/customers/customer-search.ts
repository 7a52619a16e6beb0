// Stripe's search query language for customers, the part this emulator understands:
// clauses `field:'value'` (exact, case-insensitive), `field~'value'` (substring, at least 3
// characters), `-field:'value'` (negation), `metadata['key']:'value'`, and `created>N` (also
// <, >=, <=, =), joined by AND or by OR (not both, at most 10 clauses), as Stripe allows.
import { invalidValue } from '../../wire/errors.js';
import type { CustomerRecord } from './customer-record.js';

type Predicate = (c: CustomerRecord) => boolean;

const TEXT_FIELDS = {
  email: (c: CustomerRecord) => c.email,
  name: (c: CustomerRecord) => c.name,
  phone: (c: CustomerRecord) => c.phone,
  description: (c: CustomerRecord) => c.description,
} as const;

/** Stripe allows at most 10 clauses per query. */
const MAX_CLAUSES = 10;
/** Substring matches (`~`) need at least 3 characters in Stripe. */
const MIN_SUBSTRING_CHARS = 3;

const CLAUSE =
  /^\s*(-?)(?:metadata\[(['"])(.+?)\2\]|([a-z_]+))\s*(:|~|>=|<=|>|<|=)\s*(?:(['"])(.*?)\6|(-?\d+))\s*/;

export function parseCustomerQuery(query: string): Predicate {
  let rest = query.trim();
  if (rest === '') throw badQuery('the query is empty');
  const clauses: Predicate[] = [];
  let joiner: 'AND' | 'OR' | undefined;
  for (;;) {
    const match = CLAUSE.exec(rest);
    if (match === null) throw badQuery(`could not parse "${rest.slice(0, 40)}"`);
    clauses.push(clause(match));
    rest = rest.slice(match[0].length);
    if (rest === '') break;
    const join = /^(AND|OR)\s+/.exec(rest);
    if (join === null) throw badQuery(`expected AND or OR before "${rest.slice(0, 40)}"`);
    if (joiner !== undefined && joiner !== join[1]) throw badQuery('AND and OR cannot be combined in one query');
    joiner = join[1] as 'AND' | 'OR';
    rest = rest.slice(join[0].length);
  }
  if (clauses.length > MAX_CLAUSES) throw badQuery(`at most ${MAX_CLAUSES} clauses are allowed`);
  if (joiner === 'OR') return (c) => clauses.some((p) => p(c));
  return (c) => clauses.every((p) => p(c));
}

function clause(match: RegExpExecArray): Predicate {
  const [, negate, , metadataKey, field, op, , quoted, number] = match;
  const positive = predicate(metadataKey, field, op!, quoted, number);
  return negate === '-' ? (c) => !positive(c) : positive;
}

function predicate(
  metadataKey: string | undefined,
  field: string | undefined,
  op: string,
  quoted: string | undefined,
  number: string | undefined,
): Predicate {
  if (field === 'created') {
    if (number === undefined) throw badQuery('created takes an integer timestamp');
    const t = Number(number);
    switch (op) {
      case '>': return (c) => c.created > t;
      case '>=': return (c) => c.created >= t;
      case '<': return (c) => c.created < t;
      case '<=': return (c) => c.created <= t;
      case ':':
      case '=': return (c) => c.created === t;
      default: throw badQuery(`created does not take ${op}`);
    }
  }
  if (quoted === undefined) throw badQuery('values must be quoted');
  const want = quoted.toLowerCase();
  const read: (c: CustomerRecord) => string | null | undefined =
    metadataKey !== undefined
      ? (c) => c.metadata[metadataKey]
      : field !== undefined && field in TEXT_FIELDS
        ? TEXT_FIELDS[field as keyof typeof TEXT_FIELDS]
        : unknownField(field);
  if (op === ':') return (c) => read(c)?.toLowerCase() === want;
  if (op === '~') {
    if (want.length < MIN_SUBSTRING_CHARS) throw badQuery(`~ needs at least ${MIN_SUBSTRING_CHARS} characters`);
    return (c) => read(c)?.toLowerCase().includes(want) ?? false;
  }
  throw badQuery(`${field ?? 'metadata'} does not take ${op}`);
}

function unknownField(field: string | undefined): never {
  throw badQuery(`${field} is not a searchable customer field (email, name, phone, description, metadata, created)`);
}

function badQuery(detail: string) {
  return invalidValue('query', `Invalid search query: ${detail}.`);
}
