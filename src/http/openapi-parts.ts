// The pieces every part of /openapi.json is written with (openapi.ts and the files it gathers), so
// a response, an error or a parameter is spelled one way throughout.

/** A TypeBox schema as plain JSON (TypeBox marks its objects with symbols the document must not carry). */
export function plain(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

export const json = (schema: unknown) => ({ content: { 'application/json': { schema: plain(schema) } } });
const errorRef = { $ref: '#/components/responses/Error' };
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [String(s), errorRef]));
export const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
// Query strings are validated as an object (compileValidator with prefix 'query'); each property is one parameter.
export const queryParams = (schema: unknown) =>
  Object.entries(plain(schema).properties as Record<string, unknown>).map(([name, property]) => ({ name, in: 'query', required: false, schema: property }));
