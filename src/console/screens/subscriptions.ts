// Subscriptions: create one (trigger, URL, mode, interval, since), its secret shown once with a
// copy button; each with its counts (delivered, failed, pending), pause, resume and delete.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { VNode } from 'preact';
import { call, query, type Page } from '../api.js';
import type { Connection, Operation, Subscription } from '../types.js';
import { fromInputTime } from '../format.js';
import { href, type Route } from '../route.js';
import { filterTo, turnPage } from '../paging.js';
import { Badge, ariaBusy, Empty, ErrorBox, Field, Pager, problemsFor, useLoad, useSubmit } from '../ui.js';

function CreateSubscription({ connections, triggers, connection, onCreated }: { connections: Connection[]; triggers: Operation[]; connection: string; onCreated: (s: Subscription) => void }): VNode {
  const [form, setForm] = useState({ connection, trigger: '', url: '', mode: 'poll', pollIntervalSeconds: '', since: '' });
  const chosenConnection = form.connection || connections[0]?.id || '';
  const chosenTrigger = form.trigger || triggers[0]?.name || '';
  const input = (field: keyof typeof form) => (e: Event) => setForm({ ...form, [field]: (e.target as HTMLInputElement).value });
  const { busy, error, submit } = useSubmit(async () => {
    const body: Record<string, unknown> = { trigger: chosenTrigger, url: form.url, mode: form.mode };
    if (form.pollIntervalSeconds !== '') body.pollIntervalSeconds = Number(form.pollIntervalSeconds);
    if (form.since !== '') body.since = fromInputTime(form.since) || form.since;
    const created = await call<Subscription>('POST', `/api/connections/${encodeURIComponent(chosenConnection)}/subscriptions`, { body });
    onCreated(created.body);
    setForm({ ...form, url: '', since: '' });
  });
  return html`<form class="panel" onSubmit=${submit} aria-labelledby="new-subscription">
    <h2 id="new-subscription">Subscribe a URL to a trigger</h2>
    <div class="row">
      <${Field} label="Connection" required=${true}>
        ${(id: string) => html`<select id=${id} name="connection" value=${chosenConnection} onChange=${input('connection')}>${connections.map((c) => html`<option value=${c.id}>${c.name}</option>`)}</select>`}
      <//>
      <${Field} label="Trigger" required=${true} problems=${problemsFor(error, 'trigger')}>
        ${(id: string, d: string | undefined) => html`<select id=${id} aria-describedby=${d} name="trigger" value=${chosenTrigger} onChange=${input('trigger')}>${triggers.map((t) => html`<option value=${t.name}>${t.title} (${t.name})</option>`)}</select>`}
      <//>
    </div>
    <${Field} label="URL" hint="Receives each event as a signed POST (Standard Webhooks)." required=${true} problems=${problemsFor(error, 'url')}>
      ${(id: string, d: string | undefined) => html`<input id=${id} aria-describedby=${d} name="url" type="url" required placeholder="https://…" value=${form.url} onInput=${input('url')} />`}
    <//>
    <div class="row">
      <${Field} label="Mode" problems=${problemsFor(error, 'mode')}>
        ${(id: string, d: string | undefined) => html`<select id=${id} aria-describedby=${d} name="mode" value=${form.mode} onChange=${input('mode')}>
          <option value="poll">poll</option><option value="webhook">webhook</option><option value="hybrid">hybrid</option>
        </select>`}
      <//>
      <${Field} label="Poll interval (s)" hint="Default 120." problems=${problemsFor(error, 'pollIntervalSeconds')}>
        ${(id: string, d: string | undefined) => html`<input id=${id} aria-describedby=${d} name="pollIntervalSeconds" type="number" min="1" max="86400" step="1" value=${form.pollIntervalSeconds} onInput=${input('pollIntervalSeconds')} />`}
      <//>
      <${Field} label="Since (UTC)" hint="Deliver objects created since then; default: from now on." problems=${problemsFor(error, 'since')}>
        ${(id: string, d: string | undefined) => html`<input id=${id} aria-describedby=${d} name="since" type="datetime-local" value=${form.since} onInput=${input('since')} />`}
      <//>
    </div>
    <${ErrorBox} error=${error} />
    <button type="submit" class="primary" disabled=${busy || chosenConnection === ''}>Subscribe</button>
  </form>`;
}

function Secret({ subscription, onClose }: { subscription: Subscription; onClose: () => void }): VNode {
  const [copied, setCopied] = useState(false);
  return html`<div class="notice secret" role="status">
    <p><strong>Subscribed: ${subscription.id}.</strong> Its signing secret is shown this once; keep it where your receiver verifies signatures:</p>
    <p><code data-testid="secret">${subscription.secret}</code></p>
    <button type="button" onClick=${async () => {
      await navigator.clipboard.writeText(subscription.secret ?? '');
      setCopied(true);
    }}>${copied ? 'Copied' : 'Copy secret'}</button>
    <button type="button" onClick=${onClose}>I have kept it</button>
  </div>`;
}

export function SubscriptionsScreen({ route }: { route: Route }): VNode {
  const connectionFilter = route.query.get('connection') ?? '';
  const startingAfter = route.query.get('startingAfter') ?? '';
  const list = useLoad<Page<Subscription>>(`/api/subscriptions${query({ connection: connectionFilter, startingAfter })}`);
  const connections = useLoad<{ data: Connection[] }>('/api/connections');
  const operations = useLoad<{ data: Operation[] }>('/api/operations');
  const [created, setCreated] = useState<Subscription | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [confirming, setConfirming] = useState<string | null>(null);
  const act = async (method: string, path: string) => {
    setError(undefined);
    try {
      await call(method, path);
      setConfirming(null);
      list.reload();
    } catch (caught) {
      setError(caught as Error);
    }
  };
  const nameOf = (id: string) => connections.data?.data.find((c) => c.id === id)?.name ?? id;
  const rows = list.data?.data ?? [];
  return html`<section aria-busy=${ariaBusy(list, connections, operations)}>
    <h1>Subscriptions</h1>
    ${created ? html`<${Secret} subscription=${created} onClose=${() => setCreated(null)} />` : null}
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <${Field} label="Connection">
        ${(id: string) => html`<select id=${id} value=${connectionFilter} onChange=${(e: Event) => filterTo('subscriptions', { connection: (e.target as HTMLSelectElement).value })}>
          <option value="">all</option>${connections.data?.data.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select>`}
      <//>
    </form>
    <${ErrorBox} error=${list.error ?? error} />
    ${list.data && rows.length === 0 ? html`<${Empty}>No subscriptions${connectionFilter ? ' on this connection' : ''}.<//>` : null}
    ${rows.length > 0
      ? html`<table class="rows">
          <thead><tr><th scope="col">Trigger</th><th scope="col">URL</th><th scope="col">Connection</th><th scope="col">Mode</th><th scope="col">Status</th><th scope="col">Delivered</th><th scope="col">Failed</th><th scope="col">Pending</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            ${rows.map(
              (s) => html`<tr data-id=${s.id}>
                <td data-label="Trigger">${s.trigger}<br /><code class="muted">${s.id}</code></td>
                <td data-label="URL" class="wrap">${s.url}</td>
                <td data-label="Connection">${nameOf(s.connection)}</td>
                <td data-label="Mode">${s.mode}${s.mode === 'webhook' ? '' : html` <span class="muted">every ${s.pollIntervalSeconds} s</span>`}</td>
                <td data-label="Status"><${Badge} status=${s.status} /></td>
                <td data-label="Delivered"><a href=${href('deliveries', { subscription: s.id, status: 'delivered' })}>${s.counts?.delivered ?? '—'}</a></td>
                <td data-label="Failed"><a href=${href('deliveries', { subscription: s.id, status: 'failed' })}>${s.counts?.failed ?? '—'}</a></td>
                <td data-label="Pending"><a href=${href('deliveries', { subscription: s.id, status: 'pending' })}>${s.counts?.pending ?? '—'}</a></td>
                <td data-label="">
                  <a href=${href('deliveries', { subscription: s.id })}>Deliveries</a>
                  ${s.status === 'active'
                    ? html`<button type="button" onClick=${() => act('POST', `/api/subscriptions/${s.id}/pause`)}>Pause</button>`
                    : html`<button type="button" onClick=${() => act('POST', `/api/subscriptions/${s.id}/resume`)}>Resume</button>`}
                  ${confirming === s.id
                    ? html`<span class="confirm" role="alertdialog" aria-label="Confirm delete">Delete it with its delivery history?
                        <button type="button" class="danger" onClick=${() => act('DELETE', `/api/subscriptions/${s.id}`)}>Delete</button>
                        <button type="button" onClick=${() => setConfirming(null)}>Cancel</button></span>`
                    : html`<button type="button" class="danger" onClick=${() => setConfirming(s.id)}>Delete…</button>`}
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
        <${Pager} hasMore=${list.data?.hasMore ?? false} lastId=${rows[rows.length - 1]?.id} atNewest=${startingAfter === ''} onPage=${(after: string | null) => turnPage('subscriptions', route, after)} />`
      : null}
    ${connections.data && operations.data
      ? html`<${CreateSubscription}
          connections=${connections.data.data}
          triggers=${operations.data.data.filter((o) => o.kind === 'trigger')}
          connection=${connectionFilter}
          onCreated=${(s: Subscription) => {
            setCreated(s);
            list.reload();
          }}
        />`
      : null}
  </section>`;
}
