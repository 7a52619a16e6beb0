// The filter bar of the delivery and run lists: every value lives in the URL (so a filtered view
// can be bookmarked); selects apply at once, the rest with "Apply".
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { VNode } from 'preact';
import type { Connection } from './types.js';
import { fromInputTime, toInputTime } from './format.js';
import { filterTo } from './paging.js';
import type { Route } from './route.js';
import { Field } from './ui.js';

export interface FilterSpec {
  screen: string;
  statuses: string[];
  /** 'trigger' (deliveries) or 'operation' (runs): the name filter's parameter. */
  nameParam: 'trigger' | 'operation';
  names: string[];
  subscription: boolean;
}

export const FILTER_KEYS = ['status', 'connection', 'subscription', 'trigger', 'operation', 'from', 'to'] as const;

export function filtersOf(route: Route): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = route.query.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

export function FilterBar({ spec, route, connections }: { spec: FilterSpec; route: Route; connections: Connection[] }): VNode {
  const current = filtersOf(route);
  const [draft, setDraft] = useState<Record<string, string>>({ ...current, from: toInputTime(current.from ?? null), to: toInputTime(current.to ?? null) });
  const apply = (next: Record<string, string>) => {
    const params: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(next)) if (value) params[key] = key === 'from' || key === 'to' ? fromInputTime(value) || undefined : value;
    filterTo(spec.screen, params);
  };
  const change = (key: string, immediate: boolean) => (e: Event) => {
    const next = { ...draft, [key]: (e.target as HTMLInputElement).value };
    setDraft(next);
    if (immediate) apply(next);
  };
  return html`<form class="filters" aria-label="Filters" onSubmit=${(e: Event) => {
    e.preventDefault();
    apply(draft);
  }}>
    <${Field} label="Status">
      ${(id: string) => html`<select id=${id} name="status" value=${draft.status ?? ''} onChange=${change('status', true)}><option value="">any</option>${spec.statuses.map((s) => html`<option value=${s}>${s}</option>`)}</select>`}
    <//>
    <${Field} label="Connection">
      ${(id: string) => html`<select id=${id} name="connection" value=${draft.connection ?? ''} onChange=${change('connection', true)}><option value="">any</option>${connections.map((c) => html`<option value=${c.id}>${c.name}</option>`)}</select>`}
    <//>
    <${Field} label=${spec.nameParam === 'trigger' ? 'Trigger' : 'Action or trigger'}>
      ${(id: string) => html`<select id=${id} name=${spec.nameParam} value=${draft[spec.nameParam] ?? ''} onChange=${change(spec.nameParam, true)}><option value="">any</option>${spec.names.map((n) => html`<option value=${n}>${n}</option>`)}</select>`}
    <//>
    ${spec.subscription
      ? html`<${Field} label="Subscription id">${(id: string) => html`<input id=${id} name="subscription" placeholder="sub_…" value=${draft.subscription ?? ''} onInput=${change('subscription', false)} />`}<//>`
      : null}
    <${Field} label="From (UTC)">${(id: string) => html`<input id=${id} name="from" type="datetime-local" value=${draft.from ?? ''} onInput=${change('from', false)} />`}<//>
    <${Field} label="To (UTC, exclusive)">${(id: string) => html`<input id=${id} name="to" type="datetime-local" value=${draft.to ?? ''} onInput=${change('to', false)} />`}<//>
    <div class="filter-buttons">
      <button type="submit">Apply</button>
      <button type="button" onClick=${() => {
        setDraft({});
        filterTo(spec.screen, {});
      }}>Clear</button>
    </div>
  </form>`;
}
