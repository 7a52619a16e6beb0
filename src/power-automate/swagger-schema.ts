// The connector's JSON Schemas (TypeBox, JSON Schema 2020-12 flavoured) as Swagger 2.0 schemas for
// a custom connector. Swagger 2.0 has no anyOf, null type or const, so: a union with null is its
// other member marked `x-nullable`; a union of literals is an enum; a union of an empty-string
// literal and a string (the "'' unsets it" inputs) is a plain string; any other union is its string
// member (images: a comma-separated string, which is what a flow step's text box gives). Every
// property gets `x-ms-summary` and `x-ms-visibility`, which Power Automate shows instead of the
// raw name. Everything is inlined: a `$ref` would lose the property's own summary.
import { fieldSummary } from './names.js';

export type Visibility = 'important' | 'none' | 'advanced' | 'internal';
export type SwaggerSchema = Record<string, unknown>;
type JsonSchema = Record<string, unknown>;

export interface ConvertOptions {
  /** The visibility of a property, by its name and whether it is required. */
  visibilityOf(name: string, required: boolean): Visibility;
}

const KEPT = ['type', 'format', 'enum', 'default', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern'] as const;

function isNull(schema: JsonSchema): boolean {
  return schema.type === 'null';
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** One member standing for a union that Swagger 2.0 cannot say. */
function collapseUnion(members: JsonSchema[], outer: JsonSchema): JsonSchema {
  const literals = members.filter((m) => 'const' in m);
  if (literals.length === members.length) {
    return { ...outer, type: typeof literals[0]!.const === 'number' ? 'number' : 'string', enum: literals.map((m) => m.const) };
  }
  const strings = members.filter((m) => m.type === 'string' && !('const' in m));
  const chosen = strings[0] ?? members.find((m) => !('const' in m)) ?? members[0]!;
  const { format: _dropped, ...withoutFormat } = chosen;
  // An empty-string literal beside a formatted string: '' must stay acceptable, so the format goes.
  const keepFormat = literals.length === 0;
  return { ...(keepFormat ? chosen : withoutFormat), ...(outer.description === undefined ? {} : { description: outer.description }) };
}

export function toSwaggerSchema(input: unknown, options: ConvertOptions): SwaggerSchema {
  let schema = input as JsonSchema;
  let nullable = false;
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union)) {
    const members = union.filter((m) => !isNull(m));
    nullable = members.length < union.length;
    const { anyOf: _a, oneOf: _o, ...outer } = schema;
    schema = members.length === 1 ? { ...members[0]!, ...(outer.description === undefined ? {} : { description: outer.description }) } : collapseUnion(members, outer);
    // A nested union (a nullable union of literals) collapses the same way.
    if (Array.isArray(schema.anyOf ?? schema.oneOf)) schema = toSwaggerSchema(schema, options);
  }
  if ('const' in schema) {
    schema = { ...schema, type: typeof schema.const === 'number' ? 'number' : typeof schema.const === 'boolean' ? 'boolean' : 'string', enum: [schema.const] };
  }

  const out: SwaggerSchema = {};
  for (const key of KEPT) if (schema[key] !== undefined) out[key] = schema[key];
  if (typeof schema.description === 'string') out.description = sentence(schema.description);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) out.example = schema.examples[0];
  if (nullable) out['x-nullable'] = true;

  if (schema.type === 'array' && schema.items !== undefined) {
    out.items = toSwaggerSchema(schema.items, options);
  }
  if (schema.type === 'object' || schema.properties !== undefined) {
    out.type = 'object';
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [
        name,
        {
          ...toSwaggerSchema(property, options),
          'x-ms-summary': fieldSummary(name),
          'x-ms-visibility': options.visibilityOf(name, required.has(name)),
        },
      ]),
    );
    if (required.size > 0) out.required = [...required];
  }
  return out;
}
