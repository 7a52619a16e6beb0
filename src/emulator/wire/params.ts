// Reads request parameters the way Stripe does: every value arrives as a string (form encoding),
// so integers and booleans are parsed here ("false" is the boolean false), an empty string means
// "unset", and any parameter a handler did not read is refused with "Received unknown parameter".
import {
  invalidBoolean,
  invalidEmpty,
  invalidEnum,
  invalidInteger,
  invalidString,
  invalidValue,
  missingParameter,
  unknownParameter,
} from './errors.js';

type Raw = Record<string, unknown>;

/** Stripe's metadata limits: 50 keys, key ≤ 40 characters, value ≤ 500 characters. */
const METADATA_MAX_KEYS = 50;
const METADATA_KEY_MAX_CHARS = 40;
const METADATA_VALUE_MAX_CHARS = 500;
/** Stripe's ordinary string parameters allow 5000 characters. */
const STRING_MAX_CHARS = 5000;

export class Params {
  private readonly read = new Set<string>();
  /** Set by finish(); the server checks it so no handler can skip the unknown-parameter rule. */
  finished = false;

  constructor(
    private readonly raw: Raw,
    /** Bracketed path of this object inside the request, '' at the root. */
    private readonly prefix = '',
  ) {}

  name(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}[${key}]`;
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.raw, key);
  }

  /** Marks a parameter as understood without reading it (e.g. `expand`, handled centrally). */
  accept(key: string): unknown {
    this.read.add(key);
    return this.raw[key];
  }

  string(key: string, options: { required?: boolean; maxChars?: number } = {}): string | undefined {
    const value = this.accept(key);
    if (value === undefined) {
      if (options.required) throw missingParameter(this.name(key));
      return undefined;
    }
    if (typeof value !== 'string') throw invalidString(this.name(key));
    if (value === '' && options.required) throw invalidEmpty(this.name(key));
    const max = options.maxChars ?? STRING_MAX_CHARS;
    if (value.length > max) {
      throw invalidValue(this.name(key), `Invalid ${this.name(key)}: must be at most ${max} characters`);
    }
    return value;
  }

  /** A string that may be unset with '': undefined = absent, null = unset. */
  emptyableString(key: string, options: { maxChars?: number } = {}): string | null | undefined {
    const value = this.string(key, options);
    return value === '' ? null : value;
  }

  /** A non-empty string; '' is Stripe's "cannot be unset" error. */
  requiredNonEmpty(key: string): string {
    const value = this.string(key, { required: true });
    return value!;
  }

  nonEmptyString(key: string): string | undefined {
    const value = this.string(key);
    if (value === '') throw invalidEmpty(this.name(key));
    return value;
  }

  integer(key: string, options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const value = this.accept(key);
    if (value === undefined) {
      if (options.required) throw missingParameter(this.name(key));
      return undefined;
    }
    if (value === '') throw invalidEmpty(this.name(key));
    if (typeof value !== 'string' || !/^-?\d{1,16}$/.test(value)) throw invalidInteger(this.name(key), value);
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw invalidInteger(this.name(key), value);
    if (options.min !== undefined && n < options.min) {
      throw invalidValue(this.name(key), `This value must be greater than or equal to ${options.min}.`);
    }
    if (options.max !== undefined && n > options.max) {
      throw invalidValue(this.name(key), `This value must be less than or equal to ${options.max}.`);
    }
    return n;
  }

  /** A decimal number such as `percent_off=12.5`. */
  decimal(key: string, options: { min?: number; max?: number } = {}): number | undefined {
    const value = this.accept(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) {
      throw invalidValue(this.name(key), `Invalid decimal: ${String(value)}`);
    }
    const n = Number(value);
    if ((options.min !== undefined && n < options.min) || (options.max !== undefined && n > options.max)) {
      throw invalidValue(this.name(key), `Invalid ${this.name(key)}: must be between ${options.min} and ${options.max}`);
    }
    return n;
  }

  boolean(key: string): boolean | undefined {
    const value = this.accept(key);
    if (value === undefined) return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw invalidBoolean(this.name(key), value);
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], options: { required?: boolean } = {}): T | undefined {
    const value = this.string(key, options);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw invalidEnum(this.name(key), value, allowed);
    return value as T;
  }

  /** An array sent as `k[0]=a&k[1]=b` or `k[]=a`; '' unsets it (null). */
  stringArray(key: string, options: { maxItems?: number } = {}): string[] | null | undefined {
    const value = this.accept(key);
    if (value === undefined) return undefined;
    if (value === '') return null;
    const items = asArray(value);
    if (items === undefined || items.some((item) => typeof item !== 'string')) {
      throw invalidValue(this.name(key), `Invalid array: ${this.name(key)} must be an array of strings`);
    }
    if (options.maxItems !== undefined && items.length > options.maxItems) {
      throw invalidValue(this.name(key), `Invalid ${this.name(key)}: must have at most ${options.maxItems} items`);
    }
    return items as string[];
  }

  /** An array of hashes, e.g. `items[0][amount]=…`. */
  objectArray(key: string): Params[] | undefined {
    const value = this.accept(key);
    if (value === undefined) return undefined;
    const items = asArray(value);
    if (items === undefined || items.some((item) => !isPlainObject(item))) {
      throw invalidValue(this.name(key), `Invalid array: ${this.name(key)} must be an array of hashes`);
    }
    return items.map((item, i) => new Params(item as Raw, `${this.name(key)}[${i}]`));
  }

  /** A nested hash; '' unsets it (null). */
  object(key: string): Params | null | undefined {
    const value = this.accept(key);
    if (value === undefined) return undefined;
    if (value === '') return null;
    if (!isPlainObject(value)) throw invalidValue(this.name(key), `Invalid hash: ${this.name(key)} must be a hash`);
    return new Params(value as Raw, this.name(key));
  }

  /**
   * Metadata changes as Stripe applies them: `metadata=` clears every key (null), `metadata[k]=`
   * removes one key (value null), anything else sets it.
   */
  metadata(key = 'metadata'): Record<string, string | null> | null | undefined {
    const value = this.accept(key);
    if (value === undefined) return undefined;
    if (value === '') return null;
    if (!isPlainObject(value)) throw invalidValue(this.name(key), `Invalid hash: ${this.name(key)} must be a hash`);
    const entries = Object.entries(value as Raw);
    if (entries.length > METADATA_MAX_KEYS) {
      throw invalidValue(this.name(key), `Invalid ${this.name(key)}: at most ${METADATA_MAX_KEYS} keys are allowed`);
    }
    const changes: Record<string, string | null> = {};
    for (const [k, v] of entries) {
      const param = `${this.name(key)}[${k}]`;
      if (typeof v !== 'string') throw invalidString(param);
      if (k.length > METADATA_KEY_MAX_CHARS) {
        throw invalidValue(param, `Metadata keys can have up to ${METADATA_KEY_MAX_CHARS} characters; '${k}' has ${k.length}.`);
      }
      if (v.length > METADATA_VALUE_MAX_CHARS) {
        throw invalidValue(param, `Metadata values can have up to ${METADATA_VALUE_MAX_CHARS} characters, but you passed in a value that is ${v.length} characters.`);
      }
      changes[k] = v === '' ? null : v;
    }
    return changes;
  }

  /** Refuses the first parameter no reader asked for, as Stripe does. Call after reading everything. */
  finish(): void {
    this.finished = true;
    for (const key of Object.keys(this.raw)) {
      if (!this.read.has(key)) throw unknownParameter(this.name(key));
    }
  }
}

/** Applies metadata changes (see Params.metadata) to the stored metadata, returning a new object. */
export function applyMetadata(
  current: Readonly<Record<string, string>>,
  changes: Record<string, string | null> | null | undefined,
): Record<string, string> {
  if (changes === undefined) return current as Record<string, string>;
  if (changes === null) return {};
  const next: Record<string, string> = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > METADATA_MAX_KEYS) {
    throw invalidValue('metadata', `Invalid metadata: at most ${METADATA_MAX_KEYS} keys are allowed`);
  }
  return next;
}

function asArray(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  // qs yields an object for sparse or very long index lists (`k[0]=…&k[200]=…`).
  if (isPlainObject(value)) {
    const keys = Object.keys(value as Raw);
    if (keys.every((k) => /^\d+$/.test(k))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => (value as Raw)[k]);
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
