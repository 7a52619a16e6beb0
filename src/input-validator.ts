// Validates a request body against an operation's input schema before anything runs: ajv with
// allErrors (every bad field at once), no type coercion and no removal of unknown fields, which are
// refused by name instead. Object schemas are closed (additionalProperties: false) unless they say
// otherwise, and the closed schema is the one published, so what validates is what is documented.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
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

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not a known field';
  if (error.keyword === 'required') return 'is required';
  return error.message ?? 'is invalid';
}

// A union (anyOf) fails once per branch; the user needs one message: the allowed values when every
// branch is a constant (TypeBox's literal unions), else that no allowed form matched.
function collapseUnions(errors: ErrorObject[]): ErrorObject[] {
  const unionPaths = new Map<string, ErrorObject>();
  for (const error of errors) if (error.keyword === 'anyOf') unionPaths.set(error.instancePath, error);
  const insideUnion = (path: string) => [...unionPaths.keys()].some((u) => path === u || path.startsWith(`${u}/`));
  const kept = errors.filter((error) => error.keyword === 'anyOf' || !insideUnion(error.instancePath));
  return kept.map((error) => {
    if (error.keyword !== 'anyOf') return error;
    const branches = ((error.parentSchema as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf ?? []);
    const constants = branches.every((b) => 'const' in b) ? branches.map((b) => JSON.stringify(b.const)) : [];
    return { ...error, message: constants.length > 0 ? `must be one of ${constants.join(', ')}` : 'does not match any allowed form' };
  });
}

export function toFieldProblems(errors: ErrorObject[] | null | undefined): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const error of collapseUnions(errors ?? [])) {
    const problem = { field: fieldOf(error), message: messageOf(error) };
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
