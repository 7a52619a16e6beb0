// Validates a request body against an operation's input schema before anything runs: ajv with
// allErrors (every bad field at once), no type coercion and no removal of unknown fields, which are
// refused by name instead. Object schemas are closed (additionalProperties: false) unless they say
// otherwise, and the closed schema is the one published, so what validates is what is documented.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Type, type TSchema, type TString } from '@sinclair/typebox';
import { invalidInput, type FieldProblem } from './errors.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const ajv = addFormats(new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, strict: false, verbose: true }));

const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'];
const SCHEMA_VALUES = ['items', 'not', 'additionalProperties', 'if', 'then', 'else', 'contains'];

/** A copy of the schema where every object with `properties` refuses unknown fields unless it says otherwise. */
export function closeSchema<T>(schema: T): T {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const copy: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  for (const key of SCHEMA_LISTS) {
    if (Array.isArray(copy[key])) copy[key] = (copy[key] as unknown[]).map(closeSchema);
  }
  for (const key of SCHEMA_MAPS) {
    const map = copy[key];
    if (map !== null && typeof map === 'object') {
      copy[key] = Object.fromEntries(Object.entries(map).map(([name, inner]) => [name, closeSchema(inner)]));
    }
  }
  for (const key of SCHEMA_VALUES) {
    if (copy[key] !== null && typeof copy[key] === 'object') copy[key] = closeSchema(copy[key]);
  }
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy as T;
}

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  return path.length === 0 ? 'body' : path.join('.');
}

/**
 * The keyword a schema uses to say its rule in words where ajv's keyword cannot: the message when
 * its `pattern` fails (a user is told the rule, never the regular expression), and when a value
 * fits none of a union's forms. An OpenAPI extension (x-), so the published schema stays valid.
 */
export const RULE = 'x-rule';

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const FORMAT_WORDS: Record<string, string> = {
  email: 'an email address',
  uri: 'an absolute URL',
  'date-time': 'a date and time in ISO 8601 with a time zone, e.g. 2026-11-26T05:00:00Z',
};

function typeWords(types: readonly string[]): string {
  const words = [...new Set(types.map((type) => TYPE_WORDS[type] ?? type))];
  return words.length <= 1 ? (words[0] ?? 'a value') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}`;
}

function plural(count: number, one: string): string {
  return `${count} ${one}${count === 1 ? '' : 's'}`;
}

/** The value's JSON type in JSON Schema's words ('integer' for whole numbers, which are numbers too). */
function jsonTypesOf(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  return [typeof value];
}

function typesOfSchema(schema: SchemaNode): string[] {
  if ('const' in schema) return jsonTypesOf(schema.const).slice(0, 1);
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.flatMap((v) => jsonTypesOf(v).slice(0, 1)))];
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  return [];
}

interface SchemaNode {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  [RULE]?: string;
}

/**
 * The keyword of a query parameter that holds a whole number: query strings are text, so the
 * schema is a string, and this keyword checks that it is digits only and within the range.
 */
export const WHOLE_NUMBER = 'x-wholeNumber';

interface WholeNumberRange {
  minimum: number;
  maximum: number;
}

function wholeNumberRule({ minimum, maximum }: WholeNumberRange): string {
  return `must be a whole number from ${minimum} to ${maximum}`;
}

ajv.addKeyword({
  keyword: WHOLE_NUMBER,
  type: 'string',
  schemaType: 'object',
  errors: true,
  validate: function wholeNumber(range: WholeNumberRange, text: string): boolean {
    // At most 16 digits: Number is exact for every integer below 2^53 (9,007,199,254,740,992), far
    // beyond any range used here, and a longer text is refused without converting it.
    if (/^[0-9]{1,16}$/.test(text) && Number(text) >= range.minimum && Number(text) <= range.maximum) return true;
    (wholeNumber as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: WHOLE_NUMBER, message: wholeNumberRule(range), params: range }];
    return false;
  },
});

/** A query parameter holding a whole number from `minimum` to `maximum`, checked with WHOLE_NUMBER. */
export function wholeNumberText(range: WholeNumberRange, options: { description: string }): TString {
  return Type.String({ [WHOLE_NUMBER]: range, description: options.description });
}

/** One ajv error in words: the rule the value breaks, never a regular expression or a keyword. */
function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a known field';
    case 'required':
      return 'is required';
    case 'type':
      return `must be ${typeWords(Array.isArray(params.type) ? (params.type as string[]) : String(params.type).split(','))}`;
    case 'format':
      return `must be ${FORMAT_WORDS[String(params.format)] ?? `a valid ${String(params.format)}`}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${plural(Number(params.limit), 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(Number(params.limit), 'character')} long`;
    case 'minItems':
      return `must have at least ${plural(Number(params.limit), 'item')}`;
    case 'maxItems': {
      const count = Array.isArray(error.data) ? ` (it has ${error.data.length})` : '';
      return `must have at most ${plural(Number(params.limit), 'item')}${count}`;
    }
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(params.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(params.limit)}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return schema[RULE] ?? 'is not in the accepted form';
    case WHOLE_NUMBER:
      return error.message ?? wholeNumberRule(params as unknown as WholeNumberRange);
    default:
      // Keywords no schema here uses; ajv's own message names a limit, not a pattern.
      return error.message ?? 'is invalid';
  }
}

/**
 * A union (anyOf) fails once per branch, and the user needs the rule of the form they meant.
 * All branches constants (TypeBox's literal unions): the allowed values. Otherwise the branch
 * whose type the value has speaks, with the failing element named (`images.1`: must be an
 * absolute URL); constant branches a value of that type failed are not meant (`email: "nope"`
 * is an email address gone wrong, not an empty string gone wrong). A value no branch's type takes
 * is told the union's RULE, else the types. Unions are read outermost first, so a union inside
 * a kept branch is read too.
 */
function collapseUnions(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const replaced = new Map<ErrorObject, ErrorObject>();
  const unions = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (dropped.has(union)) continue;
    const inside = errors.filter((e) => e !== union && e.schemaPath.startsWith(`${union.schemaPath}/`));
    const branches = ((union.parentSchema as SchemaNode | undefined)?.anyOf ?? []);
    const constants = branches.every((b) => 'const' in b) ? branches.map((b) => JSON.stringify(b.const)) : [];
    if (constants.length > 0) {
      inside.forEach((e) => dropped.add(e));
      replaced.set(union, { ...union, message: `must be one of ${constants.join(', ')}` });
      continue;
    }
    const valueTypes = jsonTypesOf(union.data);
    const meant = branches
      .map((branch, index) => ({ branch, index }))
      .filter(({ branch }) => !('const' in branch) && typesOfSchema(branch).some((t) => valueTypes.includes(t)));
    if (meant.length === 1) {
      const prefix = `${union.schemaPath}/${meant[0]!.index}/`;
      inside.filter((e) => !e.schemaPath.startsWith(prefix)).forEach((e) => dropped.add(e));
      dropped.add(union);
      continue;
    }
    inside.forEach((e) => dropped.add(e));
    const rule = (union.parentSchema as SchemaNode | undefined)?.[RULE];
    replaced.set(union, { ...union, message: rule ?? `must be ${typeWords(branches.flatMap(typesOfSchema))}` });
  }
  return errors.filter((e) => !dropped.has(e)).map((e) => replaced.get(e) ?? e);
}

export function toFieldProblems(errors: ErrorObject[] | null | undefined): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of collapseUnions(errors ?? [])) {
    const problem = { field: fieldOf(error), message: error.keyword === 'anyOf' ? (error.message ?? 'is invalid') : messageOf(error) };
    const key = `${problem.field}\0${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

export interface InputValidator<T> {
  schema: TSchema;
  check(value: unknown): T;
}

export function compileValidator<T = unknown>(schema: TSchema, options: { prefix?: string } = {}): InputValidator<T> {
  const closed = closeSchema(schema);
  const validate: ValidateFunction = ajv.compile(closed);
  return {
    schema: closed,
    check(value) {
      if (validate(value)) return value as T;
      const problems = toFieldProblems(validate.errors);
      throw invalidInput(
        options.prefix ? problems.map((p) => ({ ...p, field: p.field === 'body' ? options.prefix! : `${options.prefix}.${p.field}` })) : problems,
      );
    },
  };
}
