// `run OPERATION --email a@b.c --active false`: turns --field value pairs into an action input,
// typed by the operation's published input schema, so `false` reaches a boolean field as false
// while "123" reaches a string field as "123" (the server never coerces types).
import { CliError } from './api-client.js';

interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
}

function typesOf(schema: JsonSchema | undefined): Set<string> {
  const types = new Set<string>();
  if (!schema) return types;
  for (const type of [schema.type ?? []].flat()) types.add(type);
  for (const branch of schema.anyOf ?? []) for (const type of typesOf(branch)) types.add(type);
  return types;
}

function typedValue(raw: string, schema: JsonSchema | undefined): unknown {
  const types = typesOf(schema);
  if (types.size === 0 || types.has('string')) return raw;
  if (types.has('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if ((types.has('integer') || types.has('number')) && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (types.has('array') || types.has('object') || types.has('null')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

export function parseFieldArguments(args: string[], inputSchema: JsonSchema | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new CliError(`Unexpected argument "${arg}": fields are given as --name value`);
    const name = match[1] as string;
    let raw = match[2];
    if (raw === undefined) {
      raw = args[i + 1];
      if (raw === undefined) throw new CliError(`--${name} needs a value`);
      i++;
    }
    input[name] = typedValue(raw, inputSchema?.properties?.[name]);
  }
  return input;
}
