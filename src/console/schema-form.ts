// A form generated from an action's input JSON Schema (GET /api/operations): one control per
// property, by type; required fields marked; a list (the images) as repeatable URL fields. Only
// fields the user touched are sent, so an untouched optional field keeps Stripe's default and an
// emptied one sends "" (which unsets it on an update, as the schema's description says).
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { JsonSchema } from './types.js';
import { Field, problemsFor } from './ui.js';

type Kind = { type: 'text'; format: string | undefined } | { type: 'number'; integer: boolean } | { type: 'boolean' } | { type: 'list'; max: number | undefined };

export function kindOf(schema: JsonSchema): Kind {
  if (schema.type === 'boolean') return { type: 'boolean' };
  if (schema.type === 'integer' || schema.type === 'number') return { type: 'number', integer: schema.type === 'integer' };
  const array = schema.type === 'array' ? schema : schema.anyOf?.find((s) => s.type === 'array');
  if (array) return { type: 'list', max: array.maxItems };
  const formatted = [schema, ...(schema.anyOf ?? [])].find((s) => s.format !== undefined);
  return { type: 'text', format: formatted?.format };
}

export type FormValues = Record<string, string | string[]>;

/** The request body: touched fields only, each as its schema's type. */
export function bodyOf(schema: JsonSchema, values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const value = values[name];
    if (value === undefined) continue;
    const kind = kindOf(property);
    if (kind.type === 'list') body[name] = (value as string[]).map((v) => v.trim()).filter((v) => v !== '');
    else if (kind.type === 'boolean') {
      if (value !== '') body[name] = value === 'true';
    } else if (kind.type === 'number') {
      if (value !== '') body[name] = Number(value);
    } else body[name] = value;
  }
  return body;
}

const INPUT_TYPES: Record<string, string> = { email: 'email', uri: 'url', 'date-time': 'text' };

export function SchemaForm({ schema, values, onChange, error }: { schema: JsonSchema; values: FormValues; onChange: (values: FormValues) => void; error: unknown }): VNode {
  const required = new Set(schema.required ?? []);
  const set = (name: string, value: string | string[]) => onChange({ ...values, [name]: value });
  return html`${Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const kind = kindOf(property);
    const problems = problemsFor(error, name);
    const hint = property.description;
    if (kind.type === 'list') {
      const list = (values[name] as string[] | undefined) ?? [''];
      return html`<fieldset class=${`field list${problems.length > 0 ? ' invalid' : ''}`}>
        <legend>${name}${required.has(name) ? ' *' : ''}</legend>
        ${hint ? html`<small>${hint}</small>` : null}
        ${list.map(
          (item, i) => html`<div class="list-item">
            <label class="visually-hidden" for=${`${name}-${i}`}>${name} ${i + 1}</label>
            <input id=${`${name}-${i}`} name=${`${name}[${i}]`} type="url" placeholder="https://…" value=${item} onInput=${(e: Event) => set(name, list.map((v, j) => (j === i ? (e.target as HTMLInputElement).value : v)))} />
            <button type="button" aria-label=${`Remove ${name} ${i + 1}`} onClick=${() => set(name, list.filter((_v, j) => j !== i))}>Remove</button>
          </div>`,
        )}
        <button type="button" disabled=${kind.max !== undefined && list.length >= kind.max} onClick=${() => set(name, [...list, ''])}>Add ${name === 'images' ? 'an image URL' : 'an item'}</button>
        ${problems.length > 0 ? html`<small class="problem">${problems.map((p) => `${p.field} ${p.message}`).join('; ')}</small>` : null}
      </fieldset>`;
    }
    return html`<${Field} label=${name} hint=${hint} required=${required.has(name)} problems=${problems}>
      ${(id: string, d: string | undefined) => {
        const value = (values[name] as string | undefined) ?? '';
        const onInput = (e: Event) => set(name, (e.target as HTMLInputElement).value);
        if (kind.type === 'boolean')
          return html`<select id=${id} name=${name} aria-describedby=${d} value=${value} onChange=${onInput}>
            <option value="">(default${property.default === undefined ? '' : `: ${String(property.default)}`})</option><option value="true">true</option><option value="false">false</option>
          </select>`;
        if (kind.type === 'number')
          return html`<input id=${id} name=${name} aria-describedby=${d} type="number" step=${kind.integer ? '1' : 'any'} min=${property.minimum} max=${property.maximum} required=${required.has(name)} value=${value} onInput=${onInput} />`;
        return html`<input id=${id} name=${name} aria-describedby=${d} type=${INPUT_TYPES[kind.format ?? ''] ?? 'text'} required=${required.has(name)} value=${value} onInput=${onInput} />`;
      }}
    <//>`;
  })}`;
}
